using FieldForge.Gpu;
using FieldForge.Neural;

namespace FieldForge.Tests.Neural;

/// <summary>The gradient path without float atomics (deterministic) against the atomic path and the CPU reference.</summary>
public sealed class GradientAccumulationTests : GpuTest
{
    private static float[] RandomValues(long count, int seed, float range = 1f, float offset = 0f)
    {
        var rng = new Random(seed);
        var v = new float[count];
        for (int i = 0; i < v.Length; i++) v[i] = offset + (float)(rng.NextDouble() * 2 - 1) * range;
        return v;
    }

    private float[] EncodingGradients(HashEncoding enc, float[] points, float[] featureGrad, int count, GradientAccumulation accumulation)
    {
        using var p = Gpu.CreateBuffer<float>(points);
        using var g = Gpu.CreateBuffer<float>(featureGrad);
        using var grads = Gpu.CreateBuffer<float>(enc.ParameterCount + 3);
        using (var batch = Gpu.BeginBatch())
        {
            Gpu.Primitives.RecordFill(batch, grads, 0.5f);  // backward adds to what is there
            enc.RecordBackward(batch, p, g, grads, count, parameterOffset: 3, accumulation);
            batch.Submit();
        }
        return grads.ToArray();
    }

    [TestCase(EncodingKind.Grid, 2, 2)]
    [TestCase(EncodingKind.Simplex, 3, 2)]
    [TestCase(EncodingKind.Simplex, 2, 1)]
    [TestCase(EncodingKind.Grid, 3, 4)]
    [TestCase(EncodingKind.Simplex, 4, 8)]
    public void EncodingBackward_Deterministic_MatchesAtomicsAndReference(EncodingKind kind, int dims, int features)
    {
        using var enc = HashEncoding.Create(Gpu, kind, new HashEncodingConfig(dims, Levels: 4, FeaturesPerLevel: features, Log2TableSize: 10, BaseResolution: 4, FinestResolution: 64, Seed: 5));
        const int count = 3000;
        var points = RandomValues((long)count * dims, 1, 0.5f, 0.5f);
        // Mixed magnitudes and signs, including contributions far below float's resolution of the sums.
        var featureGrad = RandomValues((long)count * enc.OutputDimensions, 2);
        for (int i = 0; i < featureGrad.Length; i += 7) featureGrad[i] *= 1e-7f;
        var expected = new float[enc.ParameterCount];
        enc.BackwardReference(points, featureGrad, expected, count);

        var deterministic = EncodingGradients(enc, points, featureGrad, count, GradientAccumulation.Deterministic);
        var again = EncodingGradients(enc, points, featureGrad, count, GradientAccumulation.Deterministic);
        Assert.That(again, Is.EqualTo(deterministic), "two deterministic runs differ");
        Assert.That(deterministic.AsSpan(0, 3).ToArray(), Is.All.EqualTo(0.5f), "nothing written before the parameter offset");
        // Fixed point: each contribution rounded to 2^-40, sums exact; the float conversion adds ≤ 1 ulp. Coarse levels
        // sum thousands of terms, so compare with a tolerance relative to the sum of magnitudes (float reference).
        for (int i = 0; i < expected.Length; i++)
            Assert.That(deterministic[i + 3] - 0.5f, Is.EqualTo(expected[i]).Within(2e-4 + 1e-5 * Math.Abs(expected[i])), $"parameter {i}");
        if (!Gpu.DeviceInfo.AtomicFloatAdd) Assert.Ignore("the device has no float atomics to compare with");
        var atomic = EncodingGradients(enc, points, featureGrad, count, GradientAccumulation.FloatAtomics);
        for (int i = 0; i < expected.Length; i++)
            Assert.That(deterministic[i + 3], Is.EqualTo(atomic[i + 3]).Within(2e-4 + 1e-5 * Math.Abs(atomic[i + 3])), $"parameter {i} vs atomics");
    }

    private (float[] Parameters, float Loss) TrainParameters(GradientAccumulation accumulation, int steps)
    {
        var config = NeuralFieldConfig.Create(EncodingKind.Simplex, 2, 3, finestResolution: 32, levels: 4, log2TableSize: 10, width: 16, hiddenLayers: 2);
        using var field = NeuralField.Create(Gpu, config);
        var image = ImageFitting.ProceduralImage(32, 32);
        using var data = new ImageTrainingData(Gpu, 32, 32, 3, image);
        using var trainer = new Trainer(field, data, new TrainerOptions(BatchSize: 1000, Accumulation: accumulation));
        var result = trainer.Run(new TrainingBudget(Steps: steps, ReportEvery: steps));
        return (field.Parameters.ToArray(), result.FinalLoss);
    }

    [Test]
    public void Training_Deterministic_IsBitIdenticalAcrossRunsAndTracksAtomics()
    {
        const int steps = 8;
        var first = TrainParameters(GradientAccumulation.Deterministic, steps);
        var second = TrainParameters(GradientAccumulation.Deterministic, steps);
        Assert.That(second.Parameters, Is.EqualTo(first.Parameters), "two deterministic training runs ended with different parameters");
        Assert.That(second.Loss, Is.EqualTo(first.Loss));
        if (!Gpu.DeviceInfo.AtomicFloatAdd) Assert.Ignore("the device has no float atomics to compare with");
        var atomic = TrainParameters(GradientAccumulation.FloatAtomics, steps);
        // Same mathematics, different summation order: Adam amplifies the rounding of near-zero gradients into whole
        // steps, so compare where training got to (the loss) rather than every parameter.
        Assert.That(first.Loss, Is.EqualTo(atomic.Loss).Within(0.05 * atomic.Loss), "deterministic and atomic training diverged");
    }

    [Test]
    public void Accumulation_FloatAtomicsOnDeviceWithout_Throws()
    {
        if (Gpu.DeviceInfo.AtomicFloatAdd) Assert.Ignore("the device has float atomics");
        using var enc = HashEncoding.Create(Gpu, EncodingKind.Grid, new HashEncodingConfig(2, 2, 2, 10, 4, 8));
        using var p = Gpu.CreateBuffer<float>(8);
        using var g = Gpu.CreateBuffer<float>(16);
        using var grads = Gpu.CreateBuffer<float>(enc.ParameterCount);
        using var batch = Gpu.BeginBatch();
        Assert.That(() => enc.RecordBackward(batch, p, g, grads, 4, 0, GradientAccumulation.FloatAtomics), Throws.TypeOf<NotSupportedException>());
    }
}
