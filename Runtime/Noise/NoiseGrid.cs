using System.Numerics;

namespace FieldForge.Noise;

/// <summary>
/// A regular grid of sample positions: sample (ix, iy, iz) sits at Origin + (ix·Spacing.X, iy·Spacing.Y, iz·Spacing.Z, 0)
/// and is stored at index (iz·Height + iy)·Width + ix. A 4D field is sampled on the 3D grid at w = Origin.W;
/// a 3D field on a Depth-1 grid is the slice z = Origin.Z. A value type, so moving a slice every frame allocates nothing.
/// </summary>
public readonly record struct NoiseGrid(int Dimensions, int Width, int Height, int Depth, Vector4 Origin, Vector3 Spacing)
{
    /// <summary>A Width × Height grid at the origin with uniform <paramref name="spacing"/> (input units per sample).</summary>
    public static NoiseGrid Plane(int width, int height, float spacing = 1f, int dimensions = 2) =>
        new(dimensions, width, height, 1, Vector4.Zero, new Vector3(spacing));

    /// <summary>A Width × Height × Depth 3D grid with uniform spacing.</summary>
    public static NoiseGrid Volume(int width, int height, int depth, float spacing = 1f, int dimensions = 3) =>
        new(dimensions, width, height, depth, Vector4.Zero, new Vector3(spacing));

    /// <summary>Number of samples.</summary>
    public long Count => (long)Width * Height * Depth;

    /// <summary>Checks sizes (≥ 1, at most 2^31 samples), dimension and finite transform; throws naming the bad value.</summary>
    public NoiseGrid Validate()
    {
        if (Dimensions is < 2 or > 4) throw new ArgumentException($"dimensions must be 2, 3 or 4, got {Dimensions}");
        if (Width < 1 || Height < 1 || Depth < 1) throw new ArgumentException($"grid size must be at least 1 in each axis, got {Width}x{Height}x{Depth}");
        if (Dimensions == 2 && Depth != 1) throw new ArgumentException($"a 2D noise grid has depth 1, got {Depth}");
        if (Count > int.MaxValue) throw new ArgumentException($"grid of {Count} samples exceeds {int.MaxValue}");
        if (!float.IsFinite(Origin.X) || !float.IsFinite(Origin.Y) || !float.IsFinite(Origin.Z) || !float.IsFinite(Origin.W))
            throw new ArgumentException($"grid origin must be finite, got {Origin}");
        if (!float.IsFinite(Spacing.X) || !float.IsFinite(Spacing.Y) || !float.IsFinite(Spacing.Z))
            throw new ArgumentException($"grid spacing must be finite, got {Spacing}");
        return this;
    }
}
