using System.Diagnostics;
using System.Numerics;
using FieldForge.Acoustics;
using FieldForge.Gpu;

namespace FieldForge.Bench;

/// <summary>`./ff bench acoustics`: FDTD throughput (GPU vs CPU reference), and the DeepONet surrogate against the solver
/// it replaces: time per source, inference time per impulse response, RMSE on held-out sources.</summary>
public sealed class AcousticsBench : IBenchmark
{
    public string Name => "acoustics";

    public void Run(GpuContext gpu, BenchReport report, bool quick)
    {
        report.Section("Acoustics: FDTD solver");
        var fdtd = report.Table("FDTD throughput (7-point leapfrog, two-array pressure form, rigid walls; CPU = one-thread reference of the same scheme)",
            "room", "grid", "GPU", "GPU (timestamps)", "CPU reference", "GPU/CPU", "GPU bandwidth (12 B/cell minimum traffic)");
        var rooms = quick ? new[] { ("box:1.5x1.2x1", 500.0) } : new[] { ("box:2x1.5x1.2", 500.0), ("box:4x3.5x3.5", 1000.0) };
        foreach (var (spec, fmax) in rooms)
        {
            var room = Room.Parse(spec);
            var settings = new FdtdSettings { MaxFrequencyHz = fmax };
            using var solver = new FdtdSolver(gpu, room, settings);
            var source = (room.Min + room.Max) * 0.4f;
            int steps = quick ? 32 : 128;
            solver.Initialize(source);
            double gpuS = Measure.Seconds(() => solver.Advance(steps), 3);
            // The same steps timed by GPU timestamps around one submission of StepsPerBatch steps (no host waits inside).
            double stampMs = Measure.Median(() =>
            {
                using var batch = gpu.BeginBatch();
                using (batch.Time("fdtd steps"))
                    for (int s = 0; s < settings.StepsPerBatch; s++) solver.RecordStep(batch);
                batch.Submit();
                return batch.GpuMilliseconds;
            }, 3);
            var cpu = new FdtdReference(solver.Grid, settings, room.Walls);
            cpu.Initialize(source);
            int cpuSteps = quick ? 8 : 16;
            double cpuS = Measure.Seconds(() => cpu.Advance(cpuSteps), 3);
            double cells = solver.Grid.CellCount;
            double gpuRate = cells * steps / gpuS, cpuRate = cells * cpuSteps / cpuS;
            double stampRate = cells * settings.StepsPerBatch / (stampMs / 1e3);
            fdtd.Add($"{spec} @ {fmax} Hz", $"{solver.Grid.Nx}x{solver.Grid.Ny}x{solver.Grid.Nz}", Measure.Rate(gpuRate, "cell"),
                double.IsFinite(stampRate) ? Measure.Rate(stampRate, "cell") : "n/a", Measure.Rate(cpuRate, "cell"),
                Measure.Ratio(gpuRate / cpuRate), report.Bandwidth(gpuRate * 12));
            if (cells >= 1e6)
            {
                report.Summary("fdtd_mcells_per_s", gpuRate / 1e6);
                report.Summary("fdtd_over_cpu_reference", gpuRate / cpuRate);
            }
        }
        report.Note("GPU = wall time of Advance (per step: 2x2 blocks of 4-cell groups marching along z, leftover interior groups, boundary groups; " +
            "p^n read through a texel view; 32 steps per submission); GPU (timestamps) = GPU time of one 32-step submission; " +
            "12 B/cell = read p^n once, read and write p^{n-1}. Summary figures use the wall-time column.");

        report.Section("Acoustics: DeepONet surrogate");
        var dataSpec = quick
            ? new SoundFieldDatasetSpec { Room = "box:1.2x1x0.8", SourceMin = [0.3, 0.3, 0.3], SourceMax = [0.9, 0.7, 0.5], SourceCount = 40, ReceiverSpacing = 0.3, DurationSeconds = 0.01 }
            : new SoundFieldDatasetSpec { SourceCount = 200 };
        var settingsS = quick ? new SurrogateSettings { Steps = 150, Modes = 24, Width = 32 } : new SurrogateSettings();
        var dir = Path.Combine(Path.GetTempPath(), $"ff-bench-acoustics-{Environment.ProcessId}");
        try
        {
            var sw = Stopwatch.StartNew();
            int baked = SoundFieldDataset.Bake(gpu, dir, dataSpec);
            double perSource = sw.Elapsed.TotalSeconds / baked;
            var data = SoundFieldDataset.Load(dir);
            int test = Math.Max(4, data.Sources.Length / 10), train = data.Sources.Length - test;
            Console.WriteLine($"  training on {train} sources ({settingsS.Steps} steps), {test} held out ...");
            sw.Restart();
            using var model = SoundFieldSurrogate.Train(gpu, data, settingsS, Enumerable.Range(0, train).ToArray());
            double trainS = sw.Elapsed.TotalSeconds;
            var listener = data.Receivers[data.Receivers.Length / 2] + new Vector3(0.05f, 0.03f, 0.02f);
            var room = dataSpec.BuildRoom();
            using var solver = new FdtdSolver(gpu, room, dataSpec.Settings);
            var held = Enumerable.Range(train, test).ToArray();
            double simulateS = Measure.Seconds(() => solver.Simulate(data.Sources[held[0]], new[] { listener }, dataSpec.DurationSeconds), 3);
            int q = 0;
            double inferS = Measure.Seconds(() => model.PredictImpulseResponse(data.Sources[held[q++ % held.Length]], listener), 21);
            var speed = report.Table("One impulse response for a new source position", "FDTD simulate", "surrogate inference", "speed-up", "IR samples", "bake per source (all receivers)", "training");
            speed.Add($"{simulateS * 1e3:F1} ms", $"{inferS * 1e3:F2} ms", Measure.Ratio(simulateS / inferS), model.Outputs, $"{perSource:F3} s", $"{trainS:F1} s ({settingsS.Steps} steps)");
            var (trainRmse, trainRms) = model.MeasureError(data, Enumerable.Range(0, train));
            var (rmse, rms) = model.MeasureError(data, held);
            var acc = report.Table("Surrogate accuracy (all receivers x all times, 1 Pa source)", "sources", "RMSE", "relative RMSE", "field RMS");
            acc.Add($"train ({train})", $"{trainRmse:F4} Pa", $"{trainRmse / trainRms:P1}", $"{trainRms:F4} Pa");
            acc.Add($"held out ({test})", $"{rmse:F4} Pa", $"{rmse / rms:P1}", $"{rms:F4} Pa");
            report.Note($"room {dataSpec.Room}, fmax {dataSpec.MaxFrequencyHz} Hz, {data.Receivers.Length} receivers x {data.Outputs} times, POD trunk {model.Modes} modes, simplex-hash branch; paper: 0.02-0.10 Pa RMSE, ms inference");
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }
}
