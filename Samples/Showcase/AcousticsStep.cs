using System.Diagnostics;
using System.Numerics;
using FieldForge.Acoustics;
using FieldForge.Gpu;
using FieldForge.Rendering;

namespace FieldForge.Showcase;

/// <summary>Wave acoustics: an FDTD impulse response of a small room, and a synthesised dry signal auralised with it.</summary>
public sealed class AcousticsStep : IShowcaseStep
{
    public int Order => 40;
    public string Title => "Sound-field simulation and auralisation";

    public ShowcaseResult Run(GpuContext gpu, ShowcaseOptions options)
    {
        var summary = new List<string>();
        var room = Room.Parse(options.Quick ? "lshape:2x1.6x1.2,cut=1.2x0.9" : "lshape:3x2.5x2.2,cut=1.8x1.4").WithWalls(WallSpec.FromReflection(0.9));
        var settings = new FdtdSettings { MaxFrequencyHz = options.Quick ? 300 : 500 };
        double duration = options.Quick ? 0.05 : 0.2;
        var source = new Vector3(0.5f, 0.5f, 0.6f);
        var listener = options.Quick ? new Vector3(0.6f, 1.3f, 0.6f) : new Vector3(0.8f, 2.1f, 1.2f); // around the L's corner
        var sw = Stopwatch.StartNew();
        using var solver = new FdtdSolver(gpu, room, settings);
        var rec = solver.Simulate(source, new[] { listener }, duration);
        double simS = sw.Elapsed.TotalSeconds;
        var ir = rec.ToImpulseResponse();
        Directory.CreateDirectory(options.OutputDirectory);
        ir.WriteCsv(Path.Combine(options.OutputDirectory, "ir.csv"));
        double updates = (double)solver.Grid.CellCount * solver.Step;
        summary.Add(FormattableString.Invariant($"FDTD: {room}, grid {solver.Grid}, {solver.Step} steps ({duration * 1000:F0} ms of sound) in {simS:F2} s = {updates / simS / 1e6:F1} M cell updates/s"));
        int peak = Array.IndexOf(ir.Samples, ir.Samples.Skip(1).Max());
        summary.Add(FormattableString.Invariant($"IR at the listener around the corner: {ir.Samples.Length} samples at {ir.SampleRate:F0} Hz, first arrival peak {ir.Samples[peak]:F4} Pa at {peak / ir.SampleRate * 1000:F2} ms (direct distance {Vector3.Distance(source, listener):F2} m)"));

        var t = Enumerable.Range(0, ir.Samples.Length).Select(n => (float)(n / ir.SampleRate * 1000)).ToArray();
        PlotRenderer.SavePng(new LinePlot($"Impulse response at the listener, {room.Description}", "time (ms)", "pressure (Pa)", new[] { new PlotLine("FDTD", t, ir.Samples) }),
            Path.Combine(options.OutputDirectory, "impulse_response.png"));

        // Dry signal: clicks and a short tone burst, synthesised (no downloads).
        int rate = 44100, length = (int)(rate * (options.Quick ? 0.5 : 2.0));
        var dry = new float[length];
        for (int click = 0; click < 4; click++)
        {
            int at = (int)(rate * (0.05 + 0.25 * click));
            for (int i = 0; i < 200 && at + i < length; i++) dry[at + i] += (float)(0.8 * Math.Exp(-i / 20.0) * Math.Sin(2 * Math.PI * 1200 * i / rate));
        }
        int burst = (int)(rate * 0.3);
        for (int i = 0; i < rate / 5 && burst + i < length; i++)
            dry[burst + i] += (float)(0.4 * Math.Sin(Math.PI * i / (rate / 5.0)) * Math.Sin(2 * Math.PI * 220 * i / rate));
        var dryWav = new WavFile(rate, new[] { dry });
        dryWav.Write(Path.Combine(options.OutputDirectory, "dry.wav"));
        sw.Restart();
        var wet = ir.Auralize(dryWav, blockSize: 512);
        wet.Write(Path.Combine(options.OutputDirectory, "wet.wav"));
        summary.Add(FormattableString.Invariant($"auralised {length / (double)rate:F1} s of synthesised clicks + tone through the IR (resampled to {rate} Hz, partitioned FFT convolution, 512-sample blocks) in {sw.Elapsed.TotalMilliseconds:F0} ms"));
        if (!options.Quick) summary.AddRange(Surrogate(gpu));
        return new ShowcaseResult(new[] { "ir.csv", "impulse_response.png", "dry.wav", "wet.wav" }, summary);
    }

    // A small DeepONet end to end: bake FDTD fields for 32 sources, train, predict an unseen source's IR.
    private static IEnumerable<string> Surrogate(GpuContext gpu)
    {
        var spec = new SoundFieldDatasetSpec
        {
            Room = "box:1.2x1x0.8", SourceMin = [0.3, 0.3, 0.3], SourceMax = [0.9, 0.7, 0.5], SourceCount = 32,
            ReceiverSpacing = 0.2, DurationSeconds = 0.01,
        };
        var dir = Path.Combine(Path.GetTempPath(), $"ff-showcase-acoustics-{Environment.ProcessId}");
        try
        {
            var sw = Stopwatch.StartNew();
            SoundFieldDataset.Bake(gpu, dir, spec);
            var data = SoundFieldDataset.Load(dir);
            double bakeS = sw.Elapsed.TotalSeconds;
            sw.Restart();
            using var model = SoundFieldSurrogate.Train(gpu, data, new SurrogateSettings { Modes = 16, Width = 32, Steps = 500 }, Enumerable.Range(0, 28).ToArray());
            double trainS = sw.Elapsed.TotalSeconds;
            var (rmse, rms) = model.MeasureError(data, Enumerable.Range(28, 4));
            var source = new Vector3(0.55f, 0.45f, 0.42f);
            var listener = new Vector3(0.85f, 0.62f, 0.35f);
            model.PredictImpulseResponse(source, listener);
            sw.Restart();
            var predicted = model.PredictImpulseResponse(source, listener);
            double inferMs = sw.Elapsed.TotalMilliseconds;
            using var solver = new FdtdSolver(gpu, spec.BuildRoom(), spec.Settings);
            sw.Restart();
            var reference = solver.Simulate(source, new[] { listener }, spec.DurationSeconds, spec.OutputEvery).Series(0);
            double simMs = sw.Elapsed.TotalMilliseconds;
            double err = Math.Sqrt(reference.Zip(predicted.Samples, (a, b) => (double)(a - b) * (a - b)).Average());
            return new[]
            {
                FormattableString.Invariant($"DeepONet surrogate ({spec.Room}): baked 32 sources x {data.Receivers.Length} receivers x {data.Outputs} times in {bakeS:F1} s, trained {model.Modes}-mode POD trunk + simplex-hash branch in {trainS:F1} s"),
                FormattableString.Invariant($"held-out sources: RMSE {rmse:F4} Pa ({rmse / rms:P1} of the field RMS); new source IR predicted in {inferMs:F2} ms vs {simMs:F0} ms FDTD (RMSE {err:F4} Pa)"),
            };
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }
}
