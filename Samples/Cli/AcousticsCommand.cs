using System.Diagnostics;
using System.Numerics;
using FieldForge.Acoustics;
using FieldForge.Gpu;

namespace FieldForge.Cli;

/// <summary>`./ff acoustics simulate|auralize|bake|train|predict`: the FDTD reference solver, auralisation and the
/// DeepONet surrogate from the command line.</summary>
public sealed class AcousticsCommand : ICommand
{
    public string Verb => "acoustics";
    public string Summary => "sound-field solver (FDTD), surrogate (bake/train/predict), auralisation";

    public int Run(CliArgs args)
    {
        var sub = args.Positional.Count > 0 ? args.Positional[0] : throw new CliError("acoustics needs a subcommand: simulate, auralize, bake, verify, train or predict");
        try
        {
            return sub switch
            {
                "simulate" => Simulate(args),
                "auralize" or "auralise" => Auralize(args),
                _ => AcousticsSurrogateCommands.Run(sub, args),
            };
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidDataException or FileNotFoundException)
        {
            throw new CliError(OneLine(e));
        }
    }

    internal static string OneLine(Exception e) => CliProgram.OneLine(e);

    /// <summary>Reads the solver options every subcommand shares.</summary>
    internal static (Room Room, FdtdSettings Settings) ReadSolverOptions(CliArgs args)
    {
        double c = args.Double("c", 343, 1, 10000);
        var room = Room.Parse(args.String("room", "box:4x3x2.5")).WithWalls(args.String("wall", "rigid"), 1.2, c);
        var settings = new FdtdSettings
        {
            MaxFrequencyHz = args.Double("fmax", 500, 1, 1e6),
            PointsPerWavelength = args.Double("ppw", 10.5, 2, 100),
            SpeedOfSound = c,
            SigmaMetres = args.String("sigma") is null ? null : args.Double("sigma", 0, 1e-6, 100),
            Amplitude = args.Double("amplitude", 1, -1e9, 1e9),
        }.Validate();
        CheckPhysics(room, settings);
        return (room, settings);
    }

    /// <summary>Points per wavelength below this make the FDTD dispersion error so large the result means nothing.</summary>
    internal const double MinPointsPerWavelength = 4;
    /// <summary>A pulse narrower than this (in cells) is not sampled by the grid: the source injects nothing.</summary>
    internal const double MinSigmaCells = 0.5;
    /// <summary>A room resolved by fewer cells than this is not a room but a handful of voxels.</summary>
    internal const long MinCells = 125;

    /// <summary>Refuses settings that run but simulate nothing meaningful (an all-zero IR, a room of four cells).</summary>
    internal static void CheckPhysics(Room room, FdtdSettings settings)
    {
        if (settings.PointsPerWavelength < MinPointsPerWavelength)
            throw new CliError(FormattableString.Invariant($"--ppw {settings.PointsPerWavelength} is below {MinPointsPerWavelength} points per wavelength: the grid cannot carry fmax (use 8..12)"));
        double cells = settings.Sigma / settings.Spacing;
        if (cells < MinSigmaCells)
            throw new CliError(FormattableString.Invariant($"--sigma {settings.Sigma:G3} m is {cells:G2} cells wide (cell {settings.Spacing:G3} m); a pulse under {MinSigmaCells} cells injects nothing, use at least {MinSigmaCells * settings.Spacing:G3} m"));
        long count = room.CellCount(settings.Spacing);
        if (count < MinCells)
            throw new CliError(FormattableString.Invariant($"{room.Description} is only {count} cells at {settings.Spacing:G3} m spacing (fmax {settings.MaxFrequencyHz} Hz, ppw {settings.PointsPerWavelength}); at least {MinCells} are needed, raise --fmax or --ppw"));
    }

    internal static Vector3 Point(CliArgs args, string name, Room room, double[]? fallback = null)
    {
        var v = args.Doubles(name, 3) ?? fallback ?? throw new CliError($"--{name} x,y,z is required");
        var p = new Vector3((float)v[0], (float)v[1], (float)v[2]);
        if (!room.Contains(p)) throw new CliError($"--{name} {RoomGrid.Format(p)} is outside the room {room.Description}");
        return p;
    }

