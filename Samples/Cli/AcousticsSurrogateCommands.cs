using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using FieldForge.Acoustics;
using FieldForge.Gpu;

namespace FieldForge.Cli;

/// <summary>The surrogate half of `./ff acoustics`: bake (dataset), train (DeepONet), predict (IR CSV).</summary>
internal static class AcousticsSurrogateCommands
{
    public static int Run(string sub, CliArgs args) => sub switch
    {
        "bake" => Bake(args),
        "train" => Train(args),
        "predict" => Predict(args),
        _ => throw new CliError($"unknown acoustics subcommand '{sub}' (simulate, auralize, bake, train, predict)"),
    };

    private static int Bake(CliArgs args)
    {
        var d = new SoundFieldDatasetSpec();
        var region = args.Doubles("region", 6);
        var spec = new SoundFieldDatasetSpec
        {
            Room = args.String("room", d.Room), Walls = args.String("wall", d.Walls),
            MaxFrequencyHz = args.Double("fmax", d.MaxFrequencyHz, 1, 1e6), PointsPerWavelength = args.Double("ppw", d.PointsPerWavelength, 2, 100),
            SpeedOfSound = args.Double("c", d.SpeedOfSound, 1, 10000),
            SigmaMetres = args.String("sigma") is null ? null : args.Double("sigma", 0, 1e-6, 100),
            Amplitude = args.Double("amplitude", 1, -1e9, 1e9),
            SourceMin = region is null ? d.SourceMin : region[..3], SourceMax = region is null ? d.SourceMax : region[3..],
            SourceCount = args.Int("sources", d.SourceCount, 1, 1_000_000), Seed = args.Int("seed", d.Seed),
            ReceiverSpacing = args.Double("receiver-spacing", d.ReceiverSpacing, 1e-3, 100),
            DurationSeconds = args.Double("duration", d.DurationSeconds, 1e-6, 60), OutputEvery = args.Int("output-every", d.OutputEvery, 1, 10000),
        }.Validate();
        var (shard, count) = ParseShard(args.String("shard", "0/1"));
        var dir = CliArgs.WritableFolder(args.Required("out"), "out");
        args.RejectUnknown();
        var room = spec.BuildRoom();
        AcousticsCommand.CheckPhysics(room, spec.Settings);
        CheckBakeMemory(room, spec);
        using var lease = CliGpu.Open(args); var gpu = lease.Context;
        FdtdSolver.CheckMemory(room, spec.Settings, gpu.DeviceInfo.MaxStorageBufferBytes);
        Console.WriteLine($"device: {gpu.DeviceInfo}");
        Console.WriteLine($"baking shard {shard}/{count} of {spec.SourceCount} sources in {room} into {dir}");
        var sw = Stopwatch.StartNew();
        var last = Stopwatch.StartNew();
        int simulated = SoundFieldDataset.Bake(gpu, dir, spec, shard, count, (done, total) =>
        {
            if (last.Elapsed.TotalSeconds < 2 && done < total) return;
            last.Restart();
            Console.WriteLine($"  {done}/{total} sources ({sw.Elapsed.TotalSeconds:F0} s)");
        });
        Console.WriteLine($"simulated {simulated} sources in {sw.Elapsed.TotalSeconds:F1} s ({(simulated > 0 ? sw.Elapsed.TotalSeconds / simulated : 0):F2} s each)");
        return 0;
    }

    /// <summary>Receivers x output times per source, the manifest listing every receiver, all estimated in 64-bit
    /// checked arithmetic before anything is simulated or any directory is claimed.</summary>
    private static void CheckBakeMemory(Room room, SoundFieldDatasetSpec spec)
    {
        var settings = spec.Settings;
        long receivers = Math.Max(1, room.CellCount(spec.ReceiverSpacing));
        double steps = Math.Ceiling(spec.DurationSeconds / settings.TimeStep);
        double outputs = Math.Floor(steps / spec.OutputEvery) + 1;
        double values = receivers * outputs;
        string what = FormattableString.Invariant($"--receiver-spacing {spec.ReceiverSpacing} m ({receivers:N0} receivers) x {outputs:N0} output times");
        if (values > int.MaxValue / 4)
            throw new CliError($"{what} = {values:G3} values per source, more than one record can hold ({int.MaxValue / 4:N0}); raise --receiver-spacing or --output-every");
        // The per-source recording (float), its copy on the way to disk, the manifest's receiver list (about 64 bytes each).
        CliArgs.CheckMemory(checked((long)values * 4 * 2 + receivers * 64), what);
    }

