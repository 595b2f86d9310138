using FieldForge.Gpu;
using FieldForge.Neural;

namespace FieldForge.Tests.Neural;

public sealed class MlpTests : GpuTest
{
    private static float[] RandomValues(long count, int seed, float range = 1f)
    {
        var rng = new Random(seed);
        var v = new float[count];
        for (int i = 0; i < v.Length; i++) v[i] = (float)(rng.NextDouble() * 2 - 1) * range;
        return v;
    }

    private static Mlp MakeMlp(Activation hidden, Activation output, int width = 16, int layers = 2) =>
        new(new MlpConfig(Inputs: 6, Outputs: 3, Width: width, HiddenLayers: layers, HiddenActivation: hidden, OutputActivation: output, Seed: 3));

    private static float[] Weights(Mlp mlp)
    {
        var w = new float[mlp.ParameterCount];
        mlp.InitializeParameters(w);
        // Non-zero biases so the bias gradients are exercised too.
        var rng = new Random(8);
        for (int l = 0; l <= mlp.Config.HiddenLayers; l++)
        {
            int start = (int)(mlp.Config.LayerOffset(l) + (long)mlp.Config.LayerOutputs(l) * mlp.Config.LayerInputs(l));
            for (int j = 0; j < mlp.Config.LayerOutputs(l); j++) w[start + j] = (float)(rng.NextDouble() - 0.5) * 0.2f;
        }
        return w;
    }

    [Test]
    public void Config_InvalidValues_RejectedWithMessage()
    {
        Assert.That(() => new MlpConfig(4, 3, Width: 256).Validate(), Throws.ArgumentException.With.Message.Contains("Width must be 8..128, got 256"));
        Assert.That(() => new MlpConfig(4, 3, HiddenLayers: 0).Validate(), Throws.ArgumentException.With.Message.Contains("HiddenLayers must be 1..4, got 0"));
        Assert.That(() => new MlpConfig(0, 3).Validate(), Throws.ArgumentException.With.Message.Contains("Inputs"));
    }

    [Test]
    public void ParameterCount_CountsWeightsAndBiases()
    {
        var c = new MlpConfig(32, 3, Width: 64, HiddenLayers: 2);
        Assert.That(c.ParameterCount, Is.EqualTo(64 * 33 + 64 * 65 + 3 * 65));
    }

    [TestCase(Activation.ReLU, Activation.None, 2)]
    [TestCase(Activation.ReLU, Activation.Sigmoid, 1)]
    [TestCase(Activation.Sine, Activation.None, 3)]
    public void ForwardAndBackward_Gpu_MatchCpuReference(Activation hidden, Activation output, int layers)
    {
        var mlp = MakeMlp(hidden, output, layers: layers);
        const int count = 257;
        const int offset = 5;
        var weights = Weights(mlp);
        var input = RandomValues(count * 6L, 1);
        var outGrad = RandomValues(count * 3L, 2);
        var expectedOut = new float[count * 3];
        mlp.ForwardReference(weights, input, expectedOut, count);
        var expectedW = new float[weights.Length];
        var expectedIn = new float[input.Length];
        mlp.BackwardReference(weights, input, outGrad, expectedW, expectedIn, count);

        using var w = Gpu.CreateBuffer<float>(new float[offset].Concat(weights).ToArray());
        using var x = Gpu.CreateBuffer<float>(input);
        using var y = Gpu.CreateBuffer<float>(count * 3L);
        using var gy = Gpu.CreateBuffer<float>(outGrad);
        using var gw = Gpu.CreateBuffer<float>(weights.Length + offset);
        using var ws = new MlpWorkspace(Gpu, mlp.Config, 300);
        using (var batch = Gpu.BeginBatch())
        {
            Gpu.Primitives.RecordFill(batch, gw, 0f);
            mlp.RecordForward(batch, w, x, y, count, offset, ws);
            mlp.RecordBackward(batch, w, x, gy, gw, count, ws, offset);
            batch.Submit();
        }
        var actualOut = y.ToArray();
        // Same operation order as the reference; the driver may contract to FMA: ≈1e-6 on outputs of order 1.
        for (int i = 0; i < actualOut.Length; i++) Assert.That(actualOut[i], Is.EqualTo(expectedOut[i]).Within(1e-4), $"output {i}");
        var actualIn = ws.InputGradients.ToArray();
        for (int i = 0; i < expectedIn.Length; i++) Assert.That(actualIn[i], Is.EqualTo(expectedIn[i]).Within(1e-4), $"input gradient {i}");
        var actualW = gw.ToArray();
        // Weight gradients sum 257 samples in chunks (atomics): tolerance relative to the sum of magnitudes.
        for (int i = 0; i < expectedW.Length; i++)
            Assert.That(actualW[i + offset], Is.EqualTo(expectedW[i]).Within(1e-3 + 1e-4 * Math.Abs(expectedW[i])), $"weight gradient {i}");
    }

