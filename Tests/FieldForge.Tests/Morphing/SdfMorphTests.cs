using System.Numerics;
using FieldForge.Morphing;
using FieldForge.Core;

namespace FieldForge.Tests.Morphing;

public sealed class SdfMorphTests : GpuTest
{
    private static readonly SdfShape RedSphere = SdfShape.Sphere(0.5f).WithColour(new(1, 0, 0));
    private static readonly SdfShape BlueTorus = SdfShape.Torus(0.6f, 0.2f).WithColour(new(0, 0, 1));

    private static SdfMorph Morph(int n, MorphSchedule schedule, params ISdfSource[] sources) =>
        new(Gpu, sources, SdfMorph.GridFor(sources, n), schedule);

    // 2 and 3 sources run the fused kernel (one dispatch), 5 the per-source passes; all match the same CPU reference.
    [TestCase(MorphSchedule.Linear, 3)]
    [TestCase(MorphSchedule.Aligned, 3)]
    [TestCase(MorphSchedule.Aligned, 2)]
    [TestCase(MorphSchedule.Aligned, 5)]
    public void Record_Gpu_MatchesCpuReference(MorphSchedule schedule, int sourceCount)
    {
        var far = SdfShape.Box(new(0.2f, 0.3f, 0.25f)).Translated(new(0.8f, 0.1f, 0)).WithColour(new(0, 1, 0));
        ISdfSource[] all = [RedSphere, BlueTorus, far, SdfShape.Sphere(0.3f).Translated(new(-0.4f, 0.2f, 0.1f)).WithColour(new(1, 1, 0)),
            SdfShape.Torus(0.4f, 0.1f).Translated(new(0.1f, -0.3f, 0)).WithColour(new(0, 1, 1))];
        using var morph = Morph(20, schedule, all[..sourceCount]);
        var weights = new[] { 0.2f, 0.5f, 0.3f, 0.15f, 0.25f }[..sourceCount];
        using (var batch = Gpu.BeginBatch()) { morph.Record(batch, weights); batch.Submit(); }
        var (d, c) = morph.EvaluateCpu(weights);
        var gd = morph.Distance.ToArray(); var gc = morph.Colour.ToArray();
        for (int i = 0; i < d.Length; i++)
        {
            // Same float operations in a different order (trilinear sums): 1e-5 of a grid about 2 units wide.
            Assert.That(gd[i], Is.EqualTo(d[i]).Within(2e-5f), $"distance {i}");
            // Colour is only blended near the surface (the isosurface never reads it elsewhere).
            if (MathF.Abs(d[i]) > SdfMorph.ColourBandVoxels * morph.Grid.VoxelSize - 1e-4f) continue;
            // RGBA8 accumulation rounds once per source on both sides; rounding ties may go either way: 1 step per channel.
            var diff = Vector4.Abs(ColourPacking.Unpack(gc[i]) - ColourPacking.Unpack(c[i]));
            Assert.That(MathF.Max(MathF.Max(diff.X, diff.Y), MathF.Max(diff.Z, diff.W)), Is.LessThanOrEqualTo(1.01f / 255f), $"colour {i}");
        }
    }

    [TestCase(MorphSchedule.Linear, 0f)]
    [TestCase(MorphSchedule.Linear, 1f)]
    [TestCase(MorphSchedule.Aligned, 0f)]
    [TestCase(MorphSchedule.Aligned, 1f)]
    public void ExtractFrame_AtEnds_ReproducesSources(MorphSchedule schedule, float t)
    {
        int n = 32;
        using var morph = Morph(n, schedule, RedSphere, BlueTorus);
        using var iso = new IsoSurfacer(Gpu, n);
        var (mesh, _) = morph.ExtractFrame(iso, t);
        var source = t == 0 ? (ISdfSource)RedSphere : BlueTorus;
        using var sd = Gpu.CreateBuffer<float>(morph.Grid.PointCount);
        using var sc = Gpu.CreateBuffer<uint>(morph.Grid.PointCount);
        using (var batch = Gpu.BeginBatch()) { source.Record(batch, morph.Grid, sd, sc); batch.Submit(); }
        var reference = iso.Extract(morph.Grid, sd, sc);
        Assert.That(MeshChecks.Chamfer(mesh, reference), Is.LessThan(morph.Grid.VoxelSize), "symmetric Chamfer distance below one voxel");
        // And against the analytic surface: every vertex within one voxel of the zero set.
        foreach (var p in mesh.Positions) Assert.That(MathF.Abs(source.Distance(p)), Is.LessThan(morph.Grid.VoxelSize));
        var expected = t == 0 ? new Vector3(1, 0, 0) : new Vector3(0, 0, 1);
        var mean = mesh.Colours!.Aggregate(Vector3.Zero, (a, b) => a + b) / mesh.VertexCount;
        Assert.That(Vector3.Distance(mean, expected), Is.LessThan(0.02f), "colour of the source");
    }

    private static IEnumerable<TestCaseData> Pairs()
    {
        foreach (var schedule in new[] { MorphSchedule.Linear, MorphSchedule.Aligned })
        {
            yield return new TestCaseData(schedule, RedSphere, BlueTorus).SetName($"SphereTorus_{schedule}");
            yield return new TestCaseData(schedule, SdfShape.Box(new(0.4f)), SdfShape.Capsule(0.4f, 0.2f).Translated(new(0.9f, 0, 0))).SetName($"BoxCapsuleApart_{schedule}");
        }
    }

