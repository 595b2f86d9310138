using FieldForge.Neural;

namespace FieldForge.Tests.Neural;

/// <summary>The eikonal term of SDF fitting: it must leave the fitted field's gradient closer to unit length.</summary>
public sealed class EikonalTests : GpuTest
{
    /// <summary>Mean | |∇f| − 1 | in world units (the field's unit cube spans the box [-1, 1]^3: ∇_world = ∇_unit / 2).</summary>
    private static double MeanEikonalError(NeuralField field, SdfSamples heldOut)
    {
        var (_, gradients) = field.EvaluateWithGradient(heldOut.Points);
        double sum = 0;
        for (int s = 0; s < heldOut.Count; s++)
        {
            float gx = gradients[3 * s] / 2, gy = gradients[3 * s + 1] / 2, gz = gradients[3 * s + 2] / 2;
            sum += Math.Abs(MathF.Sqrt(gx * gx + gy * gy + gz * gz) - 1);
        }
        return sum / heldOut.Count;
    }

    private static (double Eikonal, double Distance) Fit(SdfSamples train, SdfSamples heldOut, EikonalTerm? eikonal)
    {
        var config = NeuralFieldConfig.Create(EncodingKind.Simplex, 3, 1, finestResolution: 64, levels: 6, log2TableSize: 12, width: 16, hiddenLayers: 1);
        using var field = NeuralField.Create(Gpu, config);
        using var data = train.ToTrainingData(Gpu);
        using var trainer = new Trainer(field, data, new TrainerOptions(BatchSize: 1024, Seed: 3, Eikonal: eikonal));
        var result = trainer.Run(new TrainingBudget(Steps: 60, ReportEvery: 60));
        Assert.That(float.IsFinite(result.FinalLoss), $"loss {result.FinalLoss}");
        return (MeanEikonalError(field, heldOut), SdfFitting.MeanAbsoluteError(field, heldOut));
    }

    [Test]
    public void EikonalTerm_SameSeedAndSteps_LowersHeldOutGradientError()
    {
        var sphere = SdfFitting.AnalyticShape("sphere");
        var train = SdfFitting.SampleAnalytic(sphere, 16384, 1);
        var heldOut = SdfFitting.SampleAnalytic(sphere, 2000, 77);
        var plain = Fit(train, heldOut, null);
        var regularised = Fit(train, heldOut, new EikonalTerm(0.1f));
        TestContext.Out.WriteLine($"held-out mean ||grad f| - 1|: {plain.Eikonal:F4} without, {regularised.Eikonal:F4} with the eikonal term (W = 0.1); " +
                                  $"mean |distance error|: {plain.Distance:F4} vs {regularised.Distance:F4}");
        Assert.That(regularised.Eikonal, Is.LessThan(plain.Eikonal));
    }

    [Test]
    public void EikonalTerm_ReportedLoss_IsDataTermPlusWeightedFiniteDifferenceTerm()
    {
        // One dataset row: every sample of the batch is the same point, so the step's loss is known in closed form.
        var config = NeuralFieldConfig.Create(EncodingKind.Grid, 3, 1, finestResolution: 32, levels: 4, log2TableSize: 12, width: 16, hiddenLayers: 1);
        using var field = NeuralField.Create(Gpu, config);
        var p = field.DownloadParameters();
        var rng = Rng(21);
        for (long i = 0; i < field.Encoding.ParameterCount; i++) p[i] = (float)(rng.NextDouble() * 0.2 - 0.1);
        field.Parameters.Upload(p);
        float[] x = [0.4f, 0.55f, 0.6f];
        const float target = 0.1f, weight = 0.5f, h = 1f / 1024;
        var probe = new float[7 * 3];
        for (int k = 0; k < 7; k++)
            for (int d = 0; d < 3; d++) probe[k * 3 + d] = x[d] + (k > 0 && (k - 1) / 2 == d ? ((k - 1) % 2 == 0 ? h : -h) : 0f);
        var f = field.Evaluate(probe);
        double len2 = 0;
        for (int d = 0; d < 3; d++)
        {
            double g = (f[1 + 2 * d] - f[2 + 2 * d]) / (2.0 * h * 2.0); // world units: the unit cube spans 2
            len2 += g * g;
        }
        double expected = (f[0] - target) * (f[0] - target) + weight * Math.Pow(Math.Sqrt(len2) - 1, 2);
        using var data = new SampledTrainingData(Gpu, x, 3, [target], 1);
        using var trainer = new Trainer(field, data, new TrainerOptions(BatchSize: 64, Eikonal: new EikonalTerm(weight, 2f, h)));
        float loss = trainer.TrainStep(); // measured on the parameters before the step's update
        TestContext.Out.WriteLine($"|grad f| = {Math.Sqrt(len2):F4}; loss {loss:F6}, expected {expected:F6}");
        Assert.That(Math.Sqrt(len2), Is.GreaterThan(0.05), "a non-trivial gradient");
        // The trainer's forward (training mode) against inference, and 64 per-sample shares summed in float32; the finite
        // difference amplifies f's rounding by 1/h (~1e-4 of |grad f|): 1e-3 relative. A wrong world scale or a missing
        // term is off by tens of percent.
        Assert.That(loss, Is.EqualTo(expected).Within(1e-3 * expected + 1e-7));
    }

