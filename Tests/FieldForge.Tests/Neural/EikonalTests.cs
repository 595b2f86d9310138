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
