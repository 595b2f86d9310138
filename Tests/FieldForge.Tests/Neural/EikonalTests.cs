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
