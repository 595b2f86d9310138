using FieldForge.Gpu;
using FieldForge.Neural;

namespace FieldForge.Bench;

/// <summary>
/// `./ff bench mlp`: the fully fused MLP's forward and backward passes alone, at the training step's configuration
/// (64x2 ReLU, 32 inputs, batch 2^14), as GPU timestamps and as GFLOP/s against the device's FMA peak; the per-layer
/// kernels on identical work alongside. Runs alternate so machine load hits both paths alike; each time is the fastest run (the least disturbed by other processes on a CPU driver).
/// </summary>
public sealed class MlpBench : IBenchmark
{
    public string Name => "mlp";

    public void Run(GpuContext gpu, BenchReport report, bool quick)
    {
        report.Section("MLP: fully fused vs per-layer passes");
        int batch = quick ? 1 << 12 : 1 << 14;
        double peak = DeviceRoofline.Measure(gpu, copyBytes: 8L << 20, runs: 3).Gflops;
        var t = report.Table($"One pass over batch {batch}, GPU timestamps, fastest of {(quick ? 5 : 15)} alternating runs (FMA peak {peak:F1} GFLOP/s)",
            "network", "pass", "per-layer ms", "fused ms", "per-layer / fused", "fused GFLOP/s", "of FMA peak");
        foreach (var (inputs, outputs) in new[] { (32, 1), (32, 3) })
        {
            var config = new MlpConfig(inputs, outputs, 64, 2);
            var (fwd, bwd) = Passes(gpu, config, batch, quick ? 5 : 15);
            // Multiply-adds per sample: forward sum of in*out; backward twice that (input deltas and weight gradients).
            double macs = 0;
            for (int l = 0; l <= config.HiddenLayers; l++) macs += config.LayerInputs(l) * config.LayerOutputs(l);
            double forwardFlop = 2 * macs * batch, backwardFlop = 4 * macs * batch;
            string name = $"{inputs}-64-64-{outputs}";
            t.Add(name, "forward", $"{fwd.PerLayer:F2}", $"{fwd.Fused:F2}", Measure.Ratio(fwd.PerLayer / fwd.Fused),
                $"{forwardFlop / fwd.Fused / 1e6:F2}", $"{forwardFlop / fwd.Fused / 1e6 / peak:P0}");
            t.Add(name, "backward", $"{bwd.PerLayer:F2}", $"{bwd.Fused:F2}", Measure.Ratio(bwd.PerLayer / bwd.Fused),
                $"{backwardFlop / bwd.Fused / 1e6:F2}", $"{backwardFlop / bwd.Fused / 1e6 / peak:P0}");
            if (outputs == 1)
            {
                report.Summary("mlp_fused_forward_ms", Math.Round(fwd.Fused, 2));
                report.Summary("mlp_fused_backward_ms", Math.Round(bwd.Fused, 2));
            }
        }
        report.Note("backward = output deltas, every layer's deltas and weight gradients (reduced into the gradient buffer), no input gradients");
    }

    private static ((double PerLayer, double Fused) Forward, (double PerLayer, double Fused) Backward) Passes(GpuContext gpu, MlpConfig config, int batch, int runs)
    {
        var fused = new Mlp(config) { Execution = MlpExecution.Fused };
        var perLayer = new Mlp(config) { Execution = MlpExecution.PerLayer };
        var weights = new float[config.ParameterCount];
        fused.InitializeParameters(weights);
        var random = new Random(7);
        var inputs = new float[(long)batch * config.Inputs];
        for (int i = 0; i < inputs.Length; i++) inputs[i] = random.NextSingle();
        var outGrad = new float[(long)batch * config.Outputs];
        for (int i = 0; i < outGrad.Length; i++) outGrad[i] = random.NextSingle() - 0.5f;
        using var w = gpu.CreateBuffer<float>(weights.Length);
        using var g = gpu.CreateBuffer<float>(weights.Length);
        using var x = gpu.CreateBuffer<float>(inputs.Length);
        using var y = gpu.CreateBuffer<float>((long)batch * config.Outputs);
        using var dy = gpu.CreateBuffer<float>(outGrad.Length);
        w.Upload(weights);
        x.Upload(inputs);
        dy.Upload(outGrad);
        using var fusedSpace = new MlpWorkspace(gpu, config, batch);
        using var perLayerSpace = new MlpWorkspace(gpu, config, batch);
        var times = new Dictionary<string, List<double>>();
        for (int run = 0; run <= runs; run++)
        {
            foreach (var (name, mlp, space) in new[] { ("fused", fused, fusedSpace), ("per-layer", perLayer, perLayerSpace) })
            {
                using var b = gpu.BeginBatch();
                using (b.Time(name + " forward")) mlp.RecordForward(b, w, x, y, batch, workspace: space);
                using (b.Time(name + " backward")) mlp.RecordBackward(b, w, x, dy, g, batch, space, computeInputGradients: false);
                b.Submit();
                if (run == 0) continue;  // the first run builds pipelines
                foreach (var timing in b.Timings)
                {
                    if (!times.TryGetValue(timing.Region, out var list)) times[timing.Region] = list = new();
                    list.Add(timing.Milliseconds);
                }
            }
        }
        double Fastest(string region) => times[region].Min();
        return ((Fastest("per-layer forward"), Fastest("fused forward")), (Fastest("per-layer backward"), Fastest("fused backward")));
    }
}
