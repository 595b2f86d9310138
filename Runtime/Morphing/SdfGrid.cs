using System.Numerics;
using FieldForge.Gpu;
using FieldForge.Core;

namespace FieldForge.Morphing;

/// <summary>
/// An N^3 lattice of sample points <c>Min + VoxelSize * (x, y, z)</c>, x fastest in memory. Cubic voxels keep
/// distances isotropic. <see cref="MaxResolution"/> keeps one float grid within a single storage-buffer binding.
/// </summary>
public sealed record SdfGrid(int Resolution, Vector3 Min, float VoxelSize)
{
    /// <summary>Largest supported N (256^3 floats = 64 MiB, half the 128 MiB binding limit).</summary>
    public const int MaxResolution = 256;

    /// <summary>Number of lattice points N^3.</summary>
    public long PointCount => (long)Resolution * Resolution * Resolution;
    /// <summary>Workgroups for a kernel that runs one invocation per lattice point as rows along x: (⌈N/local x⌉, N, N).
    /// The kernel reads its point from gl_GlobalInvocationID (sdf_grid_invocation), so no invocation divides an index
    /// by N — integer division is scalarised on CPU drivers and cost the morph and isosurface kernels most of their time.</summary>
    public GroupCount Groups(Kernel kernel) =>
        new((uint)((Resolution + kernel.LocalSize.X - 1) / kernel.LocalSize.X), (uint)Resolution, (uint)Resolution);

    /// <summary>Validates the grid and checks that per-point <paramref name="distance"/> and <paramref name="colour"/>
    /// buffers hold all of its points: the contract of every ISdfSource.Record and of IsoSurfacer.Record.</summary>
    public void ValidateBuffers(GpuBuffer<float> distance, GpuBuffer<uint> colour)
    {
        Validate();
        if (distance.Length < PointCount || colour.Length < PointCount)
            throw new ArgumentException($"grid of {PointCount} points needs distance/colour buffers that long, got {distance.Length} and {colour.Length}");
    }

    /// <summary>The far corner of the lattice.</summary>
    public Vector3 Max => Min + new Vector3(VoxelSize * (Resolution - 1));
    /// <summary>The box from <see cref="Min"/> to <see cref="Max"/>.</summary>
    public Bounds Bounds => new(Min, Max);

    /// <summary>Grid of <paramref name="resolution"/>^3 points covering the cube around <paramref name="bounds"/> (its largest side).</summary>
    public static SdfGrid Covering(Bounds bounds, int resolution)
    {
        ValidateResolution(resolution);
        if (!bounds.IsValid) throw new ArgumentException($"bounds must be finite with Min <= Max, got {bounds}", nameof(bounds));
        float side = MathF.Max(bounds.Size.X, MathF.Max(bounds.Size.Y, bounds.Size.Z));
        if (!(side > 0)) throw new ArgumentException($"bounds must have a positive extent, got {bounds}", nameof(bounds));
        var grid = new SdfGrid(resolution, bounds.Center - new Vector3(side * 0.5f), side / (resolution - 1));
        grid.Validate();
        return grid;
    }

    /// <summary>Checks the resolution range and that the geometry is finite.</summary>
    public void Validate()
    {
        ValidateResolution(Resolution);
        if (!(VoxelSize > 0) || !float.IsFinite(VoxelSize)) throw new ArgumentOutOfRangeException(nameof(VoxelSize), $"voxel size must be finite and > 0, got {VoxelSize}");
        if (!float.IsFinite(Min.X + Min.Y + Min.Z)) throw new ArgumentException($"grid origin must be finite, got {Min}", nameof(Min));
    }

    /// <summary>Throws unless 2 ≤ <paramref name="resolution"/> ≤ <see cref="MaxResolution"/>.</summary>
    public static void ValidateResolution(int resolution)
    {
        if (resolution < 2 || resolution > MaxResolution)
            throw new ArgumentOutOfRangeException(nameof(resolution), $"resolution must be 2..{MaxResolution}, got {resolution}");
    }

    /// <summary>World position of lattice point (x, y, z).</summary>
    public Vector3 Point(int x, int y, int z) => Min + VoxelSize * new Vector3(x, y, z);
    /// <summary>Linear index of lattice point (x, y, z), x fastest, as the distance and colour buffers are laid out.</summary>
    public long Index(int x, int y, int z) => x + (long)Resolution * (y + (long)Resolution * z);
}
