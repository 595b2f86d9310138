using System.Numerics;
using FieldForge.Morphing;
using FieldForge.Core;

namespace FieldForge.Tests.Morphing;

public sealed class MeshSdfSourceTests : GpuTest
{
    private static (float[] D, uint[] C) Voxelize(ISdfSource source, SdfGrid grid)
    {
        using var d = Gpu.CreateBuffer<float>(grid.PointCount);
        using var c = Gpu.CreateBuffer<uint>(grid.PointCount);
        using (var batch = Gpu.BeginBatch()) { source.Record(batch, grid, d, c); batch.Submit(); }
        return (d.ToArray(), c.ToArray());
    }

    [Test]
    public void Voxelize_CubeMesh_MatchesAnalyticBoxWithinBand()
    {
        var source = new MeshSdfSource(TestMeshes.Cube(0.4f), narrowBandVoxels: 4);
        var box = SdfShape.Box(new Vector3(0.4f));
        var grid = SdfGrid.Covering(source.Bounds.Expanded(0.2f), 24);
        var (d, c) = Voxelize(source, grid);
        float band = 4 * grid.VoxelSize;
        int n = grid.Resolution;
        for (int z = 0; z < n; z++) for (int y = 0; y < n; y++) for (int x = 0; x < n; x++)
        {
            var p = grid.Point(x, y, z);
            float exact = box.Distance(p);
            float got = d[grid.Index(x, y, z)];
            Assert.That(MathF.Sign(got), Is.EqualTo(MathF.Sign(exact)), $"sign at {p}");
            // Exact point-triangle distance in float32 inside the band; beyond it the magnitude is clamped to the band.
            float expected = MathF.Abs(exact) <= band ? exact : MathF.CopySign(band, exact);
            Assert.That(got, Is.EqualTo(expected).Within(1e-5f), $"distance at {p}");
        }
        // Colour of the closest point: the top face is red, the bottom face blue.
        var top = ColourPacking.Unpack(c[grid.Index(n / 2, n - 4, n / 2)]);
        var bottom = ColourPacking.Unpack(c[grid.Index(n / 2, 3, n / 2)]);
        Assert.That(top.X, Is.GreaterThan(0.95f)); Assert.That(top.Z, Is.LessThan(0.05f));
        Assert.That(bottom.Z, Is.GreaterThan(0.95f)); Assert.That(bottom.X, Is.LessThan(0.05f));
    }

    [Test]
    public void Voxelize_SphereMesh_SignAndDistanceMatchAnalyticSphere()
    {
        var mesh = TestMeshes.Sphere(0.5f, 40);
        var source = new MeshSdfSource(mesh, narrowBandVoxels: 64);
        var grid = SdfGrid.Covering(source.Bounds.Expanded(0.2f), 20);
        var (d, _) = Voxelize(source, grid);
        int n = grid.Resolution;
        // The mesh is inscribed in the sphere with vertices on it: its distance differs from |p| - r by at most the sagitta
        // of a facet, below 0.01 at this tessellation (facets ~0.03 wide).
        for (int z = 0; z < n; z++) for (int y = 0; y < n; y++) for (int x = 0; x < n; x++)
        {
            var p = grid.Point(x, y, z);
            float exact = p.Length() - 0.5f;
            float got = d[grid.Index(x, y, z)];
            Assert.That(got, Is.EqualTo(exact).Within(0.01f), $"at {p}");
        }
    }

    [Test]
    public void Voxelize_Gpu_MatchesCpuReference()
    {
        var mesh = TestMeshes.Sphere(0.4f, 14);
        var source = new MeshSdfSource(mesh, narrowBandVoxels: 64);
        var grid = SdfGrid.Covering(source.Bounds.Expanded(0.1f), 12);
        var (d, c) = Voxelize(source, grid);
        for (int z = 0; z < 12; z++) for (int y = 0; y < 12; y++) for (int x = 0; x < 12; x++)
        {
            var p = grid.Point(x, y, z);
            // Same closest-point code in float32 on both sides.
            Assert.That(d[grid.Index(x, y, z)], Is.EqualTo(source.Distance(p)).Within(1e-5f), $"at {p}");
        }
    }

    [Test]
    public void MorphBetweenMeshAndShape_IsWatertight()
    {
        var cube = new MeshSdfSource(TestMeshes.Cube(0.35f));
        ISdfSource[] sources = [cube, SdfShape.Torus(0.5f, 0.15f)];
        using var morph = new SdfMorph(Gpu, sources, SdfMorph.GridFor(sources, 24));
        using var iso = new IsoSurfacer(Gpu, 24);
        var mesh = morph.ExtractFrame(iso, 0.4f).Mesh;
        Assert.That(mesh.TriangleCount, Is.GreaterThan(0));
        Assert.That(MeshChecks.WatertightProblem(mesh), Is.Null);
    }

    [Test]
    public void Constructor_EmptyMesh_IsRejected()
    {
        var e = Assert.Throws<InvalidDataException>(() => new MeshSdfSource(new TriangleMesh(Array.Empty<Vector3>(), Array.Empty<int>())));
        Assert.That(e!.Message, Does.Contain("mesh is empty"));
    }

    [Test]
    public void Constructor_NaNVertex_IsRejected()
    {
        var cube = TestMeshes.Cube(0.4f);
        cube.Positions[3] = new Vector3(float.NaN, 0, 0);
        var e = Assert.Throws<InvalidDataException>(() => new MeshSdfSource(cube));
        Assert.That(e!.Message, Does.Contain("vertex 3 has a non-finite position"));
    }

    [Test]
    public void Constructor_OpenMesh_IsRejected()
    {
        var cube = TestMeshes.Cube(0.4f);
        var open = cube with { Indices = cube.Indices[3..] };
        var e = Assert.Throws<InvalidDataException>(() => new MeshSdfSource(open));
        Assert.That(e!.Message, Does.Contain("closed").And.Contain("has only one triangle (the mesh is open)"));
    }

    [Test]
    public void Constructor_NonManifoldMesh_IsRejected()
    {
        var cube = TestMeshes.Cube(0.4f);
        // A second copy of the first triangle: its edges are now used twice in the same direction.
        var doubled = cube with { Indices = [.. cube.Indices, .. cube.Indices[..3]] };
        var e = Assert.Throws<InvalidDataException>(() => new MeshSdfSource(doubled));
        Assert.That(e!.Message, Does.Contain("non-manifold"));
    }

    [Test]
    public void Constructor_FlatMesh_IsRejected()
    {
        // A closed but flat "mesh": two triangles back to back.
        var flat = new TriangleMesh([new(0, 0, 0), new(1, 0, 0), new(0, 1, 0)], [0, 1, 2, 0, 2, 1]);
        var e = Assert.Throws<InvalidDataException>(() => new MeshSdfSource(flat));
        Assert.That(e!.Message, Does.Contain("degenerate"));
    }
}
