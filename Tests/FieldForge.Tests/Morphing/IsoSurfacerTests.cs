using System.Numerics;
using FieldForge.Morphing;
using FieldForge.Core;

namespace FieldForge.Tests.Morphing;

public sealed class IsoSurfacerTests : GpuTest
{
    private static (SdfGrid Grid, float[] D, uint[] C, TriangleMesh Gpu) ExtractGpu(ISdfSource shape, int n)
    {
        var grid = SdfGrid.Covering(shape.Bounds.Expanded(0.15f), n);
        using var d = Gpu.CreateBuffer<float>(grid.PointCount);
        using var c = Gpu.CreateBuffer<uint>(grid.PointCount);
        using (var batch = Gpu.BeginBatch()) { shape.Record(batch, grid, d, c); batch.Submit(); }
        using var iso = new IsoSurfacer(Gpu, n);
        var mesh = iso.Extract(grid, d, c);
        return (grid, d.ToArray(), c.ToArray(), mesh);
    }

    private static IEnumerable<TestCaseData> Shapes()
    {
        yield return new TestCaseData(SdfShape.Sphere(0.5f)).SetName("Sphere");
        yield return new TestCaseData(SdfShape.Torus(0.5f, 0.18f)).SetName("Torus");
        yield return new TestCaseData(SdfShape.Box(new(0.4f, 0.3f, 0.25f)).Subtract(SdfShape.Cylinder(0.15f, 0.5f))).SetName("BoxWithHole");
        yield return new TestCaseData(SdfShape.Sphere(0.3f).Translated(new(-0.45f, 0, 0)).Union(SdfShape.Sphere(0.3f).Translated(new(0.45f, 0, 0)))).SetName("TwoSpheres");
    }

    [TestCaseSource(nameof(Shapes))]
    public void Extract_Gpu_SameTrianglesAsCpuReference(SdfShape shape)
    {
        var (grid, d, c, gpu) = ExtractGpu(shape, 24);
        var cpu = MarchingTetrahedra.Extract(grid, d, c);
        Assert.That(gpu.TriangleCount, Is.EqualTo(cpu.TriangleCount));
        Assert.That(gpu.VertexCount, Is.EqualTo(cpu.VertexCount));
        // Same numbering on both sides (one vertex per crossing edge, in grid order), so vertices compare one to one:
        // positions to float rounding (1e-5 on a ~1.3-unit grid), gradient normals to 1e-4 (normalised differences).
        // Triangles then compare as sets of index triples (the same triangles up to order, orientation included).
        for (int i = 0; i < gpu.VertexCount; i++)
        {
            Assert.That(Vector3.Distance(gpu.Positions[i], cpu.Positions[i]), Is.LessThan(1e-5f), $"vertex {i}");
            Assert.That(Vector3.Distance(gpu.Normals![i], cpu.Normals![i]), Is.LessThan(1e-4f), $"normal {i}");
        }
        var gpuTris = Enumerable.Range(0, gpu.TriangleCount).Select(t => (gpu.Indices[3 * t], gpu.Indices[3 * t + 1], gpu.Indices[3 * t + 2])).ToHashSet();
        var cpuTris = Enumerable.Range(0, cpu.TriangleCount).Select(t => (cpu.Indices[3 * t], cpu.Indices[3 * t + 1], cpu.Indices[3 * t + 2])).ToHashSet();
        Assert.That(gpuTris.SetEquals(cpuTris), "GPU and CPU triangle sets differ");
    }

    [TestCaseSource(nameof(Shapes))]
    public void Extract_ClosedSurface_IsWatertightAndOutward(SdfShape shape)
    {
        var (_, _, _, mesh) = ExtractGpu(shape, 28);
        Assert.That(MeshChecks.WatertightProblem(mesh), Is.Null);
        Assert.That(mesh.Volume(), Is.GreaterThan(0), "outward orientation gives a positive signed volume");
        // Normals from the SDF gradient agree with the face orientation.
        var faceNormals = mesh.ComputeNormals();
        int agree = Enumerable.Range(0, mesh.VertexCount).Count(i => Vector3.Dot(faceNormals[i], mesh.Normals![i]) > 0);
        Assert.That(agree, Is.GreaterThan(0.98 * mesh.VertexCount));
    }

