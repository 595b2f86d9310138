using FieldForge.Gpu;
using FieldForge.Neural;

namespace FieldForge.Tests.Neural;

/// <summary>The fully fused MLP kernels against the CPU reference and the per-layer kernels.</summary>
public sealed class FusedMlpTests : GpuTest
{
    private static float[] RandomValues(long count, int seed, float range = 1f)
    {
        var rng = new Random(seed);
        var v = new float[count];
        for (int i = 0; i < v.Length; i++) v[i] = (float)(rng.NextDouble() * 2 - 1) * range;
        return v;
    }

    private static float[] Weights(Mlp mlp)
    {
        var w = new float[mlp.ParameterCount];
        mlp.InitializeParameters(w);
        var rng = new Random(8);
        for (int l = 0; l <= mlp.Config.HiddenLayers; l++)
        {
            int start = (int)(mlp.Config.LayerOffset(l) + (long)mlp.Config.LayerOutputs(l) * mlp.Config.LayerInputs(l));
            for (int j = 0; j < mlp.Config.LayerOutputs(l); j++) w[start + j] = (float)(rng.NextDouble() - 0.5) * 0.2f;
        }
        return w;
    }

    private (float[] Output, float[] WeightGrad, float[] InputGrad) RunGpu(Mlp mlp, float[] weights, float[] input, float[] outGrad, int count, int offset)
    {
        var c = mlp.Config;
        using var w = Gpu.CreateBuffer<float>(new float[offset].Concat(weights).ToArray());
        using var x = Gpu.CreateBuffer<float>(input);
        using var y = Gpu.CreateBuffer<float>((long)count * c.Outputs);
        using var gy = Gpu.CreateBuffer<float>(outGrad);
        using var gw = Gpu.CreateBuffer<float>(weights.Length + offset);
        using var ws = new MlpWorkspace(Gpu, c, count + 3);
        using (var batch = Gpu.BeginBatch())
        {
            Gpu.Primitives.RecordFill(batch, gw, 0f);
            mlp.RecordForward(batch, w, x, y, count, offset, ws);
            mlp.RecordBackward(batch, w, x, gy, gw, count, ws, offset, accumulation: GradientAccumulation.Deterministic);
            batch.Submit();
        }
        var inputGrad = ws.InputGradients.ToArray().AsSpan(0, input.Length).ToArray();
        return (y.ToArray(), gw.ToArray().AsSpan(offset).ToArray(), inputGrad);
    }

    // Sizes cover one partial tile (count < 256), several tiles with a ragged end, and batches that are not a multiple
    // of 4 (the scalar kernels) next to ones that are (the _v4 kernels, four samples per storage-buffer access).
    [TestCase(16, 2, 6, 3, 257, Activation.ReLU, Activation.None)]
    [TestCase(32, 1, 32, 1, 600, Activation.ReLU, Activation.Sigmoid)]
    [TestCase(64, 2, 32, 3, 515, Activation.ReLU, Activation.None)]
    [TestCase(64, 3, 20, 4, 96, Activation.Sine, Activation.None)]
    [TestCase(16, 4, 100, 70, 130, Activation.Sigmoid, Activation.None)]
    public void Fused_MatchesCpuReference(int width, int layers, int inputs, int outputs, int count, Activation hidden, Activation output)
    {
        var mlp = new Mlp(new MlpConfig(inputs, outputs, width, layers, hidden, output, Seed: 5)) { Execution = MlpExecution.Fused };
        var weights = Weights(mlp);
        var input = RandomValues((long)count * inputs, 1);
        var outGrad = RandomValues((long)count * outputs, 2);
        var expectedOut = new float[count * outputs];
        mlp.ForwardReference(weights, input, expectedOut, count);
        var expectedW = new float[weights.Length];
        var expectedIn = new float[input.Length];
        mlp.BackwardReference(weights, input, outGrad, expectedW, expectedIn, count);

        var (actualOut, actualW, actualIn) = RunGpu(mlp, weights, input, outGrad, count, offset: 7);
        // Same products as the reference, summed in another order and possibly fused into FMAs: a few ulp of the
        // partial sums, ≈1e-6 on values of order 1.
        for (int i = 0; i < actualOut.Length; i++) Assert.That(actualOut[i], Is.EqualTo(expectedOut[i]).Within(1e-4), $"output {i}");
        for (int i = 0; i < expectedIn.Length; i++) Assert.That(actualIn[i], Is.EqualTo(expectedIn[i]).Within(1e-4), $"input gradient {i}");
        // Weight gradients sum up to 600 samples per weight: tolerance grows with the magnitude.
        for (int i = 0; i < expectedW.Length; i++)
            Assert.That(actualW[i], Is.EqualTo(expectedW[i]).Within(1e-3 + 1e-4 * Math.Abs(expectedW[i])), $"weight gradient {i}");
    }

