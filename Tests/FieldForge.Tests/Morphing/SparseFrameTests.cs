using System.Numerics;
using FieldForge.Core;
using FieldForge.Morphing;
using FieldForge.Neural;

namespace FieldForge.Tests.Morphing;

/// <summary>SdfMorph.RecordFrame (block bounds, distances only near the surface, block isosurface) against the dense
/// path it replaces: Record over every point followed by IsoSurfacer.Record.</summary>
public sealed class SparseFrameTests : GpuTest
{
    private static readonly SdfShape RedSphere = SdfShape.Sphere(0.5f).WithColor(new(1, 0, 0));
    private static readonly SdfShape BlueTorus = SdfShape.Torus(0.6f, 0.2f).WithColor(new(0, 0, 1));

    private static TriangleMesh Dense(SdfMorph morph, IsoSurfacer iso, float[] weights)
    {
        for (int attempt = 0; attempt < 2; attempt++)
        {
            using (var batch = Gpu.BeginBatch())
            {
                morph.Record(batch, weights);
                iso.Record(batch, morph.Grid, morph.Distance, morph.Color, gradient: morph.Gradient);
                batch.Submit();
            }
            if (iso.TryReadMesh(out var mesh)) return mesh;
        }
        throw new AssertionException("dense extraction did not fit after growing");
    }

    private static (TriangleMesh Mesh, float[] Distance) Sparse(SdfMorph morph, IsoSurfacer iso, float[] weights)
    {
        for (int attempt = 0; attempt < 2; attempt++)
        {
            using (var batch = Gpu.BeginBatch())
            {
                morph.RecordFrame(batch, iso, weights);
                batch.Submit();
            }
            if (iso.TryReadMesh(out var mesh)) return (mesh, morph.Distance.ToArray());
        }
        throw new AssertionException("sparse extraction did not fit after growing");
    }

    // Same surface up to vertex numbering: every sparse vertex has a dense twin at the same place (the same float
    // arithmetic on the same points: 1e-5 of a ~2-unit grid), normals within 1e-4, colours within one RGBA8 step, and the
    // triangles map onto the dense ones with orientation.
    private static void AssertSameSurface(TriangleMesh sparse, TriangleMesh dense, float voxel)
    {
        Assert.That(sparse.VertexCount, Is.EqualTo(dense.VertexCount), "vertices");
        Assert.That(sparse.TriangleCount, Is.EqualTo(dense.TriangleCount), "triangles");
        var cells = new Dictionary<(int, int, int), List<int>>();
        (int, int, int) Cell(Vector3 p) => ((int)MathF.Floor(p.X / voxel), (int)MathF.Floor(p.Y / voxel), (int)MathF.Floor(p.Z / voxel));
        for (int i = 0; i < dense.VertexCount; i++)
        {
            var key = Cell(dense.Positions[i]);
            if (!cells.TryGetValue(key, out var list)) cells[key] = list = new List<int>();
            list.Add(i);
        }
        var map = new int[sparse.VertexCount];
        var used = new bool[dense.VertexCount];
        for (int i = 0; i < sparse.VertexCount; i++)
        {
            var p = sparse.Positions[i];
            var (cx, cy, cz) = Cell(p);
            int best = -1;
            float bestDistance = float.MaxValue;
            for (int dz = -1; dz <= 1; dz++) for (int dy = -1; dy <= 1; dy++) for (int dx = -1; dx <= 1; dx++)
                if (cells.TryGetValue((cx + dx, cy + dy, cz + dz), out var list))
                    foreach (int j in list)
                    {
                        float d = Vector3.Distance(p, dense.Positions[j]);
                        if (d < bestDistance) { bestDistance = d; best = j; }
                    }
            Assert.That(bestDistance, Is.LessThan(1e-5f), $"sparse vertex {i} at {p} has no dense twin");
            Assert.That(used[best], Is.False, $"dense vertex {best} matched twice");
            used[best] = true;
            map[i] = best;
            Assert.That(Vector3.Distance(sparse.Normals![i], dense.Normals![best]), Is.LessThan(1e-4f), $"normal {i}");
            Assert.That(Vector3.Distance(sparse.Colors![i], dense.Colors![best]), Is.LessThan(1.01f / 255f * 2f), $"colour {i}");
        }
        var denseTriangles = Enumerable.Range(0, dense.TriangleCount).Select(t => (dense.Indices[3 * t], dense.Indices[3 * t + 1], dense.Indices[3 * t + 2])).ToHashSet();
        for (int t = 0; t < sparse.TriangleCount; t++)
        {
            var mapped = (map[sparse.Indices[3 * t]], map[sparse.Indices[3 * t + 1]], map[sparse.Indices[3 * t + 2]]);
            Assert.That(denseTriangles.Contains(mapped), $"sparse triangle {t} {mapped} is not a dense triangle");
        }
    }