    [Test]
    public void Extract_Sphere_VolumeAndAreaCloseToAnalytic()
    {
        var (_, _, _, mesh) = ExtractGpu(SdfShape.Sphere(0.5f), 48);
        double v = 4.0 / 3.0 * Math.PI * 0.125, a = 4 * Math.PI * 0.25;
        // Piecewise-linear surfaces inscribed in a convex shape lose O(h^2) volume: 2% at 48^3 is generous.
        Assert.That(mesh.Volume(), Is.EqualTo(v).Within(0.02 * v));
        Assert.That(mesh.Area(), Is.EqualTo(a).Within(0.03 * a));
        foreach (var p in mesh.Positions) Assert.That(p.Length(), Is.EqualTo(0.5f).Within(0.01f));
    }

    [Test]
    public void Extract_AmbiguousCheckerboard_StaysWatertight()
    {
        // Random signs in the interior (the classic ambiguous faces everywhere), positive on the boundary so the surface is closed.
        int n = 12;
        var grid = new SdfGrid(n, Vector3.Zero, 1f);
        var rng = Rng(7);
        var d = new float[grid.PointCount];
        for (int z = 0; z < n; z++) for (int y = 0; y < n; y++) for (int x = 0; x < n; x++)
        {
            bool border = x == 0 || y == 0 || z == 0 || x == n - 1 || y == n - 1 || z == n - 1;
            d[grid.Index(x, y, z)] = border ? 1f : (float)(rng.NextDouble() * 2 - 1);
        }
        using var gd = Gpu.CreateBuffer<float>(d);
        using var gc = Gpu.CreateBuffer<uint>(grid.PointCount);
        Gpu.Primitives.Fill(gc, 0xFFFFFFFFu);
        using var iso = new IsoSurfacer(Gpu, n);
        var mesh = iso.Extract(grid, gd, gc);
        Assert.That(mesh.TriangleCount, Is.GreaterThan(100));
        Assert.That(MeshChecks.WatertightProblem(mesh), Is.Null);
    }

    [Test]
    public void Extract_SurfaceLargerThanInitialCapacity_GrowsWithoutBudget()
    {
        // Many small spheres: far more triangles than the N^2-based initial capacity.
        int n = 40;
        var grid = new SdfGrid(n, Vector3.Zero, 1f);
        var d = new float[grid.PointCount];
        for (int z = 0; z < n; z++) for (int y = 0; y < n; y++) for (int x = 0; x < n; x++)
            d[grid.Index(x, y, z)] = MathF.Sin(x * 1.3f) * MathF.Sin(y * 1.3f) * MathF.Sin(z * 1.3f) + 0.1f;
        using var gd = Gpu.CreateBuffer<float>(d);
        using var gc = Gpu.CreateBuffer<uint>(grid.PointCount);
        Gpu.Primitives.Fill(gc, 0u);
        using var iso = new IsoSurfacer(Gpu, n);
        var mesh = iso.Extract(grid, gd, gc);
        var cpu = MarchingTetrahedra.Extract(grid, d, Array.Empty<uint>());
        Assert.That(mesh.TriangleCount, Is.EqualTo(cpu.TriangleCount));
        Assert.That(mesh.TriangleCount, Is.GreaterThan(2 * 4 * n * n));
    }

    [Test]
    public void Constructor_BadResolution_IsRejected()
    {
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => new IsoSurfacer(Gpu, 0))!.Message, Does.Contain("resolution must be 2..256, got 0"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => new IsoSurfacer(Gpu, 10000))!.Message, Does.Contain("got 10000"));
    }
}
