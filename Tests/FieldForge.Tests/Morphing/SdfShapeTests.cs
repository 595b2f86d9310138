using System.Numerics;
using FieldForge.Gpu;
using FieldForge.Morphing;
using FieldForge.Core;

namespace FieldForge.Tests.Morphing;

public sealed class SdfShapeTests : GpuTest
{
    private static (float[] D, uint[] C) EvaluateGpu(ISdfSource source, SdfGrid grid)
    {
        using var d = Gpu.CreateBuffer<float>(grid.PointCount);
        using var c = Gpu.CreateBuffer<uint>(grid.PointCount);
        using (var batch = Gpu.BeginBatch()) { source.Record(batch, grid, d, c); batch.Submit(); }
        return (d.ToArray(), c.ToArray());
    }

    private static IEnumerable<TestCaseData> Shapes()
    {
        yield return new TestCaseData(SdfShape.Sphere(0.5f)).SetName("Sphere");
        yield return new TestCaseData(SdfShape.Box(new Vector3(0.4f, 0.3f, 0.2f))).SetName("Box");
        yield return new TestCaseData(SdfShape.RoundedBox(new Vector3(0.4f), 0.1f)).SetName("RoundedBox");
        yield return new TestCaseData(SdfShape.Torus(0.5f, 0.2f)).SetName("Torus");
        yield return new TestCaseData(SdfShape.Capsule(0.3f, 0.2f)).SetName("Capsule");
        yield return new TestCaseData(SdfShape.Cylinder(0.3f, 0.4f)).SetName("Cylinder");
        yield return new TestCaseData(SdfShape.Box(new Vector3(0.4f)).WithColour(new(1, 0, 0))
            .Subtract(SdfShape.Sphere(0.5f).WithColour(new(0, 1, 0)))
            .Union(SdfShape.Torus(0.5f, 0.1f).Transformed(new SdfTransform(new(0.1f, 0.2f, 0), Quaternion.CreateFromYawPitchRoll(0.3f, 0.7f, 0.1f), 1.2f)))
            .SmoothUnion(SdfShape.Capsule(0.2f, 0.1f).Translated(new(0, -0.5f, 0)), 0.15f)
            .Intersect(SdfShape.Sphere(0.9f))).SetName("CsgTree");
    }

    [TestCaseSource(nameof(Shapes))]
    public void Evaluate_Gpu_MatchesCpuReference(SdfShape shape)
    {
        var grid = SdfGrid.Covering(shape.Bounds.Expanded(0.2f), 20);
        var (d, c) = EvaluateGpu(shape, grid);
        int n = grid.Resolution;
        for (int z = 0; z < n; z++)
        for (int y = 0; y < n; y++)
        for (int x = 0; x < n; x++)
        {
            var p = grid.Point(x, y, z);
            long i = grid.Index(x, y, z);
            // 1e-5 relative-ish: float32 in both, different evaluation order of a few fused operations.
            Assert.That(d[i], Is.EqualTo(shape.Distance(p)).Within(2e-5f), $"distance at {p}");
            var cc = ColourPacking.Unpack(c[i]); var rc = shape.Colour(p);
            Assert.That(Vector4.Distance(cc, rc), Is.LessThan(2.5f / 255f), $"colour at {p}");
        }
    }

    [Test]
    public void Primitives_AtKnownPoints_HaveAnalyticDistances()
    {
        Assert.That(SdfShape.Sphere(0.5f).Distance(new(1, 0, 0)), Is.EqualTo(0.5f).Within(1e-6f));
        Assert.That(SdfShape.Box(new(0.5f)).Distance(new(1, 1, 0)), Is.EqualTo(MathF.Sqrt(0.5f)).Within(1e-6f));
        Assert.That(SdfShape.Torus(0.6f, 0.2f).Distance(new(0.6f, 0, 0)), Is.EqualTo(-0.2f).Within(1e-6f));
        Assert.That(SdfShape.Torus(0.6f, 0.2f).Distance(new(0, 0.5f, 0)), Is.EqualTo(MathF.Sqrt(0.36f + 0.25f) - 0.2f).Within(1e-6f));
        Assert.That(SdfShape.Capsule(0.3f, 0.2f).Distance(new(0, 1, 0)), Is.EqualTo(0.5f).Within(1e-6f));
        Assert.That(SdfShape.Cylinder(0.3f, 0.4f).Distance(new(0, 0, 0)), Is.EqualTo(-0.3f).Within(1e-6f));
        var moved = SdfShape.Sphere(0.5f).Transformed(new SdfTransform(new(1, 0, 0), Quaternion.Identity, 2f));
        Assert.That(moved.Distance(new(3, 0, 0)), Is.EqualTo(1f).Within(1e-6f));
    }

    [Test]
    public void Parse_PrimitiveSpecs_BuildShapes()
    {
        Assert.That(SdfShape.Parse("sphere:r=0.5").Distance(Vector3.Zero), Is.EqualTo(-0.5f).Within(1e-6f));
        Assert.That(SdfShape.Parse("torus:R=0.6,r=0.2").Distance(new(0.6f, 0, 0)), Is.EqualTo(-0.2f).Within(1e-6f));
        Assert.That(SdfShape.Parse("box:0.6,rgb=1/0/0").Colour(Vector3.Zero), Is.EqualTo(new Vector4(1, 0, 0, 1)));
    }

    [TestCase("cone:r=1", "unknown shape 'cone'")]
    [TestCase("sphere", "missing parameter r")]
    [TestCase("sphere:r=-1", "r must be > 0")]
    [TestCase("sphere:r=abc", "r must be a finite number")]
    [TestCase("sphere:r=0.5,q=1", "unknown parameter 'q'")]
    public void Parse_BadSpec_ThrowsNamingTheProblem(string spec, string message)
    {
        var e = Assert.Throws<FormatException>(() => SdfShape.Parse(spec));
        Assert.That(e!.Message, Does.Contain(message));
    }

    [Test]
    public void Grid_BadResolution_IsRejected()
    {
        var b = new Bounds(-Vector3.One, Vector3.One);
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => SdfGrid.Covering(b, 0))!.Message, Does.Contain("resolution must be 2..256, got 0"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => SdfGrid.Covering(b, 10000))!.Message, Does.Contain("got 10000"));
    }
}