    private static void AssertSameSides(float[] sparse, float[] dense)
    {
        // Away from the surface the sparse frame writes a bound instead of the distance: always on the same side.
        for (int i = 0; i < dense.Length; i++)
            Assert.That(sparse[i] < 0, Is.EqualTo(dense[i] < 0), $"point {i}: sparse {sparse[i]}, dense {dense[i]}");
    }

    private static IEnumerable<TestCaseData> Cases()
    {
        // 33 and 30 points per axis leave partial blocks at the far faces.
        yield return new TestCaseData(MorphSchedule.Aligned, 33, new ISdfSource[] { RedSphere, BlueTorus }, new[] { 0.5f, 0.5f }).SetName("SphereTorus_Aligned_33");
        yield return new TestCaseData(MorphSchedule.Linear, 32, new ISdfSource[] { RedSphere, BlueTorus }, new[] { 0.3f, 0.7f }).SetName("SphereTorus_Linear_32");
        yield return new TestCaseData(MorphSchedule.Aligned, 30,
            new ISdfSource[] { SdfShape.Box(new(0.4f)), SdfShape.Capsule(0.4f, 0.2f).Translated(new(0.9f, 0, 0)) }, new[] { 0.6f, 0.4f }).SetName("BoxCapsuleApart_Aligned_30");
        yield return new TestCaseData(MorphSchedule.Aligned, 24,
            new ISdfSource[] { RedSphere, BlueTorus, SdfShape.Box(new(0.2f, 0.3f, 0.25f)).Translated(new(0.3f, 0.1f, 0)).WithColor(new(0, 1, 0)) },
            new[] { 0.2f, 0.5f, 0.3f }).SetName("ThreeSources_Aligned_24");
        yield return new TestCaseData(MorphSchedule.Linear, 20, new ISdfSource[] { RedSphere, BlueTorus }, new[] { 1f, 0f }).SetName("FirstSourceOnly_20");
        // Active sources that are not the first ones: their brick bounds must be the right sources'.
        yield return new TestCaseData(MorphSchedule.Aligned, 32, new ISdfSource[] { RedSphere, BlueTorus }, new[] { 0f, 1f }).SetName("SecondSourceOnly_32");
        yield return new TestCaseData(MorphSchedule.Aligned, 32,
            new ISdfSource[] { SdfShape.Sphere(0.3f).Translated(new(-0.8f, 0, 0)), RedSphere, SdfShape.Box(new(0.25f)).Translated(new(0.8f, 0, 0)) },
            new[] { 0.5f, 0f, 0.5f }).SetName("FirstAndThirdOfThree_32");
    }