    [TestCaseSource(nameof(Pairs))]
    public void ExtractFrame_SeveralT_WatertightAndOutward(MorphSchedule schedule, SdfShape a, SdfShape b)
    {
        int n = 28;
        using var morph = Morph(n, schedule, a, b);
        using var iso = new IsoSurfacer(Gpu, n);
        foreach (var t in new[] { 0f, 0.25f, 0.5f, 0.75f, 1f })
        {
            var (mesh, _) = morph.ExtractFrame(iso, t);
            if (mesh.TriangleCount == 0) continue; // a linear morph of disjoint shapes may vanish mid-way; nothing to check
            Assert.That(MeshChecks.WatertightProblem(mesh), Is.Null, $"t = {t}");
            Assert.That(mesh.Volume(), Is.GreaterThan(0), $"t = {t}: outward orientation");
        }
    }

    [TestCase(MorphSchedule.Linear)]
    [TestCase(MorphSchedule.Aligned)]
    public void ExtractFrame_SixtyFrames_VolumeChangesContinuously(MorphSchedule schedule)
    {
        int n = 24;
        using var morph = Morph(n, schedule, RedSphere, BlueTorus);
        using var iso = new IsoSurfacer(Gpu, n);
        var volumes = Enumerable.Range(0, 61).Select(f => morph.ExtractFrame(iso, f / 60f).Mesh.Volume()).ToArray();
        double range = volumes.Max() - volumes.Min();
        double maxStep = volumes.Zip(volumes.Skip(1), (x, y) => Math.Abs(y - x)).Max();
        // A continuous morph moves the volume by about range/60 per frame; allow 4x that plus the volume of a tenth of a
        // voxel layer over the surface (iso vertices jump between edges as signs flip). A topology jump would exceed it.
        double layer = 0.1 * morph.Grid.VoxelSize * 4 * Math.PI * 0.25;
        Assert.That(maxStep, Is.LessThan(4 * range / 60 + layer), $"volumes {string.Join(", ", volumes.Select(v => v.ToString("F4")))}");
    }

    [Test]
    public void AlignedSchedule_DisjointShapes_KeepsTheMiddleFrameWhole()
    {
        int n = 32;
        var left = SdfShape.Sphere(0.3f).Translated(new(-0.8f, 0, 0));
        var right = SdfShape.Box(new(0.25f)).Translated(new(0.8f, 0, 0));
        using var aligned = Morph(n, MorphSchedule.Aligned, left, right);
        using var linear = Morph(n, MorphSchedule.Linear, left, right);
        using var iso = new IsoSurfacer(Gpu, n);
        var v0 = aligned.ExtractFrame(iso, 0).Mesh.Volume();
        var v1 = aligned.ExtractFrame(iso, 1).Mesh.Volume();
        var mid = aligned.ExtractFrame(iso, 0.5f).Mesh;
        var linearMid = linear.ExtractFrame(iso, 0.5f).Mesh;
        Assert.That(mid.Volume(), Is.GreaterThan(0.7 * Math.Min(v0, v1)), "aligned in-between keeps its size");
        Assert.That(linearMid.Volume(), Is.LessThan(0.1 * Math.Min(v0, v1)), "linear blending of disjoint shapes nearly vanishes (why Aligned exists)");
        var centre = mid.Positions.Aggregate(Vector3.Zero, (a, b) => a + b) / mid.VertexCount;
        Assert.That(centre.Length(), Is.LessThan(2 * aligned.Grid.VoxelSize), "the in-between sits halfway along the path");
    }

    [Test]
    public void ExtractFrame_Halfway_BlendsColours()
    {
        using var morph = Morph(24, MorphSchedule.Aligned, RedSphere, BlueTorus);
        using var iso = new IsoSurfacer(Gpu, 24);
        var mesh = morph.ExtractFrame(iso, 0.5f).Mesh;
        var mean = mesh.Colours!.Aggregate(Vector3.Zero, (a, b) => a + b) / mesh.VertexCount;
        Assert.That(mean.X, Is.EqualTo(0.5f).Within(0.05f));
        Assert.That(mean.Z, Is.EqualTo(0.5f).Within(0.05f));
    }

    [Test]
    public void Constructor_BadInput_IsRejected()
    {
        var grid = SdfGrid.Covering(RedSphere.Bounds, 8);
        Assert.That(Assert.Throws<ArgumentException>(() => new SdfMorph(Gpu, new[] { RedSphere }, grid))!.Message, Does.Contain("at least 2 sources"));
        using var morph = new SdfMorph(Gpu, new ISdfSource[] { RedSphere, BlueTorus }, grid);
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => morph.WeightsAt(1.5f))!.Message, Does.Contain("t must be in [0, 1], got 1.5"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => morph.WeightsAt(float.NaN))!.Message, Does.Contain("NaN"));
        using var batch = Gpu.BeginBatch();
        Assert.That(Assert.Throws<ArgumentException>(() => morph.Record(batch, new[] { 0f, 0f }))!.Message, Does.Contain("weights sum to zero"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => morph.Record(batch, new[] { -1f, 2f }))!.Message, Does.Contain("weight 0 must be finite and >= 0, got -1"));
    }
}
