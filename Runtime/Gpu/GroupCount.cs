namespace FieldForge.Gpu;

/// <summary>Number of workgroups of a dispatch in each dimension.</summary>
public readonly record struct GroupCount(uint X, uint Y = 1, uint Z = 1)
{
    /// <summary>A one-dimensional dispatch of <paramref name="x"/> workgroups.</summary>
    public static implicit operator GroupCount(uint x) => new(x);
    /// <summary>Total number of workgroups (X · Y · Z).</summary>
    public ulong Total => (ulong)X * Y * Z;
}