    [TestCaseSource(nameof(Cases))]
    public void RecordFrame_SameSurfaceAsDensePath(MorphSchedule schedule, int n, ISdfSource[] sources, float[] weights)
    {
        using var morph = new SdfMorph(Gpu, sources, SdfMorph.GridFor(sources, n), schedule);
        using var iso = new IsoSurfacer(Gpu, n);
        var dense = Dense(morph, iso, weights);
        var denseDistance = morph.Distance.ToArray();
        var (sparse, sparseDistance) = Sparse(morph, iso, weights);
        Assert.That(dense.TriangleCount, Is.GreaterThan(100));
        AssertSameSurface(sparse, dense, morph.Grid.VoxelSize);
        AssertSameSides(sparseDistance, denseDistance);
        Assert.That(MeshChecks.WatertightProblem(sparse), Is.Null);
    }

    [Test]
    public void RecordFrame_At48_EvaluatesFewPointsAndStillMatches()
    {
        ISdfSource[] sources = [RedSphere, BlueTorus];
        using var morph = new SdfMorph(Gpu, sources, SdfMorph.GridFor(sources, 48));
        using var iso = new IsoSurfacer(Gpu, 48);
        var weights = morph.WeightsAt(0.5f);
        var dense = Dense(morph, iso, weights);
        var denseDistance = morph.Distance.ToArray();
        var (sparse, sparseDistance) = Sparse(morph, iso, weights);
        AssertSameSurface(sparse, dense, morph.Grid.VoxelSize);
        // Most points got a bound instead of their distance: the work the block pass saves.
        int bounded = Enumerable.Range(0, denseDistance.Length).Count(i => MathF.Abs(sparseDistance[i] - denseDistance[i]) > 1e-4f);
        Assert.That(bounded, Is.GreaterThan(denseDistance.Length / 2), $"{bounded} of {denseDistance.Length} points bounded");
    }

    [Test]
    public void RecordFrame_NeuralSourceWithGradients_SameSurfaceAsDensePath()
    {
        // A random network is no distance field (far from 1-Lipschitz): the block bounds come from its sampled grid,
        // so they hold anyway. Analytic normals (gradients on) take the gradient-grid vertex kernel.
        var config = NeuralFieldConfig.Create(EncodingKind.Simplex, 3, 1, finestResolution: 32, levels: 4, log2TableSize: 12, width: 16, hiddenLayers: 1);
        using var field = NeuralField.Create(Gpu, config);
        var p = field.DownloadParameters();
        var rng = Rng(11);
        for (long i = 0; i < field.Encoding.ParameterCount; i++) p[i] = (float)(rng.NextDouble() * 2 - 1);
        field.Parameters.Upload(p);
        var neural = new NeuralSdfSource(field, new Bounds(new Vector3(-0.8f), new Vector3(0.8f)));
        ISdfSource[] sources = [neural, RedSphere];
        using var morph = new SdfMorph(Gpu, sources, SdfMorph.GridFor(sources, 26), MorphSchedule.Linear, gradients: true);
        using var iso = new IsoSurfacer(Gpu, 26);
        float[] weights = [0.5f, 0.5f];
        var dense = Dense(morph, iso, weights);
        var denseDistance = morph.Distance.ToArray();
        var (sparse, sparseDistance) = Sparse(morph, iso, weights);
        Assert.That(dense.TriangleCount, Is.GreaterThan(0));
        AssertSameSurface(sparse, dense, morph.Grid.VoxelSize);
        AssertSameSides(sparseDistance, denseDistance);
    }

    [Test]
    public void RecordFrame_FiveActiveSources_FallsBackToDensePasses()
    {
        ISdfSource[] sources = [RedSphere, BlueTorus, SdfShape.Sphere(0.3f).Translated(new(-0.4f, 0.2f, 0.1f)),
            SdfShape.Box(new(0.3f)), SdfShape.Torus(0.4f, 0.1f)];
        using var morph = new SdfMorph(Gpu, sources, SdfMorph.GridFor(sources, 20), MorphSchedule.Aligned);
        using var iso = new IsoSurfacer(Gpu, 20);
        float[] weights = [0.2f, 0.2f, 0.2f, 0.2f, 0.2f];
        var dense = Dense(morph, iso, weights);
        var (sparse, sparseDistance) = Sparse(morph, iso, weights);
        var (cpuDistance, _) = morph.EvaluateCpu(weights);
        // The dense passes write every point.
        for (int i = 0; i < cpuDistance.Length; i++) Assert.That(sparseDistance[i], Is.EqualTo(cpuDistance[i]).Within(2e-5f), $"distance {i}");
        Assert.That(sparse.TriangleCount, Is.EqualTo(dense.TriangleCount));
    }

