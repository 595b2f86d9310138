namespace FieldForge.Gpu;

/// <summary>What a reduction computes.</summary>
public enum ReduceOp
{
    /// <summary>Σ a[i].</summary>
    Sum = 0,
    /// <summary>The smallest element.</summary>
    Min = 1,
    /// <summary>The largest element.</summary>
    Max = 2,
    /// <summary>Σ (a[i] − b[i])², the core of every L2 loss and PSNR (float only).</summary>
    SumSquaredDifference = 3,
}
