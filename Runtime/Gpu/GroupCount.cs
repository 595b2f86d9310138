namespace FieldForge.Gpu;

/// <summary>Number of workgroups of a dispatch in each dimension.</summary>
public readonly record struct GroupCount(uint X, uint Y = 1, uint Z = 1)
{
    public static implicit operator GroupCount(uint x) => new(x);
    public ulong Total => (ulong)X * Y * Z;
}