    [Test]
    public void RecordFrame_SurfaceLargerThanInitialCapacity_GrowsAndMatchesDensePath()
    {
        // 216 small spheres: far more vertices than the 8 N^2 the isosurfacer starts with, so the block path's owner
        // tables must grow with the output buffers.
        SdfShape cloud = SdfShape.Sphere(0.09f).Translated(new(-0.55f, -0.55f, -0.55f));
        for (int i = 1; i < 216; i++)
            cloud = cloud.Union(SdfShape.Sphere(0.09f).Translated(new Vector3(i % 6, i / 6 % 6, i / 36) * 0.22f - new Vector3(0.55f)));
        ISdfSource[] sources = [cloud, SdfShape.Box(new(0.5f))];
        using var morph = new SdfMorph(Gpu, sources, SdfMorph.GridFor(sources, 32), MorphSchedule.Linear);
        using var iso = new IsoSurfacer(Gpu, 32);
        float[] weights = [1f, 0f];
        var (sparse, _) = Sparse(morph, iso, weights);
        var dense = Dense(morph, iso, weights);
        Assert.That(sparse.VertexCount, Is.GreaterThan(8 * 32 * 32), "the surface outgrew the initial capacity");
        AssertSameSurface(sparse, dense, morph.Grid.VoxelSize);
    }

    [Test]
    public void RecordFrame_ConsecutiveFrames_KeepEveryPointOnItsSide()
    {
        // Sparse frames back to back (no dense pass between them): blocks whose side did not change keep an earlier
        // frame's values, blocks that changed side are rewritten. Checked against the CPU reference at every frame.
        ISdfSource[] sources = [RedSphere, BlueTorus];
        using var morph = new SdfMorph(Gpu, sources, SdfMorph.GridFor(sources, 32));
        using var iso = new IsoSurfacer(Gpu, 32);
        foreach (float t in new[] { 0f, 0.3f, 0.6f, 1f, 0.5f, 0f })
        {
            var weights = morph.WeightsAt(t);
            var (sparse, sparseDistance) = Sparse(morph, iso, weights);
            var (d, c) = morph.EvaluateCpu(weights);
            for (int i = 0; i < d.Length; i++)
                Assert.That(sparseDistance[i] < 0, Is.EqualTo(d[i] < 0), $"t = {t}, point {i}: sparse {sparseDistance[i]}, reference {d[i]}");
            var cpu = MarchingTetrahedra.Extract(morph.Grid, d, c);
            Assert.That(sparse.TriangleCount, Is.EqualTo(cpu.TriangleCount), $"t = {t}");
            Assert.That(sparse.VertexCount, Is.EqualTo(cpu.VertexCount), $"t = {t}");
        }
    }

    [Test]
    public void RecordFrame_EveryFrameOfAnAnimation_MatchesDenseTriangleCount()
    {
        using var morph = new SdfMorph(Gpu, new ISdfSource[] { RedSphere, BlueTorus }, SdfMorph.GridFor(new ISdfSource[] { RedSphere, BlueTorus }, 28));
        using var iso = new IsoSurfacer(Gpu, 28);
        for (int f = 0; f <= 8; f++)
        {
            var weights = morph.WeightsAt(f / 8f);
            var dense = Dense(morph, iso, weights);
            var (sparse, _) = Sparse(morph, iso, weights);
            Assert.That(sparse.TriangleCount, Is.EqualTo(dense.TriangleCount), $"t = {f / 8f}");
            Assert.That(MeshChecks.WatertightProblem(sparse), Is.Null, $"t = {f / 8f}");
        }
    }
}
