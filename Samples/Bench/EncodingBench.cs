using System.Diagnostics;
using FieldForge.Gpu;
using FieldForge.Neural;

namespace FieldForge.Bench;

/// <summary>
/// `./ff bench encoding`: the fully fused MLP against the per-layer MLP on a whole training step, then the simplex hash
/// encoding against the grid hash encoding on identical work (same L, F, T, MLP, batch, steps, seeds) in 2D (image
/// fitting) and 3D (SDF fitting). Compared trainers step alternately, so load on the machine hits both alike; times are
/// medians. Ratios are grid / simplex (> 1: simplex faster or better) unless a row says otherwise.
/// </summary>
public sealed class EncodingBench : IBenchmark
{
    public string Name => "encoding";

    private sealed record CaseResult(double StepMs, double EncodeMs, double EncodeBackwardMs, double MlpMs, double Quality, IReadOnlyDictionary<string, double> RegionMs,
        long Parameters);

    // The trainer's GPU timing regions, in step order.
    private static readonly string[] StepRegions = ["sample", "encode", "mlp forward", "loss", "mlp backward", "encode backward", "adam"];

    public void Run(GpuContext gpu, BenchReport report, bool quick)
    {
        report.Section("Neural encodings: simplex vs grid hash encoding");
        int log2T = quick ? 15 : 19;
        int batch = quick ? 1 << 12 : 1 << 14;
        int steps = quick ? 12 : 40;
        int size = quick ? 128 : 256;
        report.Note($"identical work per encoding: L 16, F 2, T 2^{log2T}, Nmin 16, MLP 64x2 ReLU, batch {batch}, {steps} steps, same seeds; device {gpu.DeviceInfo.Name}");

        var image = ImageFitting.ProceduralImage(size, size);
        using var imageData = new ImageTrainingData(gpu, size, size, 3, image);

        // ---- fused vs per-layer MLP: whole training step, same field, same data ---------------------------------
        var (fusedMs, perLayerMs) = FusedVersusPerLayer(gpu, ImageFitting.DefaultConfig(EncodingKind.Simplex, size, size, log2T), imageData, batch, quick ? 4 : 9);
        var f = report.Table($"Whole training step, fully fused vs per-layer MLP (2D image, simplex, L 16, F 2, T 2^{log2T}, MLP 64x2, batch {batch}; medians over alternating steps)",
            "MLP path", "ms per step", "per-layer / fused");
        f.Add("per-layer (one dispatch per layer, reference)", $"{perLayerMs:F1}", "1.00x");
        f.Add("fully fused (one dispatch per pass)", $"{fusedMs:F1}", Measure.Ratio(perLayerMs / fusedMs));
        report.Summary("step_ms_fused", Math.Round(fusedMs, 2));
        report.Summary("step_ms_per_layer", Math.Round(perLayerMs, 2));

        // ---- 2D: image fitting ------------------------------------------------------------------------------------
        var image2d = Compare(gpu, kind => ImageFitting.DefaultConfig(kind, size, size, log2T), imageData, batch, steps,
            field => ImageFitting.Psnr(image, ImageFitting.Reconstruct(field, size, size)));

        // ---- 3D: SDF fitting --------------------------------------------------------------------------------------
        var sdf = SdfFitting.AnalyticShape("blob");
        var train = SdfFitting.SampleAnalytic(sdf, quick ? 1 << 15 : 1 << 17, 1);
        var heldOut = SdfFitting.SampleAnalytic(sdf, quick ? 4096 : 16384, 2);
        using var sdfData = train.ToTrainingData(gpu);
        var sdf3d = Compare(gpu, kind => SdfFitting.DefaultConfig(kind, quick ? 128 : 256, log2T), sdfData, batch, steps,
            field => SdfFitting.MeanAbsoluteError(field, heldOut));

        var t = report.Table($"Training on identical work ({steps} steps, batch {batch}; medians over alternating steps)",
            "measure", "grid", "simplex", "grid / simplex");
        t.Add("2D image: ms per training step", $"{image2d.Grid.StepMs:F1}", $"{image2d.Simplex.StepMs:F1}", Measure.Ratio(image2d.Grid.StepMs / image2d.Simplex.StepMs));
        t.Add("2D image: encoding forward ms (in step)", $"{image2d.Grid.EncodeMs:F2}", $"{image2d.Simplex.EncodeMs:F2}", Measure.Ratio(image2d.Grid.EncodeMs / image2d.Simplex.EncodeMs));
        t.Add("2D image: encoding backward ms (in step)", $"{image2d.Grid.EncodeBackwardMs:F2}", $"{image2d.Simplex.EncodeBackwardMs:F2}", Measure.Ratio(image2d.Grid.EncodeBackwardMs / image2d.Simplex.EncodeBackwardMs));
        t.Add("2D image: MLP forward+backward ms", $"{image2d.Grid.MlpMs:F1}", $"{image2d.Simplex.MlpMs:F1}", Measure.Ratio(image2d.Grid.MlpMs / image2d.Simplex.MlpMs));
        t.Add("2D image: parameters (tables + MLP; simplex at the grid's vertex density)", image2d.Grid.Parameters, image2d.Simplex.Parameters, Measure.Ratio((double)image2d.Grid.Parameters / image2d.Simplex.Parameters));
        t.Add($"2D image: PSNR after {steps} steps (dB)", $"{image2d.Grid.Quality:F2}", $"{image2d.Simplex.Quality:F2}", $"{image2d.Simplex.Quality - image2d.Grid.Quality:+0.00;-0.00} dB");
        t.Add("3D SDF: ms per training step", $"{sdf3d.Grid.StepMs:F1}", $"{sdf3d.Simplex.StepMs:F1}", Measure.Ratio(sdf3d.Grid.StepMs / sdf3d.Simplex.StepMs));
        t.Add("3D SDF: encoding forward ms (in step)", $"{sdf3d.Grid.EncodeMs:F2}", $"{sdf3d.Simplex.EncodeMs:F2}", Measure.Ratio(sdf3d.Grid.EncodeMs / sdf3d.Simplex.EncodeMs));
        t.Add("3D SDF: encoding backward ms (in step)", $"{sdf3d.Grid.EncodeBackwardMs:F2}", $"{sdf3d.Simplex.EncodeBackwardMs:F2}", Measure.Ratio(sdf3d.Grid.EncodeBackwardMs / sdf3d.Simplex.EncodeBackwardMs));
        t.Add("3D SDF: MLP forward+backward ms", $"{sdf3d.Grid.MlpMs:F1}", $"{sdf3d.Simplex.MlpMs:F1}", Measure.Ratio(sdf3d.Grid.MlpMs / sdf3d.Simplex.MlpMs));
        t.Add("3D SDF: parameters (tables + MLP; simplex at the grid's vertex density)", sdf3d.Grid.Parameters, sdf3d.Simplex.Parameters, Measure.Ratio((double)sdf3d.Grid.Parameters / sdf3d.Simplex.Parameters));
        t.Add($"3D SDF: held-out mean |error| after {steps} steps", $"{sdf3d.Grid.Quality:F5}", $"{sdf3d.Simplex.Quality:F5}", Measure.Ratio(sdf3d.Grid.Quality / sdf3d.Simplex.Quality));
        report.Summary("simplex_over_grid_step_2d", Math.Round(image2d.Simplex.StepMs / image2d.Grid.StepMs, 3));
        report.Summary("simplex_over_grid_step_3d", Math.Round(sdf3d.Simplex.StepMs / sdf3d.Grid.StepMs, 3));
        report.Summary("psnr_simplex_2d", Math.Round(image2d.Simplex.Quality, 2));
        report.Summary("psnr_grid_2d", Math.Round(image2d.Grid.Quality, 2));
        report.Summary("sdf_error_simplex_3d", Math.Round(sdf3d.Simplex.Quality, 5));
        report.Summary("sdf_error_grid_3d", Math.Round(sdf3d.Grid.Quality, 5));
        var r = report.Table("Where a training step's time goes (GPU timestamps per region, medians, ms)",
            ["case", .. StepRegions, "sum of regions", "wall"]);
        foreach (var (name, c) in new[] { ("2D grid", image2d.Grid), ("2D simplex", image2d.Simplex), ("3D grid", sdf3d.Grid), ("3D simplex", sdf3d.Simplex) })
            r.Add([name, .. StepRegions.Select(x => (object)$"{c.RegionMs[x]:F1}"), $"{StepRegions.Sum(x => c.RegionMs[x]):F1}", $"{c.StepMs:F1}"]);
        report.Note($"targets: fused >= 3x per-layer (measured {perLayerMs / fusedMs:F2}x); simplex/grid step <= 0.91 in 2D (measured {image2d.Simplex.StepMs / image2d.Grid.StepMs:F3}) " +
                    $"and <= 0.75 in 3D (measured {sdf3d.Simplex.StepMs / sdf3d.Grid.StepMs:F3}); quality no worse than grid's at equal steps");

        // ---- inference: fused encoding + MLP vs encoding kernel then MLP ------------------------------------------
        var inf = report.Table("Inference, fused encoding + MLP (one dispatch) vs unfused (encoding kernel, then the fused MLP), GPU timestamps, median of 5",
            "case", "points", "unfused ms", "fused ms", "unfused / fused");
        foreach (var (kind, dims) in new[] { (EncodingKind.Grid, 2), (EncodingKind.Simplex, 2), (EncodingKind.Grid, 3), (EncodingKind.Simplex, 3) })
        {
            int points = quick ? 1 << 14 : 1 << 16;
            var (unfused, fusedInf) = Inference(gpu, NeuralFieldConfig.Create(kind, dims, dims == 2 ? 3 : 1, 512, log2TableSize: log2T), points);
            inf.Add($"{dims}D {kind}, MLP 64x2", points, $"{unfused:F2}", $"{fusedInf:F2}", Measure.Ratio(unfused / fusedInf));
        }

        // ---- Adam over a field's worth of parameters: one element per invocation vs four (vec4) --------------------
        {
            long n;
            using (var sized = NeuralField.Create(gpu, SdfFitting.DefaultConfig(EncodingKind.Simplex, quick ? 128 : 256, log2T))) n = sized.ParameterCount;
            var (scalar, vec4) = AdamKernels(gpu, n);
            var a = report.Table("Adam step over the 3D simplex field's parameters, GPU timestamps, median of 7 alternating runs",
                "parameters", "adam_step ms (1 per invocation)", "adam_step4 ms (vec4)", "ratio");
            a.Add(n, $"{scalar:F2}", $"{vec4:F2}", Measure.Ratio(scalar / vec4));
        }

        // ---- encoding only, dense sampling ------------------------------------------------------------------------
        var e = report.Table("Encoding only (dense random points, GPU timestamps, median of 7 alternating runs)",
            "case", "points", "grid fwd ms", "simplex fwd ms", "fwd grid/simplex", "grid bwd ms", "simplex bwd ms", "bwd grid/simplex");
        foreach (int dims in new[] { 2, 3, 4 })
        {
            int points = quick ? 1 << 16 : 1 << 18;
            var config = new HashEncodingConfig(dims, 16, 2, log2T, 16, dims == 2 ? 2048 : dims == 3 ? 512 : 128);
            var (gf, gb, sf, sb) = EncodingOnly(gpu, config, points);
            e.Add($"{dims}D ({(dims == 2 ? "4 vs 3" : dims == 3 ? "8 vs 4" : "16 vs 5")} vertices)", points, $"{gf:F2}", $"{sf:F2}", Measure.Ratio(gf / sf), $"{gb:F2}", $"{sb:F2}", Measure.Ratio(gb / sb));
        }
        report.Note("paper (Wen & Yang, CUDA): simplex 9.4% less time in 2D gigapixel fitting, up to 41.2% faster in dense 3D; " +
                    "the training rows above use the fully fused MLP, whose share of the step still dilutes the encoding's ratio");
    }

