using FieldForge.Gpu;
using FieldForge.Neural;

namespace FieldForge.Bench;

/// <summary>`./ff bench parity`: why the simplex encoding fits 3D SDFs worse than the grid at equal steps. The skewed
/// simplex lattice has sqrt(n+1) times the grid's vertices per unit volume at the same level scale, so each level is
/// effectively finer and its hash table more crowded. The experiment trains the same SDF with the grid, with simplex at
/// the same scales, and with simplex at scales shrunk to match the grid's vertex density ((n+1)^(-1/2n)) and beyond,
/// over two seeds, and reports the held-out error of each.</summary>
public sealed class ParityBench : IBenchmark
{
    public string Name => "parity";

    public void Run(GpuContext gpu, BenchReport report, bool quick)
    {
        report.Section("Simplex vs grid 3D quality: level-scale experiment");
        int log2T = quick ? 15 : 17, batch = quick ? 1 << 12 : 1 << 13, steps = quick ? 40 : 80;
        float finest = quick ? 128 : 256;
        var sdf = SdfFitting.AnalyticShape("blob");
        var train = SdfFitting.SampleAnalytic(sdf, 1 << 16, 1);
        var heldOut = SdfFitting.SampleAnalytic(sdf, 8192, 2);
        using var data = train.ToTrainingData(gpu);
        double matched = Math.Pow(4, -1.0 / 6); // 3D: (n+1)^(-1/(2n)), equal vertices per unit volume
        var cases = new (string Name, EncodingKind Kind, double Scale)[]
        {
            ("grid", EncodingKind.Grid, 1), ("simplex, same scales", EncodingKind.Simplex, 1),
            ($"simplex, scales x{matched:F3} (matched vertex density)", EncodingKind.Simplex, matched),
            ("simplex, scales x0.630", EncodingKind.Simplex, 0.63),
            ("simplex, scales x0.500", EncodingKind.Simplex, 0.5),
            ("simplex, scales x0.400", EncodingKind.Simplex, 0.4),
            ("grid, scales x0.630 (control: does the grid gain too?)", EncodingKind.Grid, 0.63),
            ("grid, scales x0.500", EncodingKind.Grid, 0.5),
            ("grid, scales x0.400", EncodingKind.Grid, 0.4),
        };
        var table = report.Table($"3D blob SDF, L 16, F 2, T 2^{log2T}, Nmin 16 x scale, Nmax {finest} x scale, MLP 64x2, batch {batch}, {steps} steps: held-out mean |error|",
            "encoding", "seed 1", "seed 2", "mean", "/ grid");
        double gridMean = double.NaN;
        foreach (var (name, kind, scale) in cases)
        {
            var errors = new double[2];
            for (int seed = 0; seed < 2; seed++)
            {
                var baseConfig = SdfFitting.DefaultConfig(kind, finest, log2T);
                var hash = baseConfig.Hash with { BaseResolution = (float)(baseConfig.Hash.BaseResolution * scale), FinestResolution = (float)(finest * scale), Seed = (uint)(1337 + seed) };
                var config = baseConfig with { Hash = hash, Network = baseConfig.Network with { Seed = baseConfig.Network.Seed + (uint)seed } };
                using var field = NeuralField.Create(gpu, config);
                using var trainer = new Trainer(field, data, new TrainerOptions(batch));
                for (int s = 0; s < steps; s++) trainer.TrainStep();
                errors[seed] = SdfFitting.MeanAbsoluteError(field, heldOut);
            }
            double mean = errors.Average();
            if (kind == EncodingKind.Grid && scale == 1) gridMean = mean;
            table.Add(name, $"{errors[0]:F5}", $"{errors[1]:F5}", $"{mean:F5}", Measure.Ratio(mean / gridMean));
            Console.WriteLine($"  parity: {name}: {mean:F5}");
        }
    }
}
