using System.Numerics;
using System.Runtime.InteropServices;
using FieldForge.Gpu;
using FieldForge.Core;

namespace FieldForge.Morphing;

/// <summary>
/// A closed triangle mesh voxelised to a signed distance grid on the GPU: exact point-triangle distances within a
/// narrow band around the surface (beyond it the magnitude is clamped to the band), the sign from the winding number
/// of a ray along +x, and an optional colour per grid point interpolated from the vertex colours at the closest point.
/// Open, non-manifold, empty, non-finite or flat meshes are rejected at construction with the reason.
/// </summary>
public sealed class MeshSdfSource : ISdfSource
{
    internal static readonly KernelSpec DistanceSpec = new("voxel_distance", Buffers: 2, PushConstantBytes: 32);
    internal static readonly KernelSpec ColorSpec = new("voxel_colour", Buffers: 3, PushConstantBytes: 32);
    internal static readonly KernelSpec SignSpec = new("voxel_sign", Buffers: 2, PushConstantBytes: 32);

    private static readonly Vector3 DefaultColor = new(0.8f);

    [StructLayout(LayoutKind.Sequential)]
    internal struct VoxelTriangle { public Vector4 A, B, C; public uint ColorA, ColorB, ColorC, Pad; }

    [StructLayout(LayoutKind.Sequential)]
    internal readonly record struct VoxelizePush(Vector3 Min, float VoxelSize, uint Resolution, uint Count, float Band, uint Pad);

    private readonly VoxelTriangle[] _triangles;

    /// <param name="mesh">A closed, consistently oriented mesh (counter-clockwise seen from outside).</param>
    /// <param name="narrowBandVoxels">Half-width of the band of exact distances, in voxels of the grid it is evaluated on (1..64).</param>
    public MeshSdfSource(TriangleMesh mesh, float narrowBandVoxels = 8f)
    {
        ArgumentNullException.ThrowIfNull(mesh);
        if (!(narrowBandVoxels >= 1 && narrowBandVoxels <= 64)) throw new ArgumentOutOfRangeException(nameof(narrowBandVoxels), $"narrow band must be 1..64 voxels, got {narrowBandVoxels}");
        if (mesh.VertexCount == 0 || mesh.TriangleCount == 0) throw new InvalidDataException("mesh is empty: a mesh SDF needs at least one triangle");
        mesh.Validate("mesh");
        MeshTopology.RequireClosed(mesh, "mesh");
        var bounds = Bounds.Of(mesh.Positions);
        var size = bounds.Size;
        if (!(size.X > 0 && size.Y > 0 && size.Z > 0) || mesh.Area() <= 0)
            throw new InvalidDataException($"mesh is degenerate: it is flat or has zero area (bounds {bounds})");
        Mesh = mesh;
        NarrowBandVoxels = narrowBandVoxels;
        Bounds = bounds;
        _triangles = new VoxelTriangle[mesh.TriangleCount];
        for (int t = 0; t < _triangles.Length; t++)
        {
            int a = mesh.Indices[3 * t], b = mesh.Indices[3 * t + 1], c = mesh.Indices[3 * t + 2];
            Vector3 Col(int i) => mesh.Colors?[i] ?? DefaultColor;
            _triangles[t] = new VoxelTriangle
            {
                A = new(mesh.Positions[a], 0), B = new(mesh.Positions[b], 0), C = new(mesh.Positions[c], 0),
                ColorA = ColorPacking.Pack(Col(a)), ColorB = ColorPacking.Pack(Col(b)), ColorC = ColorPacking.Pack(Col(c)),
            };
        }
    }

    /// <summary>Reads an .obj/.gltf/.glb file and wraps it (see the constructor for the checks).</summary>
    public static MeshSdfSource Load(string path, float narrowBandVoxels = 8f) => new(MeshFile.Read(path), narrowBandVoxels);

