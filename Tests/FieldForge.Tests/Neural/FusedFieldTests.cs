using FieldForge.Gpu;
using FieldForge.Neural;

namespace FieldForge.Tests.Neural;

/// <summary>The fused encoding + MLP inference kernel against the CPU reference and the unfused GPU path (encoding
/// kernel, then the MLP per layer).</summary>
public sealed class FusedFieldTests : GpuTest
{
    // Every lattice and dimension, every fused width, every features-per-level value, 1..3 hidden layers and several
    // activations; 300 points is two full tiles of 128 and a ragged one.
    [TestCase(EncodingKind.Grid, 2, 64, 2, 2, 3, Activation.ReLU, Activation.None)]
    [TestCase(EncodingKind.Simplex, 2, 16, 1, 3, 1, Activation.Sine, Activation.None)]
    [TestCase(EncodingKind.Grid, 3, 32, 4, 1, 1, Activation.ReLU, Activation.Sigmoid)]
    [TestCase(EncodingKind.Simplex, 3, 64, 2, 2, 1, Activation.ReLU, Activation.None)]
    [TestCase(EncodingKind.Grid, 4, 16, 8, 2, 2, Activation.Sigmoid, Activation.None)]
    [TestCase(EncodingKind.Simplex, 4, 32, 2, 2, 4, Activation.ReLU, Activation.None)]
    public void FusedEvaluate_MatchesCpuReferenceAndUnfusedPath(EncodingKind kind, int dims, int width, int features, int layers, int outputs,
        Activation hidden, Activation output)
    {
        var hash = new HashEncodingConfig(dims, Levels: 6, FeaturesPerLevel: features, Log2TableSize: 12, BaseResolution: 4, FinestResolution: 96, Seed: 11);
        var net = new MlpConfig(hash.OutputDimensions, outputs, width, layers, hidden, output, Seed: 12);
        using var field = NeuralField.Create(Gpu, new NeuralFieldConfig(kind, hash, net));
        Assert.That(field.UsesFusedEvaluate(300), "the fused kernel covers this field on this device");
        // Tables and biases of magnitude 1, so the encoding and every layer move the outputs.
        var parameters = field.DownloadParameters();
        var rng = new Random(5);
        for (int i = 0; i < field.NetworkOffset; i++) parameters[i] = (float)(rng.NextDouble() * 2 - 1);
        for (int l = 0; l <= layers; l++)
        {
            long bias = field.NetworkOffset + net.LayerOffset(l) + (long)net.LayerOutputs(l) * net.LayerInputs(l);
            for (int j = 0; j < net.LayerOutputs(l); j++) parameters[bias + j] = (float)(rng.NextDouble() - 0.5) * 0.5f;
        }
        field.Parameters.Upload(parameters);

        const int count = 300;
        var points = new float[count * dims];
        // Mostly inside the unit cube, a few outside (the encoding clamps them).
        for (int i = 0; i < points.Length; i++) points[i] = (float)(rng.NextDouble() * 1.1 - 0.05);
        var expected = new float[count * outputs];
        field.EvaluateReference(parameters, points, expected, count);

        float[] fused = Run(field, points, count, dims, outputs);
        field.Network.Execution = MlpExecution.PerLayer;
        Assert.That(field.UsesFusedEvaluate(count), Is.False);
        float[] unfused = Run(field, points, count, dims, outputs);

        // The encoding's arithmetic is identical to the encoding kernel's; the MLP sums the same products in another
        // order (and may fuse them into FMAs): a few ulp of partial sums of order 10 through up to 4 layers.
        for (int i = 0; i < expected.Length; i++)
        {
            double tolerance = 1e-4 * (1 + Math.Abs(expected[i]));
            Assert.That(fused[i], Is.EqualTo(expected[i]).Within(tolerance), $"fused vs CPU, value {i}");
            Assert.That(fused[i], Is.EqualTo(unfused[i]).Within(tolerance), $"fused vs unfused GPU, value {i}");
        }
        Assert.That(expected.Select(Math.Abs).Max(), Is.GreaterThan(0.1f), "outputs are not trivially zero");
    }

    private static float[] Run(NeuralField field, float[] points, int count, int dims, int outputs)
    {
        using var p = Gpu.CreateBuffer<float>(points);
        using var features = Gpu.CreateBuffer<float>((long)count * field.Encoding.OutputDimensions);
        using var y = Gpu.CreateBuffer<float>((long)count * outputs);
        using (var batch = Gpu.BeginBatch())
        {
            Gpu.Primitives.RecordFill(batch, y, float.NaN);
            field.RecordEvaluate(batch, p, features, y, count);
            batch.Submit();
        }
        return y.ToArray();
    }

    [Test]
    public void FusedEvaluate_WithWorkspace_MatchesPublicEvaluate()
    {
        using var field = NeuralField.Create(Gpu, NeuralFieldConfig.Create(EncodingKind.Simplex, 3, 1, finestResolution: 64, levels: 4, log2TableSize: 10, width: 16));
        var rng = new Random(2);
        const int count = 129;
        var interleaved = new float[count * 3];
        for (int i = 0; i < interleaved.Length; i++) interleaved[i] = (float)rng.NextDouble();
        var viaEvaluate = field.Evaluate(interleaved);
        var soa = new float[count * 3];
        for (int s = 0; s < count; s++)
            for (int d = 0; d < 3; d++) soa[d * count + s] = interleaved[s * 3 + d];
        using var p = Gpu.CreateBuffer<float>(soa);
        using var features = Gpu.CreateBuffer<float>(1);
        using var y = Gpu.CreateBuffer<float>(count);
        using var workspace = new MlpWorkspace(Gpu, field.Network.Config, count);
        using (var batch = Gpu.BeginBatch())
        {
            field.RecordEvaluate(batch, p, features, y, count, workspace);
            batch.Submit();
        }
        Assert.That(y.ToArray(), Is.EqualTo(viaEvaluate), "same kernel, same bits, with or without a workspace");
    }

    [Test]
    public void FusedEvaluate_WorkspaceTooSmall_Throws()
    {
        using var field = NeuralField.Create(Gpu, NeuralFieldConfig.Create(EncodingKind.Grid, 2, 1, finestResolution: 64, levels: 4, log2TableSize: 10, width: 16));
        using var p = Gpu.CreateBuffer<float>(2 * 200);
        using var features = Gpu.CreateBuffer<float>(1);
        using var y = Gpu.CreateBuffer<float>(200);
        using var workspace = new MlpWorkspace(Gpu, field.Network.Config, 100);
        using var batch = Gpu.BeginBatch();
        Assert.That(() => field.RecordEvaluate(batch, p, features, y, 200, workspace), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("capacity 100"));
    }
}