    /// <summary>Median whole-step wall time (ms) of the same field trained with the fused and the per-layer MLP, alternating.</summary>
    private static (double FusedMs, double PerLayerMs) FusedVersusPerLayer(GpuContext gpu, NeuralFieldConfig config, ITrainingData data, int batch, int steps)
    {
        using var fusedField = NeuralField.Create(gpu, config);
        using var perLayerField = NeuralField.Create(gpu, config);
        fusedField.Network.Execution = MlpExecution.Fused;
        perLayerField.Network.Execution = MlpExecution.PerLayer;
        using var fused = new Trainer(fusedField, data, new TrainerOptions(batch));
        using var perLayer = new Trainer(perLayerField, data, new TrainerOptions(batch));
        var times = new[] { new List<double>(), new List<double>() };
        for (int s = 0; s <= steps; s++)
        {
            int k = 0;
            foreach (var trainer in new[] { fused, perLayer })
            {
                using var b = gpu.BeginBatch();
                var watch = Stopwatch.StartNew();
                trainer.RecordStep(b);
                b.Submit();
                if (s > 0) times[k].Add(watch.Elapsed.TotalMilliseconds);  // step 0 builds pipelines
                k++;
            }
        }
        static double Median(List<double> v) => v.Order().ElementAt(v.Count / 2);
        return (Median(times[0]), Median(times[1]));
    }