    private static int Simulate(CliArgs args)
    {
        var (room, settings) = ReadSolverOptions(args);
        var source = Point(args, "source", room);
        var receiver = Point(args, "receiver", room);
        double duration = args.Double("duration", 0.05, 0, 60);
        var output = CliArgs.WritablePath(args.String("out", "ir.csv"), "out", ".csv");
        args.RejectUnknown();

        using var lease = CliGpu.Open(args); var gpu = lease.Context;
        FdtdSolver.CheckMemory(room, settings, gpu.DeviceInfo.MaxStorageBufferBytes, gpu.DeviceInfo.MaxTexelBufferElements);
        Console.WriteLine($"device: {gpu.DeviceInfo}");
        var sw = Stopwatch.StartNew();
        using var solver = new FdtdSolver(gpu, room, settings);
        Console.WriteLine(FormattableString.Invariant($"room {room}: grid {solver.Grid}, dt {solver.TimeStep * 1e6:F2} us, sigma {settings.Sigma:F3} m ({settings.Sigma / settings.Spacing:F1} cells)"));
        var snapping = solver.Snapping;
        Console.WriteLine($"simulated room after snapping the walls to the grid: {snapping}");
        if (snapping.Warning is { } warning) Console.Error.WriteLine($"warning: {warning}");
        if (!solver.Grid.ContainsPoint(source)) throw new CliError($"--source {RoomGrid.Format(source)} falls in a wall cell at this resolution");
        var lastReport = Stopwatch.StartNew();
        var rec = solver.Simulate(source, new[] { receiver }, duration, 1, (done, total) =>
        {
            if (lastReport.Elapsed.TotalSeconds < 1 && done < total) return;
            lastReport.Restart();
            Console.WriteLine($"  step {done}/{total} ({100.0 * done / Math.Max(total, 1):F0}%)");
        });
        double seconds = sw.Elapsed.TotalSeconds;
        rec.ToImpulseResponse().WriteCsv(output, new[]
        {
            FormattableString.Invariant($"FieldForge FDTD impulse response: room {room.Description} ({room.Walls} walls), fmax {settings.MaxFrequencyHz} Hz, grid {solver.Grid}"),
            $"simulated room (walls snapped to the grid): {snapping}",
            FormattableString.Invariant($"source {RoomGrid.Format(source)}, receiver {RoomGrid.Format(receiver)}"),
        });
        double updates = (double)solver.Grid.CellCount * solver.Step;
        Console.WriteLine(FormattableString.Invariant($"{rec.Outputs} samples ({1 / rec.OutputInterval:F0} Hz) -> {output}; {seconds:F2} s, {updates / seconds / 1e6:F1} M cell updates/s"));
        return 0;
    }

    private const double MaxImpulseSeconds = 60;

    private static int Auralize(CliArgs args)
    {
        if (args.String("model") is not null) return AuralizeMoving(args);
        var irPath = args.Required("ir");
        var dryPath = args.Required("dry");
        var output = CliArgs.WritablePath(args.String("out", "wet.wav"), "out", ".wav");
        var format = args.String("format", "pcm16") switch
        {
            "pcm16" => WavSampleFormat.Pcm16,
            "float32" => WavSampleFormat.Float32,
            var f => throw new CliError($"--format must be pcm16 or float32, got '{f}'"),
        };
        int block = args.Int("block", 512, 16, 65536);
        args.RejectUnknown();
        var ir = ImpulseResponse.ReadCsv(irPath);
        if (ir.Duration > MaxImpulseSeconds)
            throw new CliError(FormattableString.Invariant($"--ir {irPath} spans {ir.Duration:G4} s (rows {1 / ir.SampleRate:G4} s apart); a room response longer than {MaxImpulseSeconds} s is not an impulse response"));
        var dry = WavFile.Read(dryPath);
        // The IR resampled to the dry rate, its partition spectra (complex, zero-padded: 4x), and the wet output per channel.
        long irFrames = checked((long)Math.Ceiling(ir.Duration * dry.SampleRate) + 1);
        long wetFrames = checked(dry.Length + irFrames);
        CliArgs.CheckMemory(checked(irFrames * 4 * 5 + wetFrames * 4 * 2 * dry.Channels.Length), $"auralizing {dry.Length:N0} frames with a {ir.Duration:G4} s IR");
        var sw = Stopwatch.StartNew();
        var wet = ir.Auralize(dry, block);
        wet.Write(output, format);
        Console.WriteLine(FormattableString.Invariant($"IR {ir.Samples.Length} samples at {ir.SampleRate:F0} Hz resampled to {dry.SampleRate} Hz; {dry.Channels.Length} channel(s), {dry.Length} -> {wet.Length} frames in {sw.Elapsed.TotalMilliseconds:F0} ms -> {output}"));
        return 0;
    }