    private static (int, int) ParseShard(string s)
    {
        var p = s.Split('/');
        if (p.Length != 2 || !int.TryParse(p[0], out int i) || !int.TryParse(p[1], out int n) || n < 1 || i < 0 || i >= n)
            throw new CliError($"--shard must be i/N with 0 <= i < N, got '{s}'");
        return (i, n);
    }

    private static int Train(CliArgs args)
    {
        var dir = args.Required("data");
        var d = new SurrogateSettings();
        var settings = new SurrogateSettings
        {
            Modes = args.Int("modes", d.Modes, 1, 128), Steps = args.Int("steps", d.Steps, 0, 10_000_000),
            EncodingLevels = args.Int("levels", d.EncodingLevels, 1, 32), FinestResolution = (float)args.Double("finest", d.FinestResolution, 2, 1 << 20),
            Width = args.Int("width", d.Width, 8, 128), HiddenLayers = args.Int("layers", d.HiddenLayers, 1, 4),
            BatchSize = args.Int("batch", d.BatchSize, 1, 1 << 20), LearningRate = (float)args.Double("lr", d.LearningRate, 1e-8, 10),
            Seed = (uint)args.Int("seed", (int)d.Seed, 0),
        }.Validate();
        double holdout = args.Double("holdout", 0.1, 0, 0.9);
        var output = CliArgs.WritablePath(args.String("out", "surrogate.ffsg"), "out", ".ffsg");
        args.RejectUnknown();
        var data = SoundFieldDataset.Load(dir);
        int test = (int)Math.Round(data.Sources.Length * holdout);
        int train = data.Sources.Length - test;
        if (train < 2) throw new CliError($"--data {dir} holds {data.Sources.Length} sources; training needs at least 2 outside the held-out {holdout:P0}");
        using var lease = CliGpu.Open(args); var gpu = lease.Context;
        Console.WriteLine($"device: {gpu.DeviceInfo}");
        Console.WriteLine($"{data.Sources.Length} sources x {data.Receivers.Length} receivers x {data.Outputs} times; training on {train}, holding out {test}");
        var sw = Stopwatch.StartNew();
        using var model = SoundFieldSurrogate.Train(gpu, data, settings, Enumerable.Range(0, train).ToArray(), p => Console.WriteLine($"  {p}"));
        Console.WriteLine($"trained in {sw.Elapsed.TotalSeconds:F1} s");
        var (rmse, rms) = model.Evaluate(data, Enumerable.Range(0, train));
        Console.WriteLine(FormattableString.Invariant($"train RMSE {rmse:F4} Pa ({rmse / rms:P1} of the field RMS {rms:F4} Pa)"));
        if (test > 0)
        {
            (rmse, rms) = model.Evaluate(data, Enumerable.Range(train, test));
            Console.WriteLine(FormattableString.Invariant($"held-out RMSE {rmse:F4} Pa ({rmse / rms:P1} of the field RMS {rms:F4} Pa)"));
        }
        model.Save(output);
        Console.WriteLine($"-> {output}");
        return 0;
    }

    private static int Predict(CliArgs args)
    {
        var modelPath = args.Required("model");
        var s = args.Doubles("source", 3) ?? throw new CliError("--source x,y,z is required");
        var r = args.Doubles("receiver", 3) ?? throw new CliError("--receiver x,y,z is required");
        var output = CliArgs.WritablePath(args.String("out", "ir.csv"), "out", ".csv");
        args.RejectUnknown();
        using var lease = CliGpu.Open(args); var gpu = lease.Context;
        using var model = SoundFieldSurrogate.Load(gpu, modelPath);
        var source = new Vector3((float)s[0], (float)s[1], (float)s[2]);
        var (min, max) = model.SourceRegion;
        if (Vector3.Clamp(source, min, max) != source)
            throw new CliError($"--source {RoomGrid.Format(source)} is outside the trained source region {RoomGrid.Format(min)}..{RoomGrid.Format(max)}");
        var listener = new Vector3((float)r[0], (float)r[1], (float)r[2]);
        var ir = model.PredictImpulseResponse(source, listener);
        var sw = Stopwatch.StartNew();
        const int runs = 20;
        for (int i = 0; i < runs; i++) ir = model.PredictImpulseResponse(source, listener);
        double ms = sw.Elapsed.TotalMilliseconds / runs;
        ir.WriteCsv(output);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"device: {gpu.DeviceInfo}\n{ir.Samples.Length} samples ({ir.SampleRate:F0} Hz) predicted in {ms:F2} ms -> {output}"));
        return 0;
    }
}