    /// <summary>The closed triangle mesh the distances are measured to.</summary>
    public TriangleMesh Mesh { get; }
    /// <summary>Half-width of the exact-distance band, in voxels.</summary>
    public float NarrowBandVoxels { get; }
    /// <inheritdoc/>
    public Bounds Bounds { get; }

    /// <inheritdoc/>
    public void Record(CommandBatch batch, SdfGrid grid, GpuBuffer<float> distance, GpuBuffer<uint> color)
    {
        grid.ValidateBuffers(distance, color);
        var gpu = batch.Context;
        var tris = gpu.CreateBuffer<VoxelTriangle>(_triangles, label: "voxelize triangles");
        batch.DisposeAfterCompletion(tris);
        float band = NarrowBandVoxels * grid.VoxelSize;
        var push = new VoxelizePush(grid.Min, grid.VoxelSize, (uint)grid.Resolution, (uint)_triangles.Length, band, 0);
        gpu.Primitives.RecordFill(batch, distance, band, 0, grid.PointCount);
        gpu.Primitives.RecordFill(batch, color, ColorPacking.Pack(DefaultColor), 0, grid.PointCount);
        batch.DispatchThreads(gpu.GetKernel(DistanceSpec), push, _triangles.Length, tris, distance);
        batch.DispatchThreads(gpu.GetKernel(ColorSpec), push, _triangles.Length, tris, distance, color);
        batch.DispatchThreads(gpu.GetKernel(SignSpec), push, (long)grid.Resolution * grid.Resolution, tris, distance);
    }

    /// <summary>CPU reference: exact (unclamped) signed distance; the sign from the same +x ray winding number.</summary>
    public float Distance(Vector3 point)
    {
        var (d, _) = Closest(point);
        return Inside(point) ? -d : d;
    }

    /// <inheritdoc/>
    public Vector4 Color(Vector3 point) => new(Closest(point).Color, 1f);

    private (float Distance, Vector3 Color) Closest(Vector3 p)
    {
        float best = float.PositiveInfinity;
        Vector3 color = DefaultColor;
        foreach (var t in _triangles)
        {
            Vector3 a = new(t.A.X, t.A.Y, t.A.Z), b = new(t.B.X, t.B.Y, t.B.Z), c = new(t.C.X, t.C.Y, t.C.Z);
            var w = TriangleDistance.ClosestBarycentric(p, a, b, c);
            float d = (p - (w.X * a + w.Y * b + w.Z * c)).Length();
            if (d < best)
            {
                best = d;
                var col = w.X * ColorPacking.Unpack(t.ColorA) + w.Y * ColorPacking.Unpack(t.ColorB) + w.Z * ColorPacking.Unpack(t.ColorC);
                color = new Vector3(col.X, col.Y, col.Z);
            }
        }
        return (best, color);
    }

    private bool Inside(Vector3 p)
    {
        // Same nudge idea as the kernel: keep the ray off vertices and edges placed on round coordinates.
        var o = new Vector2(p.Y + 3.7e-5f * MathF.PI, p.Z + 3.7e-5f * MathF.E);
        float winding = 0;
        foreach (var t in _triangles)
        {
            Vector2 a = new(t.A.Y, t.A.Z), b = new(t.B.Y, t.B.Z), c = new(t.C.Y, t.C.Z);
            float e0 = (b.X - a.X) * (o.Y - a.Y) - (b.Y - a.Y) * (o.X - a.X);
            float e1 = (c.X - b.X) * (o.Y - b.Y) - (c.Y - b.Y) * (o.X - b.X);
            float e2 = (a.X - c.X) * (o.Y - c.Y) - (a.Y - c.Y) * (o.X - c.X);
            bool pos = e0 > 0 && e1 > 0 && e2 > 0, neg = e0 < 0 && e1 < 0 && e2 < 0;
            if (!pos && !neg) continue;
            float x = (e1 * t.A.X + e2 * t.B.X + e0 * t.C.X) / (e0 + e1 + e2);
            if (x > p.X) winding += pos ? 1 : -1;
        }
        return MathF.Abs(winding) > 0.5f;
    }
}
