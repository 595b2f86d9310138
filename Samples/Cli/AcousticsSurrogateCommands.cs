using FieldForge.Core;
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
        "verify" => Verify(args),
        _ => throw new CliError($"unknown acoustics subcommand '{sub}' (simulate, auralize, bake, verify, train, predict)"),
    };

    // Options that define the dataset; with none of them, bake continues the spec stored in --out's manifest.
    private static readonly string[] SpecOptions =
        ["room", "wall", "fmax", "ppw", "c", "sigma", "amplitude", "region", "sources", "seed", "receiver-spacing", "duration", "output-every"];

    private static int Bake(CliArgs args)
    {
        var dir = args.Required("out");
        bool fromManifest = SpecOptions.All(o => args.String(o) is null) && File.Exists(Path.Combine(dir, "manifest.json"));
        var spec = fromManifest ? SoundFieldDataset.ReadSpec(dir) : ReadSpec(args);
        var emit = args.String("emit-slurm");
        if (emit is not null) return EmitSlurm(args, spec, dir, emit);
        int? shards = args.String("shards") is null ? null : args.Int("shards", 1, 1, 999);
        BakeShard shard;
        try { shard = BakeShard.Resolve(args.String("shard"), shards); }
        catch (ArgumentException e) { throw new CliError(e.Message); }
        args.RejectUnknown();
        dir = CliArgs.WritableFolder(dir, "out");
        var room = spec.BuildRoom();
        AcousticsCommand.CheckPhysics(room, spec.Settings);
        CheckBakeMemory(room, spec);
        using var lease = CliGpu.Open(args); var gpu = lease.Context;
        FdtdSolver.CheckMemory(room, spec.Settings, gpu.DeviceInfo.MaxStorageBufferBytes, gpu.DeviceInfo.MaxTexelBufferElements);
        Console.WriteLine($"device: {gpu.DeviceInfo}");
        Console.WriteLine($"baking {shard} of {spec.SourceCount} sources in {room} into {dir}{(fromManifest ? " (spec from its manifest)" : "")}");
        var sw = Stopwatch.StartNew();
        var last = Stopwatch.StartNew();
        int simulated = SoundFieldDataset.Bake(gpu, dir, spec, shard.Index, shard.Count, (done, total) =>
        {
            if (last.Elapsed.TotalSeconds < 2 && done < total) return;
            last.Restart();
            Console.WriteLine($"  {done}/{total} sources ({sw.Elapsed.TotalSeconds:F0} s)");
        });
        Console.WriteLine($"simulated {simulated} sources in {sw.Elapsed.TotalSeconds:F1} s ({(simulated > 0 ? sw.Elapsed.TotalSeconds / simulated : 0):F2} s each)");
        return 0;
    }

    private static SoundFieldDatasetSpec ReadSpec(CliArgs args)
    {
        var d = new SoundFieldDatasetSpec();
        var region = args.Doubles("region", 6);
        return new SoundFieldDatasetSpec
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
    }

    // --emit-slurm N: a ready sbatch array script whose every task runs this bake with its shard from SLURM_ARRAY_TASK_ID.
    private static int EmitSlurm(CliArgs args, SoundFieldDatasetSpec spec, string dir, string tasksText)
    {
        if (!int.TryParse(tasksText, NumberStyles.Integer, CultureInfo.InvariantCulture, out int tasks) || tasks is < 1 or > 999)
            throw new CliError($"--emit-slurm needs the number of array tasks (shards), 1..999, got '{tasksText}'");
        var room = spec.BuildRoom();
        var outDir = Path.GetFullPath(dir);
        var script = Path.GetFullPath(args.String("script", Path.Combine(outDir, "bake.sbatch")));
        long estimateMiB = FdtdSolver.EstimateBytes(room, spec.Settings) >> 20;
        var job = new SlurmArrayJob
        {
            Tasks = tasks,
            BakeCommand = $"{args.String("ff-command", DefaultCommand())} acoustics bake {SpecArguments(spec)} --out {SlurmArrayJob.Quote(outDir)}",
            LogDirectory = Path.Combine(outDir, "logs"),
            WorkingDirectory = Environment.CurrentDirectory,
            JobName = args.String("slurm-job-name", "ff-bake"),
            CpusPerTask = args.Int("slurm-cpus", 2, 1, 1024),
            MemoryMiB = args.Int("slurm-mem", (int)Math.Min(int.MaxValue, 1024 + 2 * estimateMiB), 64),
            TimeLimitMinutes = args.Int("slurm-time", 240, 1),
            GpusPerTask = args.Int("slurm-gpus", 0, 0, 64),
            Partition = args.String("slurm-partition"),
            MaxConcurrent = args.String("slurm-max-concurrent") is null ? null : args.Int("slurm-max-concurrent", 1, 1),
            MaxRequeues = args.Int("slurm-requeues", 3, 0, 100),
        };
        args.RejectUnknown();
        string text;
        try { text = job.Render(); }
        catch (ArgumentException e) { throw new CliError(AcousticsCommand.OneLine(e)); }
        SoundFieldDataset.Prepare(outDir, spec); // the manifest now, so verify sees the dataset before any task runs
        Directory.CreateDirectory(job.LogDirectory);
        Directory.CreateDirectory(Path.GetDirectoryName(script)!);
        AtomicFile.WriteAllText(script, text);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(script, File.GetUnixFileMode(script) | UnixFileMode.UserExecute | UnixFileMode.GroupExecute);
        Console.WriteLine($"wrote {script}: a {tasks}-task array baking {spec.SourceCount} sources in {room.Description} into {outDir}");
        Console.WriteLine($"  per task: {job.CpusPerTask} CPUs, {job.MemoryMiB} MiB, {job.TimeLimitMinutes} min{(job.GpusPerTask > 0 ? $", {job.GpusPerTask} GPU(s)" : "")}; logs in {job.LogDirectory}");
        Console.WriteLine($"submit:  sbatch {script}");
        Console.WriteLine($"check:   ./ff acoustics verify {outDir}");
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

    // Every field of the spec spelled out, so each task bakes exactly this spec whatever the defaults become.
    private static string SpecArguments(SoundFieldDatasetSpec s)
    {
        static string N(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        var words = new List<string>
        {
            "--room", s.Room, "--wall", s.Walls, "--fmax", N(s.MaxFrequencyHz), "--ppw", N(s.PointsPerWavelength), "--c", N(s.SpeedOfSound),
            "--amplitude", N(s.Amplitude), "--region", string.Join(",", s.SourceMin.Concat(s.SourceMax).Select(N)),
            "--sources", s.SourceCount.ToString(CultureInfo.InvariantCulture), "--seed", s.Seed.ToString(CultureInfo.InvariantCulture),
            "--receiver-spacing", N(s.ReceiverSpacing), "--duration", N(s.DurationSeconds), "--output-every", s.OutputEvery.ToString(CultureInfo.InvariantCulture),
        };
        if (s.SigmaMetres is { } sigma) words.AddRange(["--sigma", N(sigma)]);
        return string.Join(" ", words.Select(SlurmArrayJob.Quote));
    }

    // How a task starts this CLI: its own executable when run through the apphost, else `dotnet FieldForge.Cli.dll`.
    private static string DefaultCommand()
    {
        var process = Environment.ProcessPath ?? "dotnet";
        var dll = typeof(AcousticsSurrogateCommands).Assembly.Location;
        return Path.GetFileNameWithoutExtension(process) == "dotnet"
            ? $"{SlurmArrayJob.Quote(process)} {SlurmArrayJob.Quote(dll)}"
            : SlurmArrayJob.Quote(process);
    }

    private static int Verify(CliArgs args)
    {
        var dir = args.Positional.Count > 1 ? args.Positional[1] : args.String("data") ?? throw new CliError("verify needs the dataset directory: ./ff acoustics verify DATASET");
        int? shards = args.String("shards") is null ? null : args.Int("shards", 1, 1, 999);
        args.RejectUnknown();
        var report = SoundFieldDataset.Verify(dir, shards);
        Console.WriteLine(report.Describe());
        if (report.IsComplete) return 0;
        if (report.ShardCount > 0)
        {
            var list = string.Join(",", report.ShardsToRerun);
            var script = Path.Combine(dir, "bake.sbatch");
            Console.WriteLine(File.Exists(script) ? $"re-run: sbatch --array={list} {script}" : $"re-run: ./ff acoustics bake --out {dir} --shard I/{report.ShardCount} for I in {list}");
        }
        return 1;
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
        bool allowDamaged = args.Flag("allow-damaged");
        args.RejectUnknown();
        var data = SoundFieldDataset.Load(dir);
        if (data.Damaged.Count > 0)
        {
            long slots = data.Damaged.Sum(d => d.Slots);
            if (!allowDamaged)
                throw new CliError($"--data {dir}: {slots} damaged record(s), first: {data.Damaged[0]}; run bake again to re-simulate them, or pass --allow-damaged to train on the {data.Sources.Length} intact sources");
            Console.Error.WriteLine($"warning: skipping {slots} damaged record(s) ({string.Join("; ", data.Damaged.Take(3))}); training on {data.Sources.Length} of {data.Spec.SourceCount} sources");
        }
        int test = (int)Math.Round(data.Sources.Length * holdout);
        int train = data.Sources.Length - test;
        if (train < 2) throw new CliError($"--data {dir} holds {data.Sources.Length} sources; training needs at least 2 outside the held-out {holdout:P0}");
        using var lease = CliGpu.Open(args); var gpu = lease.Context;
        Console.WriteLine($"device: {gpu.DeviceInfo}");
        Console.WriteLine($"{data.Sources.Length} sources x {data.Receivers.Length} receivers x {data.Outputs} times; training on {train}, holding out {test}");
        var sw = Stopwatch.StartNew();
        using var model = SoundFieldSurrogate.Train(gpu, data, settings, Enumerable.Range(0, train).ToArray(), p => Console.WriteLine($"  {p}"));
        Console.WriteLine($"trained in {sw.Elapsed.TotalSeconds:F1} s");
        var (rmse, rms) = model.MeasureError(data, Enumerable.Range(0, train));
        Console.WriteLine(FormattableString.Invariant($"train RMSE {rmse:F4} Pa ({rmse / rms:P1} of the field RMS {rms:F4} Pa)"));
        if (test > 0)
        {
            (rmse, rms) = model.MeasureError(data, Enumerable.Range(train, test));
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
