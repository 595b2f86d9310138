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

    // Sparse table updates: elements whose gradient is exactly zero keep value and moments bit for bit (whole groups of
    // four, groups with some zero elements, and the one-per-invocation head and tail); the rest match the CPU reference.
    [TestCase(100, 800)]
    [TestCase(3, 990)]
    public void AdamSteps_SkipZeroGradients_LeaveUntouchedElementsAndMatchReference(int offset, int count)
    {
        var adam = new Adam(new AdamConfig(LearningRate: 1e-2f, WeightDecay: 1e-3f));
        const int n = 1000;
        var p = RandomValues(n, 3);
        var m = RandomValues(n, 4, 1e-3f);
        var v = RandomValues(n, 5, 1e-3f).Select(MathF.Abs).ToArray();
        using var pb = Gpu.CreateBuffer<float>(p);
        using var gb = Gpu.CreateBuffer<float>(n);
        using var mb = Gpu.CreateBuffer<float>(m);
        using var vb = Gpu.CreateBuffer<float>(v);
        var rng = new Random(6);
        int skipped = 0;
        for (int step = 1; step <= 3; step++)
        {
            var g = RandomValues(n, 20 + step, 1e-3f);
            // Every other group of eight is all zero (whole vec4 groups); elsewhere one element in three is zero.
            for (int i = 0; i < n; i++)
                if ((i / 8) % 2 == 0 || rng.Next(3) == 0) g[i] = 0f;
            var before = (p.ToArray(), m.ToArray(), v.ToArray());
            var touched = g.Select(x => x != 0f).ToArray();  // the reference clears g
            gb.Upload(g);
            using (var batch = Gpu.BeginBatch())
            {
                adam.RecordStep(batch, pb, gb, mb, vb, step, offset, count, skipZeroGradients: true);
                batch.Submit();
            }
            adam.ReferenceStep(p.AsSpan(offset, count), g.AsSpan(offset, count), m.AsSpan(offset, count), v.AsSpan(offset, count), step,
                skipZeroGradients: true);
            var (gp, gm, gv) = (pb.ToArray(), mb.ToArray(), vb.ToArray());
            for (int i = offset; i < offset + count; i++)
            {
                if (touched[i]) continue;
                skipped++;
                Assert.That((gp[i], gm[i], gv[i]), Is.EqualTo((before.Item1[i], before.Item2[i], before.Item3[i])), $"step {step}: element {i} had a zero gradient and must not change");
            }
            // The reference's updated elements agree with the kernel's (sqrt/division may differ by an ulp).
            for (int i = 0; i < n; i++) Assert.That(gp[i], Is.EqualTo(p[i]).Within(1e-6), $"step {step}: parameter {i}");
            Assert.That(gm, Is.EqualTo(m).Within(1e-9), $"step {step}: first moments");
            // The reference really moved the touched elements (the test would pass vacuously if nothing were updated).
            Assert.That(Enumerable.Range(offset, count).Count(i => touched[i] && p[i] != before.Item1[i]), Is.GreaterThan(count / 4), "touched elements move");
        }
        Assert.That(skipped, Is.GreaterThan(count), "the case exercises many skipped elements");
    }

    // Sparse table updates in a real training run (deterministic accumulation, so the only difference between the two
    // runs is the update rule): a few small batches touch few table entries. Both rules move exactly the entries some
    // batch touched (an entry never touched has zero momentum), but dense Adam keeps moving an entry on steps that did
    // not touch it (its momentum), so the two runs end with different values there.
    [Test]
    public void Trainer_SparseTableUpdates_MoveOnlyTouchedEntries()
    {
        const int steps = 3, batch = 64;
        var config = NeuralFieldConfig.Create(EncodingKind.Grid, 2, 3, finestResolution: 256, levels: 4, log2TableSize: 14, width: 16, hiddenLayers: 1);
        var image = ImageFitting.ProceduralImage(32, 32);
        using var data = new ImageTrainingData(Gpu, 32, 32, 3, image);
        (float[] Before, float[] After, long NetworkOffset) Train(bool sparse)
        {
            using var field = NeuralField.Create(Gpu, config);
            var before = field.Parameters.ToArray();
            using var trainer = new Trainer(field, data, new TrainerOptions(BatchSize: batch, Accumulation: GradientAccumulation.Deterministic, SparseTableUpdates: sparse));
            trainer.Run(new TrainingBudget(Steps: steps, ReportEvery: steps));
            return (before, field.Parameters.ToArray(), field.NetworkOffset);
        }
        var sparse = Train(true);
        var dense = Train(false);
        Assert.That(dense.Before, Is.EqualTo(sparse.Before), "both fields start from the same initialisation");
        int tables = (int)sparse.NetworkOffset;
        var sparseMoved = Enumerable.Range(0, tables).Where(i => sparse.After[i] != sparse.Before[i]).ToArray();
        var denseMoved = Enumerable.Range(0, tables).Where(i => dense.After[i] != dense.Before[i]).ToArray();
        // Each sample touches 4 vertices x 2 features on each of the 4 levels.
        Assert.That(sparseMoved, Has.Length.GreaterThan(0).And.Length.LessThanOrEqualTo(steps * batch * 4 * 2 * 4), "more table floats moved than the batches touched");
        Assert.That(denseMoved, Is.EqualTo(sparseMoved), "both rules move exactly the entries some batch touched");
        int differ = sparseMoved.Count(i => sparse.After[i] != dense.After[i]);
        Assert.That(differ, Is.GreaterThan(sparseMoved.Length / 10), "dense Adam should keep moving entries a later batch did not touch");
    }

    // The estimate a caller checks before training is what the trainer then holds, buffer for buffer: its batch
    // buffers, gradients and moments, the MLP workspace with the fused backward pass's partials (allocated up front, not
    // on the first step), the eikonal term's shifted batches, and the deterministic path's fixed-point table sums (which
    // the first backward pass allocates, so one step runs before the count).
    [TestCase(GradientAccumulation.Auto, 0f)]
    [TestCase(GradientAccumulation.Deterministic, 0f)]
    [TestCase(GradientAccumulation.Auto, 0.1f)]
    public void Trainer_EstimateBytes_EqualsWhatItAllocates(GradientAccumulation accumulation, float eikonal)
    {
        var config = NeuralFieldConfig.Create(EncodingKind.Simplex, 3, 1, finestResolution: 64, levels: 4, log2TableSize: 12, width: 32, hiddenLayers: 2);
        var sdf = SdfFitting.SampleAnalytic(SdfFitting.AnalyticShape("sphere"), 2048, 1);
        using var data = sdf.ToTrainingData(Gpu);
        using var field = NeuralField.Create(Gpu, config);
        var options = new TrainerOptions(BatchSize: 1000, Accumulation: accumulation, Eikonal: eikonal > 0 ? new EikonalTerm(eikonal) : null);
        long estimate = Trainer.EstimateBytes(field, options);
        long before = Gpu.LiveBufferBytes;
        using var trainer = new Trainer(field, data, options);
        trainer.TrainStep();
        Assert.That(Gpu.LiveBufferBytes - before, Is.EqualTo(estimate), "bytes the trainer allocated (and its encoding, on the first step)");
        Assert.That(estimate, Is.GreaterThan(3 * field.ParameterCount * sizeof(float)), "gradients and moments alone take three floats per parameter");
    }

    // A workspace holds exactly its estimate, for a width the fused kernels cover (packed weights and partials included:
    // one slice per subgroup of samples) and for one they do not (per-layer kernels only, no partials).
    [TestCase(64, 1000, true)]
    [TestCase(64, 1000, false)]
    [TestCase(48, 1000, true)]
    [TestCase(16, 1, true)]
    public void MlpWorkspace_EstimateBytes_EqualsWhatItAllocates(int width, int capacity, bool training)
    {
        var config = new MlpConfig(Inputs: 32, Outputs: 3, Width: width, HiddenLayers: 2);
        long before = Gpu.LiveBufferBytes;
        using var workspace = new MlpWorkspace(Gpu, config, capacity, training);
        Assert.That(Gpu.LiveBufferBytes - before, Is.EqualTo(MlpWorkspace.EstimateBytes(Gpu.DeviceInfo, config, capacity, training)));
        if (width == 64)
            Assert.That(MlpWorkspace.EstimateBytes(Gpu.DeviceInfo, config, capacity, training: true) - MlpWorkspace.EstimateBytes(Gpu.DeviceInfo, config, capacity, training: false),
                Is.EqualTo(Mlp.FusedGradientSlices(Gpu.DeviceInfo, capacity) * Mlp.PackedCount(config) * sizeof(float)), "training adds one partials slice per subgroup");
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