    // --model M --path "a -> b" --seconds S: a source walking the path, its IR predicted by the surrogate as it moves.
    private static int AuralizeMoving(CliArgs args)
    {
        var modelPath = args.Required("model");
        var pathText = args.Required("path");
        double seconds = args.Double("seconds", 4, 0.01, 3600);
        var dryPath = args.Required("dry");
        var output = CliArgs.WritablePath(args.String("out", "wet.wav"), "out", ".wav");
        int block = args.Int("block", 256, 16, 65536);
        int every = args.Int("update-every", 1, 1, 1_000_000);
        var listenerArg = args.Doubles("listener", 3);
        var format = args.String("format", "pcm16") switch
        {
            "pcm16" => WavSampleFormat.Pcm16,
            "float32" => WavSampleFormat.Float32,
            var f => throw new CliError($"--format must be pcm16 or float32, got '{f}'"),
        };
        args.RejectUnknown();
        var path = SourcePath.Parse(pathText, seconds);
        var dryWav = WavFile.Read(dryPath);
        // The looped mono dry signal, the wet output and its WAV bytes, all seconds x rate long.
        long pathFrames = checked((long)Math.Ceiling(seconds * dryWav.SampleRate));
        if (pathFrames > int.MaxValue) throw new CliError($"--seconds {seconds} at {dryWav.SampleRate} Hz is {pathFrames:N0} frames, more than one WAV holds");
        CliArgs.CheckMemory(checked(pathFrames * 4 * 3), $"a {seconds} s moving-source render at {dryWav.SampleRate} Hz");
        using var lease = CliGpu.Open(args); var gpu = lease.Context;
        using var model = SoundFieldSurrogate.Load(gpu, modelPath);
        var (min, max) = model.SourceRegion;
        foreach (var p in path.Points)
            if (Vector3.Clamp(p, min - new Vector3(1e-4f), max + new Vector3(1e-4f)) != p)
                throw new CliError($"--path point {RoomGrid.Format(p)} is outside the trained source region {RoomGrid.Format(min)}..{RoomGrid.Format(max)}");
        // Default listener: the receiver nearest the middle of the receiver grid.
        var centre = model.Receivers.Aggregate(Vector3.Zero, (a, r) => a + r) / model.Receivers.Length;
        var listener = listenerArg is { } l ? new Vector3((float)l[0], (float)l[1], (float)l[2]) : model.Receivers.MinBy(r => Vector3.DistanceSquared(r, centre));
        // A point source is mono: mix the channels down, loop the dry signal to the path's length.
        int frames = (int)Math.Round(seconds * dryWav.SampleRate);
        var dry = new float[frames];
        for (int i = 0; i < frames; i++)
        {
            float sum = 0;
            foreach (var c in dryWav.Channels) sum += c[i % dryWav.Length];
            dry[i] = sum / dryWav.Channels.Length;
        }
        Console.WriteLine($"device: {gpu.DeviceInfo}");
        var sw = Stopwatch.StartNew();
        var render = MovingSourceRenderer.Render(model, listener, dry, dryWav.SampleRate, path, block, every);
        double renderS = sw.Elapsed.TotalSeconds;
        float peak = render.Wet.Max(MathF.Abs);
        if (peak > 0)
            for (int i = 0; i < render.Wet.Length; i++) render.Wet[i] *= 0.9f / peak;
        new WavFile(dryWav.SampleRate, new[] { render.Wet }).Write(output, format);
        Console.WriteLine(FormattableString.Invariant($"source path {path} ({path.Length:F2} m in {seconds:F2} s), listener {RoomGrid.Format(listener)}, {dryWav.SampleRate} Hz, {block}-sample blocks"));
        Console.WriteLine(FormattableString.Invariant($"{render.Updates} IR updates ({render.MeanUpdateMilliseconds:F2} ms each: surrogate + resample + FFTs), {render.CallbackAllocatedBytes} bytes allocated in audio calls; rendered in {renderS:F2} s ({seconds / renderS:F1}x real time) -> {output}"));
        return 0;
    }
}