    private static (CaseResult Grid, CaseResult Simplex) Compare(GpuContext gpu, Func<EncodingKind, NeuralFieldConfig> config, ITrainingData data,
        int batch, int steps, Func<NeuralField, double> quality)
    {
        using var gridField = NeuralField.Create(gpu, config(EncodingKind.Grid));
        using var simplexField = NeuralField.Create(gpu, config(EncodingKind.Simplex));
        using var gridTrainer = new Trainer(gridField, data, new TrainerOptions(batch));
        using var simplexTrainer = new Trainer(simplexField, data, new TrainerOptions(batch));
        var samples = new Dictionary<EncodingKind, List<(double Wall, double Encode, double Backward, double Mlp)>> { [EncodingKind.Grid] = new(), [EncodingKind.Simplex] = new() };
        var regions = new Dictionary<EncodingKind, Dictionary<string, List<double>>> { [EncodingKind.Grid] = new(), [EncodingKind.Simplex] = new() };
        for (int s = 0; s < steps; s++)
        {
            foreach (var (kind, trainer) in new[] { (EncodingKind.Grid, gridTrainer), (EncodingKind.Simplex, simplexTrainer) })
            {
                using var b = gpu.BeginBatch();
                var watch = Stopwatch.StartNew();
                trainer.RecordStep(b);
                b.Submit();
                double wall = watch.Elapsed.TotalMilliseconds;
                double Region(string name) => b.Timings.Where(t => t.Region == name).Sum(t => t.Milliseconds);
                if (s == 0) continue;
                samples[kind].Add((wall, Region("encode"), Region("encode backward"), Region("mlp forward") + Region("mlp backward")));
                foreach (var name in StepRegions)
                {
                    if (!regions[kind].TryGetValue(name, out var list)) regions[kind][name] = list = new();
                    list.Add(Region(name));
                }
            }
        }
        CaseResult Summarise(EncodingKind kind, NeuralField field)
        {
            var list = samples[kind];
            static double Median(IEnumerable<double> v) { var a = v.Order().ToArray(); return a.Length == 0 ? double.NaN : a[a.Length / 2]; }
            return new CaseResult(Median(list.Select(x => x.Wall)), Median(list.Select(x => x.Encode)), Median(list.Select(x => x.Backward)),
                Median(list.Select(x => x.Mlp)), quality(field), regions[kind].ToDictionary(x => x.Key, x => Median(x.Value)), field.ParameterCount);
        }
        return (Summarise(EncodingKind.Grid, gridField), Summarise(EncodingKind.Simplex, simplexField));
    }

