using FieldForge.Gpu;

namespace FieldForge.Tests;

[TestFixture(true)]
[TestFixture(false)]
public class PrimitivesTests(bool subgroups) : GpuTest
{
    [SetUp]
    public void SelectVariant()
    {
        if (subgroups && !Gpu.DeviceInfo.SubgroupArithmetic) Assert.Ignore("device has no subgroup arithmetic");
        Gpu.Primitives.UseSubgroups = subgroups;
    }

    [TearDown]
    public void RestoreVariant() => Gpu.Primitives.UseSubgroups = Gpu.DeviceInfo.SubgroupArithmetic;

    private static readonly int[] Lengths = { 1, 2, 255, 256, 1023, 1024, 1025, 4097, 65_537, 1_048_577, 10_000_000 };

    [TestCaseSource(nameof(Lengths))]
    public void ExclusiveScan_EqualsCpuReferenceExactly(int n)
    {
        var rng = Rng(n);
        var input = new uint[n];
        for (int i = 0; i < n; i++) input[i] = (uint)rng.Next(0, 1000);
        var expected = new uint[n];
        PrimitivesReference.ExclusiveScan(input, expected);
        using var gin = Gpu.CreateBuffer<uint>(input);
        using var gout = Gpu.CreateBuffer<uint>(n);
        using var total = Gpu.CreateBuffer<uint>(1);
        using (var batch = Gpu.BeginBatch())
        {
            Gpu.Primitives.RecordExclusiveScan(batch, gin, gout, n, total);
            batch.Submit();
        }
        var actual = gout.ToArray();
        for (int i = 0; i < n; i++)
            if (actual[i] != expected[i]) Assert.Fail($"scan differs first at {i}: {actual[i]} != {expected[i]}");
        Assert.That(total.ToArray()[0], Is.EqualTo(expected[n - 1] + input[n - 1]));
    }

    [TestCaseSource(nameof(Lengths))]
    public void UIntReductions_EqualCpuReferenceExactly(int n)
    {
        var rng = Rng(n + 1);
        var input = new uint[n];
        for (int i = 0; i < n; i++) input[i] = (uint)rng.NextInt64(0, uint.MaxValue);
        using var g = Gpu.CreateBuffer<uint>(input);
        Assert.That(Gpu.Primitives.Sum(g), Is.EqualTo(PrimitivesReference.Reduce(input, ReduceOp.Sum)), "sum (mod 2^32)");
        Assert.That(Gpu.Primitives.Min(g), Is.EqualTo(PrimitivesReference.Reduce(input, ReduceOp.Min)));
        Assert.That(Gpu.Primitives.Max(g), Is.EqualTo(PrimitivesReference.Reduce(input, ReduceOp.Max)));
    }

    // Float sums: the GPU tree adds in a different order than the double-precision reference; with positive inputs
    // the pairwise error grows like eps*log2(n), far inside 1e-5 relative for n <= 1e7.
    [TestCaseSource(nameof(Lengths))]
    public void FloatReductions_MatchCpuReferenceWithin1e5Relative(int n)
    {
        var rng = Rng(n + 2);
        var a = new float[n];
        var b = new float[n];
        for (int i = 0; i < n; i++) { a[i] = (float)rng.NextDouble() * 4 - 1; b[i] = (float)rng.NextDouble(); }
        var positive = a.Select(Math.Abs).ToArray();
        using var ga = Gpu.CreateBuffer<float>(a);
        using var gp = Gpu.CreateBuffer<float>(positive);
        using var gb = Gpu.CreateBuffer<float>(b);
        double sum = PrimitivesReference.Reduce(positive, ReduceOp.Sum);
        Assert.That(Gpu.Primitives.Sum(gp), Is.EqualTo(sum).Within(1e-5 * sum));
        Assert.That(Gpu.Primitives.Min(ga), Is.EqualTo(PrimitivesReference.Reduce(a, ReduceOp.Min)));
        Assert.That(Gpu.Primitives.Max(ga), Is.EqualTo(PrimitivesReference.Reduce(a, ReduceOp.Max)));
        double ssd = PrimitivesReference.Reduce(a, ReduceOp.SumSquaredDifference, b);
        Assert.That(Gpu.Primitives.SumSquaredDifference(ga, gb), Is.EqualTo(ssd).Within(1e-5 * ssd));
    }

    [Test]
    public void Reduce_EmptyInput_GivesIdentity()
    {
        using var empty = Gpu.CreateBuffer<float>(0);
        Assert.That(Gpu.Primitives.Sum(empty), Is.EqualTo(0f));
        Assert.That(Gpu.Primitives.Min(empty), Is.EqualTo(float.PositiveInfinity));
        Assert.That(Gpu.Primitives.Max(empty), Is.EqualTo(float.NegativeInfinity));
    }

    [TestCase(1)]
    [TestCase(1000)]
    [TestCase(20_000_000)] // folds into a 2-D dispatch (more than 65535 workgroups of 256)
    public void FillAndCopy_CoverEveryElement(int n)
    {
        using var a = Gpu.CreateBuffer<float>(n);
        using var b = Gpu.CreateBuffer<float>(n);
        Gpu.Primitives.Fill(a, 2.5f);
        Gpu.Primitives.Copy(a, b);
        var result = b.ToArray();
        Assert.That(result.All(v => v == 2.5f), Is.True);
    }

    [Test]
    public void CopyWithOffsets_MovesTheRightRange()
    {
        using var a = Gpu.CreateBuffer<int>(Enumerable.Range(0, 10).ToArray());
        using var b = Gpu.CreateBuffer<int>(new int[10]);
        using (var batch = Gpu.BeginBatch())
        {
            Gpu.Primitives.RecordCopy(batch, a, b, count: 3, sourceOffset: 5, destinationOffset: 1);
            batch.Submit();
        }
        Assert.That(b.ToArray(), Is.EqualTo(new[] { 0, 5, 6, 7, 0, 0, 0, 0, 0, 0 }));
    }

    [Test]
    public void Misuse_ThrowsClearly()
    {
        using var a = Gpu.CreateBuffer<uint>(10, label: "small");
        using var batch = Gpu.BeginBatch();
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => Gpu.Primitives.RecordExclusiveScan(batch, a, a, 11))!.Message, Does.Contain("small"));
        Assert.Throws<ArgumentException>(() => Gpu.Primitives.RecordExclusiveScan(batch, a, a, 10));
        using var f = Gpu.CreateBuffer<float>(10);
        Assert.Throws<ArgumentException>(() => Gpu.Primitives.RecordReduce(batch, f, ReduceOp.SumSquaredDifference, f));
    }
}