    /// <summary>Data term plus eikonal term at the one-row dataset's point, in double from float32 GPU evaluations.</summary>
    private static double LossAt(NeuralField field, float[] x, float target, float weight, float h)
    {
        var probe = new float[7 * 3];
        for (int k = 0; k < 7; k++)
            for (int d = 0; d < 3; d++) probe[k * 3 + d] = x[d] + (k > 0 && (k - 1) / 2 == d ? ((k - 1) % 2 == 0 ? h : -h) : 0f);
        var f = field.Evaluate(probe);
        double len2 = 0;
        for (int d = 0; d < 3; d++)
        {
            double g = ((double)f[1 + 2 * d] - f[2 + 2 * d]) / (2.0 * h * 2.0);
            len2 += g * g;
        }
        return ((double)f[0] - target) * (f[0] - target) + weight * Math.Pow(Math.Sqrt(len2) - 1, 2);
    }

    [TestCase(0f, false)]
    [TestCase(1f, false)]
    [TestCase(1f, true)]
    public void EikonalTerm_ParameterGradient_MatchesFiniteDifferencesOfTheLoss(float weight, bool perLayer)
    {
        // Sine hidden units keep the loss smooth in every parameter. With ReLU units the same check measured 24.7 (finite
        // difference) vs 27.0 (trainer) on one table entry and its neighbours, identically on the fused and per-layer
        // paths: most likely a unit whose pre-activation lies within the parameter step of zero at one of the six shifted
        // points, a bend that the eikonal term's 1/(2h) magnifies.
        var config = new NeuralFieldConfig(EncodingKind.Simplex,
            new HashEncodingConfig(3, Levels: 4, FeaturesPerLevel: 2, Log2TableSize: 12, BaseResolution: 16, FinestResolution: 32),
            new MlpConfig(8, 1, Width: 16, HiddenLayers: 1, HiddenActivation: Activation.Sine));
        using var field = NeuralField.Create(Gpu, config);
        var p = field.DownloadParameters();
        var rng = Rng(22);
        for (long i = 0; i < field.Encoding.ParameterCount; i++) p[i] = (float)(rng.NextDouble() * 0.2 - 0.1);
        field.Parameters.Upload(p);
        float[] x = [0.37f, 0.52f, 0.61f];
        const float target = 0.1f, h = 1f / 256;
        using var data = new SampledTrainingData(Gpu, x, 3, [target], 1);
        if (perLayer) field.Network.Execution = MlpExecution.PerLayer;
        using var trainer = new Trainer(field, data, new TrainerOptions(BatchSize: 64, Eikonal: weight > 0 ? new EikonalTerm(weight, 2f, h) : null));
        using (var batch = Gpu.BeginBatch()) { trainer.RecordGradients(batch); batch.Submit(); }
        var gradient = trainer.Gradients.ToArray();
        // The largest components among the encoding tables and among the MLP weights.
        var tables = Enumerable.Range(0, (int)field.NetworkOffset).OrderByDescending(i => Math.Abs(gradient[i])).Take(4);
        var weights = Enumerable.Range((int)field.NetworkOffset, (int)field.Network.ParameterCount).OrderByDescending(i => Math.Abs(gradient[i])).Take(4);
        double largest = gradient.Max(Math.Abs);
        Assert.That(largest, Is.GreaterThan(1e-3));
        // Central differences with a step of 1e-3: O(1e-6) truncation, plus float32 rounding of f amplified by 1/(2h) = 128
        // in the eikonal term (~1e-5 of the loss, / 2e-3): 0.5 % of the component plus 1e-3 of the largest (measured
        // agreement: about 1e-4 relative).
        const float eps = 1e-3f;
        var failures = new List<string>();
        foreach (int i in tables.Concat(weights))
        {
            var q = (float[])p.Clone();
            q[i] = p[i] + eps;
            field.Parameters.Upload(q);
            double plus = LossAt(field, x, target, weight, h);
            q[i] = p[i] - eps;
            field.Parameters.Upload(q);
            double minus = LossAt(field, x, target, weight, h);
            double numeric = (plus - minus) / (2 * eps);
            TestContext.Out.WriteLine($"parameter {i}: trainer {gradient[i]:G5}, finite difference {numeric:G5}");
            if (Math.Abs(gradient[i] - numeric) > 0.005 * Math.Abs(numeric) + 1e-3 * largest) failures.Add($"parameter {i}: {gradient[i]} vs {numeric}");
        }
        field.Parameters.Upload(p);
        Assert.That(failures, Is.Empty);
    }

    [Test]
    public void EikonalTerm_InvalidSettingsOrVectorField_AreRejected()
    {
        Assert.That(() => new TrainerOptions(Eikonal: new EikonalTerm(-1)).Validate(), Throws.ArgumentException.With.Message.Contains("eikonal weight"));
        Assert.That(() => new TrainerOptions(Eikonal: new EikonalTerm(float.NaN)).Validate(), Throws.ArgumentException.With.Message.Contains("eikonal weight"));
        Assert.That(() => new EikonalTerm(1, Step: 0).Validate(), Throws.ArgumentException.With.Message.Contains("step"));
        using var image = NeuralField.Create(Gpu, NeuralFieldConfig.Create(EncodingKind.Grid, 2, 3, finestResolution: 32, levels: 2, log2TableSize: 10, width: 16, hiddenLayers: 1));
        using var data = new SampledTrainingData(Gpu, new float[] { 0.5f, 0.5f }, 2, new float[] { 1, 0, 0 }, 3);
        Assert.That(() => new Trainer(image, data, new TrainerOptions(BatchSize: 16, Eikonal: new EikonalTerm(1))),
            Throws.ArgumentException.With.Message.Contains("one output"));
    }
}
