using System.Diagnostics;
using System.Numerics;
using FieldForge.Acoustics;
using FieldForge.Gpu;
using FieldForge.Rendering;

namespace FieldForge.Showcase;

/// <summary>
/// A source walking around the corner of an L-shaped room, heard at a listener in the other arm: bake FDTD fields for
/// sources over the floor plan, train the DeepONet surrogate, plot the direct-path level along the walk (the corner's
/// diffraction shadow against the free-field 1/r law, with FDTD spot checks), and render the walk to a WAV with the
/// streaming, cross-faded moving-source renderer.
/// </summary>
public sealed class MovingSourceStep : IShowcaseStep
{
    public int Order => 41;
    public string Title => "A moving source around the corner of an L-shaped room (surrogate + streaming auralisation)";

    public ShowcaseResult Run(GpuContext gpu, ShowcaseOptions options)
    {
        bool quick = options.Quick;
        // Room [0,lx]x[0,ly]x[0,lz] minus the corner x > cx, y > cy. Sources on the horizontal plane z = lz/2.
        double lx = quick ? 2.4 : 4, ly = quick ? 1.8 : 3, lz = quick ? 0.5 : 0.6, cx = lx / 2, cy = ly / 2;
        float z = (float)(lz / 2);
        var listener = new Vector3((float)(cx + 0.7 * (lx - cx)), (float)(0.5 * cy), z);
        var walk = new[]
        {
            new Vector3((float)(0.5 * cx), (float)(cy + 0.75 * (ly - cy)), z), // deep in the other arm: no line of sight
            new Vector3((float)(0.5 * cx), (float)(0.5 * cy), z),              // the corner
            new Vector3((float)(cx + 0.3 * (lx - cx)), (float)(0.5 * cy), z),  // in the listener's arm
        };
        var spec = new SoundFieldDatasetSpec
        {
            Room = FormattableString.Invariant($"lshape:{lx}x{ly}x{lz},cut={cx}x{cy}"), Walls = "R=0.7",
            MaxFrequencyHz = quick ? 350 : 500, SourceMin = [0.3 * cx, 0.3 * cy, z], SourceMax = [cx + 0.4 * (lx - cx), cy + 0.85 * (ly - cy), z],
            SourceCount = quick ? 48 : 160, ReceiverSpacing = quick ? 0.3 : 0.25, DurationSeconds = quick ? 0.03 : 0.06, OutputEvery = 2,
        };
        var settings = quick
            ? new SurrogateSettings { Modes = 16, EncodingLevels = 2, FinestResolution = 4, Width = 32, HiddenLayers = 1, Steps = 400, FinalLearningRate = 1e-3f }
            : new SurrogateSettings { Modes = 48, EncodingLevels = 3, FinestResolution = 8, Width = 64, HiddenLayers = 2, Steps = 2000 };
        var summary = new List<string>();
        var dir = Path.Combine(Path.GetTempPath(), $"ff-showcase-moving-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            var sw = Stopwatch.StartNew();
            SoundFieldDataset.Bake(gpu, dir, spec);
            var data = SoundFieldDataset.Load(dir);
            double bakeS = sw.Elapsed.TotalSeconds;
            int held = data.Sources.Length / 8, train = data.Sources.Length - held;
            sw.Restart();
            using var model = SoundFieldSurrogate.Train(gpu, data, settings, Enumerable.Range(0, train).ToArray());
            double trainS = sw.Elapsed.TotalSeconds;
            var (rmse, rms) = model.MeasureError(data, Enumerable.Range(train, held));
            summary.Add(FormattableString.Invariant($"{spec.Room} (walls {spec.Walls}, fmax {spec.MaxFrequencyHz} Hz): baked {data.Sources.Length} sources x {data.Receivers.Length} receivers x {data.Outputs} times in {bakeS:F1} s, trained in {trainS:F1} s; held-out RMSE {rmse:F4} Pa ({rmse / rms:P1} of the field RMS) at a 1 Pa pulse"));

            // Direct-path level along the walk: the IR's peak around the direct arrival time d/c.
            var room = spec.BuildRoom();
            var path = new SourcePath(walk, quick ? 1.5 : 4);
            double c = spec.SpeedOfSound, sigma = spec.Settings.Sigma;
            int points = quick ? 25 : 49;
            var along = new float[points];
            var level = new float[points];
            var visible = new bool[points];
            for (int i = 0; i < points; i++)
            {
                double t = path.DurationSeconds * i / (points - 1);
                var s = path.PositionAt(t);
                along[i] = (float)path.DistanceAt(t);
                level[i] = DirectLevel(model.PredictImpulseResponse(s, listener), Vector3.Distance(s, listener), c, sigma);
                visible[i] = LineOfSight(room, s, listener);
            }
            // FDTD spot checks at a few positions (the surrogate must agree with the solver it learned from).
            using var solver = new FdtdSolver(gpu, room, spec.Settings);
            var checks = Enumerable.Range(0, quick ? 3 : 7).Select(k => k * (points - 1) / (quick ? 2 : 6)).ToArray();
            var fdtdLevel = checks.Select(i =>
            {
                var s = path.PositionAt(path.DurationSeconds * i / (points - 1));
                var ir = solver.Simulate(s, new[] { listener }, spec.DurationSeconds, spec.OutputEvery).ToImpulseResponse();
                return DirectLevel(ir, Vector3.Distance(s, listener), c, sigma);
            }).ToArray();
            // Free field: level ∝ 1/r, anchored at the visible position nearest the listener.
            int anchor = Enumerable.Range(0, points).Where(i => visible[i]).DefaultIfEmpty(points - 1).Last();
            var distances = Enumerable.Range(0, points).Select(i => Vector3.Distance(path.PositionAt(path.DurationSeconds * i / (points - 1)), listener)).ToArray();
            float reference = level[anchor];
            float Db(float v) => 20 * MathF.Log10(MathF.Max(v, 1e-9f) / reference);
            var freeField = Enumerable.Range(0, points).Select(i => Db(reference * distances[anchor] / distances[i])).ToArray();
            PlotRenderer.SavePng(new LinePlot($"Direct-path level at the listener, {spec.Room}", "distance walked (m)", "level (dB re the last visible point)", new[]
            {
                new PlotLine("surrogate", along, level.Select(Db).ToArray()),
                new PlotLine("FDTD", checks.Select(i => along[i]).ToArray(), fdtdLevel.Select(Db).ToArray()),
                new PlotLine("free field 1/r", along, freeField),
            }), Path.Combine(options.OutputDirectory, "moving_source_level.png"));
            int firstVisible = Array.IndexOf(visible, true);
            double shadowDb = Enumerable.Range(0, points).Where(i => !visible[i]).Select(i => (double)(Db(level[i]) - freeField[i])).DefaultIfEmpty(0).Average();
            double litDb = Enumerable.Range(0, points).Where(i => visible[i]).Select(i => (double)(Db(level[i]) - freeField[i])).DefaultIfEmpty(0).Average();
            double fdtdErrDb = checks.Select((i, k) => Math.Abs(Db(level[i]) - Db(fdtdLevel[k]))).Max();
            summary.Add(FormattableString.Invariant($"walk {path} ({path.Length:F2} m) to a listener at {RoomGrid.Format(listener)}: line of sight from {(firstVisible < 0 ? double.NaN : along[firstVisible]):F2} m; direct-path level vs the free-field 1/r law averages {shadowDb:F1} dB in the corner's shadow and {litDb:F1} dB in view; surrogate within {fdtdErrDb:F1} dB of FDTD at {checks.Length} spot checks"));

            // The walk as sound: a synthesised dry signal through the streaming renderer, IR updated every block.
            int rate = 44100;
            var dry = DrySignal(rate, path.DurationSeconds);
            new WavFile(rate, new[] { dry }).Write(Path.Combine(options.OutputDirectory, "moving_source_dry.wav"));
            sw.Restart();
            var render = MovingSourceRenderer.Render(model, listener, dry, rate, path, blockSize: 256);
            double renderS = sw.Elapsed.TotalSeconds;
            float peak = render.Wet.Max(MathF.Abs);
            for (int i = 0; i < render.Wet.Length; i++) render.Wet[i] *= 0.9f / peak;
            new WavFile(rate, new[] { render.Wet }).Write(Path.Combine(options.OutputDirectory, "moving_source.wav"));
            summary.Add(FormattableString.Invariant($"auralised the {path.DurationSeconds:F1} s walk in {renderS:F2} s ({path.DurationSeconds / renderS:F1}x real time): {render.Updates} IR updates cross-faded at 256-sample block boundaries, {render.MeanUpdateMilliseconds:F2} ms per update (surrogate + resample + FFTs), {render.CallbackAllocatedBytes} bytes allocated in the audio calls"));
            return new ShowcaseResult(new[] { "moving_source_level.png", "moving_source_dry.wav", "moving_source.wav" }, summary);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    // Peak |p| within ±1.5 σ/c of the direct arrival d/c: the direct sound when the source is in view, whatever diffracts
    // or leaks into that window when it is not.
    private static float DirectLevel(ImpulseResponse ir, double distance, double c, double sigma)
    {
        int from = (int)Math.Max(0, Math.Floor((distance - 1.5 * sigma) / c * ir.SampleRate));
        int to = (int)Math.Min(ir.Samples.Length - 1, Math.Ceiling((distance + 1.5 * sigma) / c * ir.SampleRate));
        float m = 0;
        for (int n = from; n <= to; n++) m = Math.Max(m, Math.Abs(ir.Samples[n]));
        return m;
    }

    private static bool LineOfSight(Room room, Vector3 a, Vector3 b)
    {
        for (int k = 0; k <= 200; k++)
            if (!room.Contains(Vector3.Lerp(a, b, k / 200f))) return false;
        return true;
    }

    // Footsteps (low thumps twice a second) and a hummed two-tone melody, synthesised so the demo downloads nothing.
    private static float[] DrySignal(int rate, double seconds)
    {
        var x = new float[(int)(rate * seconds)];
        for (double t = 0.1; t < seconds; t += 0.5)
        {
            int at = (int)(t * rate);
            for (int i = 0; i < rate / 20 && at + i < x.Length; i++) x[at + i] += (float)(0.6 * Math.Exp(-i / (0.01 * rate)) * Math.Sin(2 * Math.PI * 90 * i / rate));
        }
        for (int i = 0; i < x.Length; i++)
        {
            double t = (double)i / rate, f = ((int)(t * 2) % 2 == 0) ? 196 : 262;
            x[i] += (float)(0.25 * Math.Sin(2 * Math.PI * f * t) * (0.6 + 0.4 * Math.Sin(2 * Math.PI * 3 * t)));
        }
        return x;
    }
}