    [TestCase(Activation.ReLU, Activation.None)]
    [TestCase(Activation.Sine, Activation.Sigmoid)]
    public void Backward_MatchesFiniteDifferences(Activation hidden, Activation output)
    {
        var mlp = MakeMlp(hidden, output, width: 8);
        const int count = 5;
        var weights = Weights(mlp);
        var input = RandomValues(count * 6L, 3);
        var outGrad = RandomValues(count * 3L, 4); // L = sum(outGrad · y)
        using var w = Gpu.CreateBuffer<float>(weights);
        using var x = Gpu.CreateBuffer<float>(input);
        using var y = Gpu.CreateBuffer<float>(count * 3L);
        using var gy = Gpu.CreateBuffer<float>(outGrad);
        using var gw = Gpu.CreateBuffer<float>(weights.Length);
        using var gx = Gpu.CreateBuffer<float>(input.Length);
        using var ws = new MlpWorkspace(Gpu, mlp.Config, count);
        using (var batch = Gpu.BeginBatch())
        {
            Gpu.Primitives.RecordFill(batch, gw, 0f);
            mlp.RecordForward(batch, w, x, y, count, 0, ws);
            mlp.RecordBackward(batch, w, x, gy, gw, count, ws, 0, gx);
            batch.Submit();
        }
        var analyticW = gw.ToArray();
        var analyticX = gx.ToArray();
        double LossAt(float[] theta, float[] inp)
        {
            var o = new float[count * 3];
            mlp.ForwardReference(theta, inp, o, count);
            double s = 0;
            for (int i = 0; i < o.Length; i++) s += (double)outGrad[i] * o[i];
            return s;
        }
        const float h = 1e-2f;
        // Central differences in float: truncation O(h^2 · curvature) plus rounding ~1e-6/h; ReLU kinks are rare at h = 1e-2.
        int failures = 0;
        for (int i = 0; i < weights.Length; i++)
        {
            var p = (float[])weights.Clone(); p[i] += h;
            var m = (float[])weights.Clone(); m[i] -= h;
            double numeric = (LossAt(p, input) - LossAt(m, input)) / (2 * h);
            if (Math.Abs(numeric - analyticW[i]) > 5e-3 + 2e-2 * Math.Abs(numeric)) failures++;
        }
        Assert.That(failures, Is.LessThanOrEqualTo(1), "weight gradients off the finite differences (one ReLU kink crossing tolerated)");
        for (int i = 0; i < input.Length; i++)
        {
            var p = (float[])input.Clone(); p[i] += h;
            var m = (float[])input.Clone(); m[i] -= h;
            double numeric = (LossAt(weights, p) - LossAt(weights, m)) / (2 * h);
            Assert.That(analyticX[i], Is.EqualTo(numeric).Within(5e-3 + 2e-2 * Math.Abs(numeric)), $"input {i}");
        }
    }

    [Test]
    public void Forward_BatchOverWorkspaceCapacity_RejectedWithMessage()
    {
        var mlp = MakeMlp(Activation.ReLU, Activation.None);
        using var ws = new MlpWorkspace(Gpu, mlp.Config, 8);
        using var w = Gpu.CreateBuffer<float>(mlp.ParameterCount);
        using var x = Gpu.CreateBuffer<float>(6 * 16);
        using var y = Gpu.CreateBuffer<float>(3 * 16);
        using var batch = Gpu.BeginBatch();
        Assert.That(() => mlp.RecordForward(batch, w, x, y, 16, 0, ws), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("exceeds the workspace capacity 8"));
    }
}
