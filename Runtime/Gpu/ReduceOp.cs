namespace FieldForge.Gpu;

/// <summary>What a reduction computes.</summary>
public enum ReduceOp
{
    Sum = 0,
    Min = 1,
    Max = 2,
    /// <summary>Σ (a[i] − b[i])², the core of every L2 loss and PSNR (float only).</summary>
    SumSquaredDifference = 3,
}