    [Test]
    public void Fused_AgreesWithPerLayerPath()
    {
        var config = new MlpConfig(32, 3, 64, 2, Seed: 9);
        var fused = new Mlp(config) { Execution = MlpExecution.Fused };
        var perLayer = new Mlp(config) { Execution = MlpExecution.PerLayer };
        const int count = 1024;
        var weights = Weights(fused);
        var input = RandomValues(count * 32L, 3);
        var outGrad = RandomValues(count * 3L, 4, 0.01f);
        var a = RunGpu(fused, weights, input, outGrad, count, 0);
        float[] y, gw, gx;
        using (var w = Gpu.CreateBuffer<float>(weights))
        using (var x = Gpu.CreateBuffer<float>(input))
        using (var yb = Gpu.CreateBuffer<float>(count * 3L))
        using (var gy = Gpu.CreateBuffer<float>(outGrad))
        using (var gwb = Gpu.CreateBuffer<float>(weights.Length))
        using (var ws = new MlpWorkspace(Gpu, config, count))
        {
            using (var batch = Gpu.BeginBatch())
            {
                Gpu.Primitives.RecordFill(batch, gwb, 0f);
                perLayer.RecordForward(batch, w, x, yb, count, 0, ws);
                perLayer.RecordBackward(batch, w, x, gy, gwb, count, ws, 0, accumulation: GradientAccumulation.FloatAtomics);
                batch.Submit();
            }
            (y, gw, gx) = (yb.ToArray(), gwb.ToArray(), ws.InputGradients.ToArray());
        }
        // Both sum the same float products in different orders (and the per-layer path with atomics in any order).
        for (int i = 0; i < y.Length; i++) Assert.That(a.Output[i], Is.EqualTo(y[i]).Within(1e-4), $"output {i}");
        for (int i = 0; i < a.InputGrad.Length; i++) Assert.That(a.InputGrad[i], Is.EqualTo(gx[i]).Within(1e-5), $"input gradient {i}");
        for (int i = 0; i < gw.Length; i++) Assert.That(a.WeightGrad[i], Is.EqualTo(gw[i]).Within(1e-4 + 1e-4 * Math.Abs(gw[i])), $"weight gradient {i}");
    }

    [Test]
    public void FusedBackward_IsBitIdenticalAcrossRuns()
    {
        var mlp = new Mlp(new MlpConfig(32, 3, 64, 2, Seed: 2)) { Execution = MlpExecution.Fused };
        const int count = 2048;
        var weights = Weights(mlp);
        var input = RandomValues(count * 32L, 5);
        var outGrad = RandomValues(count * 3L, 6);
        var first = RunGpu(mlp, weights, input, outGrad, count, 0);
        var second = RunGpu(mlp, weights, input, outGrad, count, 0);
        Assert.That(second.WeightGrad, Is.EqualTo(first.WeightGrad), "weight gradients differ between two identical runs");
        Assert.That(second.InputGrad, Is.EqualTo(first.InputGrad));
    }

    [Test]
    public void Fused_UnsupportedWidth_ThrowsWhenForcedAndAutoFallsBack()
    {
        var wide = new Mlp(new MlpConfig(8, 2, 128, 1));
        Assert.That(wide.SupportsFused, Is.False);
        Assert.That(wide.UsesFused(100), Is.False);
        wide.Execution = MlpExecution.Fused;
        Assert.That(() => wide.UsesFused(100), Throws.TypeOf<NotSupportedException>().With.Message.Contains("16, 32 and 64"));
        Assert.That(new Mlp(new MlpConfig(8, 2, 64, 1)).UsesFused(100), Is.True);
    }
}