    /// <summary>Mirrors adam.comp's push block (40 bytes), to time its two kernel variants on identical work.</summary>
    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential)]
    private readonly record struct AdamPush(uint Count, uint Offset, float LearningRate, float Beta1, float Beta2, float Epsilon,
        float Correction1, float Correction2, uint ClearGradients, float WeightDecay);

    private static (double ScalarMs, double Vec4Ms) AdamKernels(GpuContext gpu, long n)
    {
        n &= ~3L;
        using var p = gpu.CreateBuffer<float>(n);
        using var g = gpu.CreateBuffer<float>(n);
        using var m = gpu.CreateBuffer<float>(n);
        using var v = gpu.CreateBuffer<float>(n);
        var scalar = gpu.GetKernel(new KernelSpec("adam_step", Buffers: 4, PushConstantBytes: 40));
        var vec4 = gpu.GetKernel(new KernelSpec("adam_step4", Buffers: 4, PushConstantBytes: 40));
        var push = new AdamPush((uint)n, 0, 1e-2f, 0.9f, 0.99f, 1e-15f, 10f, 100f, 1, 0f);
        var times = new[] { new List<double>(), new List<double>() };
        for (int run = 0; run < 8; run++)
        {
            using var b = gpu.BeginBatch();
            using (b.Time("scalar")) b.DispatchThreads(scalar, push, n, p, g, m, v);
            using (b.Time("vec4")) b.DispatchThreads(vec4, push with { Count = (uint)(n / 4) }, n / 4, p, g, m, v);
            b.Submit();
            if (run == 0) continue;
            times[0].Add(b.Timings.First(t => t.Region == "scalar").Milliseconds);
            times[1].Add(b.Timings.First(t => t.Region == "vec4").Milliseconds);
        }
        double M(List<double> x) => x.Order().ElementAt(x.Count / 2);
        return (M(times[0]), M(times[1]));
    }

    /// <summary>GPU time (ms) of evaluating <paramref name="count"/> random points: encoding kernel then MLP, and the fused kernel.</summary>
    private static (double UnfusedMs, double FusedMs) Inference(GpuContext gpu, NeuralFieldConfig config, int count)
    {
        using var field = NeuralField.Create(gpu, config);
        var rng = new Random(4);
        var points = new float[(long)count * field.InputDimensions];
        for (int i = 0; i < points.Length; i++) points[i] = (float)rng.NextDouble();
        using var p = gpu.CreateBuffer<float>(points);
        using var features = gpu.CreateBuffer<float>((long)count * field.Encoding.OutputDimensions);
        using var y = gpu.CreateBuffer<float>((long)count * field.OutputDimensions);
        using var workspace = new MlpWorkspace(gpu, field.Network.Config, count);
        var times = new[] { new List<double>(), new List<double>() };
        for (int run = 0; run < 6; run++)
        {
            using var b = gpu.BeginBatch();
            using (b.Time("unfused"))
            {
                field.Encoding.RecordForward(b, p, field.Parameters, features, count);
                // No workspace: inference mode (a workspace would make the MLP also store pre-activations for training).
                field.Network.RecordForward(b, field.Parameters, features, y, count, field.NetworkOffset);
            }
            using (b.Time("fused")) field.RecordEvaluate(b, p, features, y, count, workspace);
            b.Submit();
            if (run == 0) continue;
            times[0].Add(b.Timings.First(t => t.Region == "unfused").Milliseconds);
            times[1].Add(b.Timings.First(t => t.Region == "fused").Milliseconds);
        }
        double M(List<double> v) => v.Order().ElementAt(v.Count / 2);
        return (M(times[0]), M(times[1]));
    }

    private static (double GridForward, double GridBackward, double SimplexForward, double SimplexBackward) EncodingOnly(GpuContext gpu, HashEncodingConfig config, int count)
    {
        using var grid = new GridHashEncoding(gpu, config);
        using var simplex = new SimplexHashEncoding(gpu, config);
        var rng = new Random(3);
        var points = new float[count * config.Dimensions];
        for (int i = 0; i < points.Length; i++) points[i] = (float)rng.NextDouble();
        using var p = gpu.CreateBuffer<float>(points);
        var init = new float[grid.ParameterCount];
        grid.InitializeParameters(init);
        using var gridTables = gpu.CreateBuffer<float>(init);
        var sInit = new float[simplex.ParameterCount];
        simplex.InitializeParameters(sInit);
        using var simplexTables = gpu.CreateBuffer<float>(sInit);
        using var gridGrads = gpu.CreateBuffer<float>(grid.ParameterCount);
        using var simplexGrads = gpu.CreateBuffer<float>(simplex.ParameterCount);
        using var features = gpu.CreateBuffer<float>((long)count * config.OutputDimensions);
        var times = new List<double>[4] { new(), new(), new(), new() };
        for (int run = 0; run < 8; run++)
        {
            int k = 0;
            foreach (var (enc, tables, grads) in new (HashEncoding, GpuBuffer<float>, GpuBuffer<float>)[] { (grid, gridTables, gridGrads), (simplex, simplexTables, simplexGrads) })
            {
                using var b = gpu.BeginBatch();
                using (b.Time("forward")) enc.RecordForward(b, p, tables, features, count);
                using (b.Time("backward")) enc.RecordBackward(b, p, features, grads, count);
                b.Submit();
                if (run > 0)
                {
                    times[k].Add(b.Timings.First(t => t.Region == "forward").Milliseconds);
                    times[k + 1].Add(b.Timings.First(t => t.Region == "backward").Milliseconds);
                }
                k += 2;
            }
        }
        double M(List<double> v) => v.Order().ElementAt(v.Count / 2);
        return (M(times[0]), M(times[1]), M(times[2]), M(times[3]));
    }
}
