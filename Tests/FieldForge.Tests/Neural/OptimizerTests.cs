using FieldForge.Gpu;
using FieldForge.Neural;

namespace FieldForge.Tests.Neural;

public sealed class OptimizerTests : GpuTest
{
    private static float[] RandomValues(long count, int seed, float range = 1f)
    {
        var rng = new Random(seed);
        var v = new float[count];
        for (int i = 0; i < v.Length; i++) v[i] = (float)(rng.NextDouble() * 2 - 1) * range;
        return v;
    }

    // (100, 800): the four-per-invocation kernel alone; (3, 990): one element before the first aligned group of four
    // and one after the last, through the one-per-invocation kernel; (5, 2): a range too short for a group of four.
    [TestCase(100, 800)]
    [TestCase(3, 990)]
    [TestCase(5, 2)]
    public void AdamSteps_Gpu_MatchCpuReference(int offset, int count)
    {
        var adam = new Adam(new AdamConfig(LearningRate: 1e-2f, WeightDecay: 1e-3f));
        const int n = 1000;
        var p = RandomValues(n, 1);
        var m = new float[n];
        var v = new float[n];
        using var pb = Gpu.CreateBuffer<float>(p);
        using var gb = Gpu.CreateBuffer<float>(n);
        using var mb = Gpu.CreateBuffer<float>(m);
        using var vb = Gpu.CreateBuffer<float>(v);
        for (int step = 1; step <= 3; step++)
        {
            var g = RandomValues(n, 10 + step, 1e-3f);
            gb.Upload(g);
            using (var batch = Gpu.BeginBatch())
            {
                adam.RecordStep(batch, pb, gb, mb, vb, step, offset, count);
                batch.Submit();
            }
            adam.ReferenceStep(p.AsSpan(offset, count), g.AsSpan(offset, count), m.AsSpan(offset, count), v.AsSpan(offset, count), step);
            var gAfter = gb.ToArray();
            Assert.That(gAfter.AsSpan(offset, count).ToArray(), Is.All.EqualTo(0f), "consumed gradients are cleared");
            Assert.That(gAfter[0], Is.EqualTo(g[0]), "outside the range nothing changes");
            Assert.That(gAfter[n - 1], Is.EqualTo(g[n - 1]), "outside the range nothing changes");
        }
        var actual = pb.ToArray();
        // Same float formula; sqrt/division may differ by an ulp: 1e-6 on parameters of order 1 after steps of ~1e-2.
        for (int i = 0; i < n; i++) Assert.That(actual[i], Is.EqualTo(p[i]).Within(1e-6), $"parameter {i}");
        Assert.That(mb.ToArray(), Is.EqualTo(m).Within(1e-9));
    }

    [Test]
    public void AdamConfig_Invalid_RejectedWithMessage()
    {
        Assert.That(() => new Adam(new AdamConfig(LearningRate: float.NaN)), Throws.ArgumentException.With.Message.Contains("LearningRate must be finite and > 0, got NaN"));
        Assert.That(() => new Adam(new AdamConfig(Beta2: 1f)), Throws.ArgumentException.With.Message.Contains("Beta2 must be in [0, 1), got 1"));
    }

    [TestCase(LossKind.L2)]
    [TestCase(LossKind.RelativeL2)]
    [TestCase(LossKind.L1)]
    public void Loss_Gpu_MatchesCpuReference(LossKind kind)
    {
        const int count = 700, outputs = 3;
        var y = RandomValues(count * outputs, 1);
        var t = RandomValues(count * outputs, 2);
        var expectedGrad = new float[y.Length];
        float expectedLoss = Loss.Reference(kind, y, t, expectedGrad);
        using var yb = Gpu.CreateBuffer<float>(y);
        using var tb = Gpu.CreateBuffer<float>(t);
        using var gb = Gpu.CreateBuffer<float>(y.Length);
        using var lb = Gpu.CreateBuffer<float>(count);
        using (var batch = Gpu.BeginBatch())
        {
            Loss.Record(batch, kind, yb, tb, gb, lb, count, outputs);
            batch.Submit();
        }
        Assert.That(gb.ToArray(), Is.EqualTo(expectedGrad).Within(1e-7));
        // Per-sample losses summed: mean over samples and outputs (float summation order differs: 1e-5 relative).
        Assert.That(lb.ToArray().Sum(), Is.EqualTo(expectedLoss).Within(1e-5 * Math.Max(1, expectedLoss)));
    }
}
