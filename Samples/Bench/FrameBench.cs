using System.Diagnostics;
using System.Numerics;
using FieldForge.Acoustics;
using FieldForge.Components;
using FieldForge.Gpu;

namespace FieldForge.Bench;

/// <summary>`./ff bench frame`: a game loop on one shared context (noise 256² evolving every frame, morph 64³ animated,
/// a sound-field listener moving every frame through a DeepONet surrogate) with blocking vs pipelined frame pacing:
/// wall and GPU ms per frame, bytes read back and managed bytes allocated per frame.</summary>
public sealed class FrameBench : IBenchmark
{
    public string Name => "frame";

    /// <summary>Stand-in for the game's own CPU work per frame (logic, render recording) that pipelining overlaps with
    /// the GPU. A spin, so it allocates nothing and occupies one core like real game code.</summary>
    private const double GameWorkMs = 4;

    /// <summary>One whole morph period (2 s at 60 fps) plus a little: the isosurface's buffers reach their size.</summary>
    private const int WarmUpFrames = 125;

    public void Run(GpuContext gpu, BenchReport report, bool quick)
    {
        report.Section("Game frame (ComponentHost: blocking vs pipelined)");
        string dir = Path.Combine(Path.GetTempPath(), $"fieldforge-frame-bench-{Environment.ProcessId}");
        Directory.CreateDirectory(dir);
        try
        {
            string surrogate = TrainSurrogate(gpu, dir);
            int frames = quick ? 20 : 60;
            var table = report.Table($"{frames} steady-state frames after {WarmUpFrames} warm-up frames (one whole morph period); each frame also spins {GameWorkMs} ms of stand-in game work " +
                "(what pipelining overlaps with the GPU); readback = bytes downloaded through the context, allocated = managed bytes on the game thread",
                "loop", "pacing", "frame ms (wall)", "Tick ms (CPU)", "GPU ms", "readback B/frame", "allocated B/frame");
            var results = new Dictionary<(bool Sound, FramePacing Pacing), Result>();
            foreach (bool sound in new[] { false, true })
                foreach (var pacing in new[] { FramePacing.Blocking, FramePacing.Pipelined })
                {
                    var r = results[(sound, pacing)] = Loop(gpu, pacing, sound ? surrogate : null, frames, quick);
                    table.Add(sound ? "noise 256² + morph 64³ + listener" : "noise 256² + morph 64³", pacing,
                        $"{r.FrameMs:F1}", $"{r.TickMs:F1}", $"{r.GpuMs:F1}", $"{r.ReadbackBytes:F0}", $"{r.AllocatedBytes:F0}");
                }
            var full = (results[(true, FramePacing.Blocking)], results[(true, FramePacing.Pipelined)]);
            report.Note($"pipelined / blocking frame time: {full.Item2.FrameMs / full.Item1.FrameMs:F2} (full loop), " +
                $"{results[(false, FramePacing.Pipelined)].FrameMs / results[(false, FramePacing.Blocking)].FrameMs:F2} (noise + morph). On lavapipe the " +
                "'GPU' is the same two CPU cores as the game, so overlapping them gains little; a real GPU runs beside the CPU.");
            report.Note("The listener update reads the predicted impulse response back every frame (the audio thread needs it on the CPU): " +
                "that is the full loop's read-back. Warm-up covers a whole morph period, so the surface's one-time buffer growth is not measured.");
            report.Summary("frame_blocking_ms", full.Item1.FrameMs);
            report.Summary("frame_pipelined_ms", full.Item2.FrameMs);
            report.Summary("frame_readback_bytes", full.Item2.ReadbackBytes);
            report.Summary("frame_allocated_bytes", full.Item2.AllocatedBytes);
            report.Summary("frame_noise_morph_readback_bytes", results[(false, FramePacing.Pipelined)].ReadbackBytes);
            report.Summary("frame_noise_morph_allocated_bytes", results[(false, FramePacing.Pipelined)].AllocatedBytes);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    private readonly record struct Result(double FrameMs, double TickMs, double GpuMs, double ReadbackBytes, double AllocatedBytes);

    private static Result Loop(GpuContext gpu, FramePacing pacing, string? surrogate, int frames, bool quick)
    {
        using var host = new ComponentHost(gpu, pacing);
        var noise = host.Add(new NoiseComponent { Width = 256, Height = 256, Dimensions = 3, Octaves = 5 });
        var morph = host.Add(new MorphComponent { Resolution = quick ? 32 : 64, Animate = true, PeriodSeconds = 2 });
        var sound = surrogate is null ? null : host.Add(new SoundFieldComponent { SurrogatePath = surrogate, Source = new(0.5f, 0.4f, 0.3f) });
        const double dt = 1 / 60.0;
        double time = 0;
        void Frame()
        {
            time += dt;
            noise.Slice = (float)time; // evolving 3D noise: regenerated every frame
            if (sound is not null) sound.Listener = new Vector3(0.5f + 0.2f * MathF.Cos((float)time), 0.4f + 0.15f * MathF.Sin((float)time), 0.3f);
            host.Tick(dt);
            long until = Stopwatch.GetTimestamp() + (long)(GameWorkMs * Stopwatch.Frequency / 1000);
            while (Stopwatch.GetTimestamp() < until) { }
        }
        for (int i = 0; i < WarmUpFrames; i++) Frame();
        // A blocking collection, then a few frames: a background GC running during the count would blur it.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        for (int i = 0; i < 3; i++) Frame();
        long read0 = gpu.BytesReadBack, alloc0 = GC.GetAllocatedBytesForCurrentThread();
        double tickMs = 0, gpuMs = 0;
        long start = Stopwatch.GetTimestamp(); // not a Stopwatch object: that would be the loop's only allocation
        for (int i = 0; i < frames; i++)
        {
            Frame();
            tickMs += host.LastFrameMilliseconds;
            gpuMs += host.LastFrameGpuMilliseconds;
        }
        double wall = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        long allocated = GC.GetAllocatedBytesForCurrentThread() - alloc0, read = gpu.BytesReadBack - read0;
        if (sound?.Problem is { Length: > 0 } problem) throw new InvalidOperationException($"sound field failed: {problem}");
        return new Result(wall / frames, tickMs / frames, gpuMs / frames, read / (double)frames, allocated / (double)frames);
    }

    // A small surrogate (seconds to train): the listener update costs the same per frame whatever its accuracy.
    private static string TrainSurrogate(GpuContext gpu, string dir)
    {
        Console.WriteLine("frame bench: baking a small sound-field dataset and training a surrogate for the listener ...");
        var spec = new SoundFieldDatasetSpec
        {
            Room = "box:1x0.8x0.6", MaxFrequencyHz = 300, SourceMin = [0.3, 0.25, 0.2], SourceMax = [0.7, 0.55, 0.4],
            SourceCount = 30, ReceiverSpacing = 0.3, DurationSeconds = 0.006, OutputEvery = 2,
        };
        string data = Path.Combine(dir, "dataset");
        SoundFieldDataset.Bake(gpu, data, spec);
        var settings = new SurrogateSettings
        {
            Modes = 8, EncodingLevels = 2, FinestResolution = 3, Width = 16, HiddenLayers = 1, BatchSize = 32, Steps = 300,
            LearningRate = 1e-2f, FinalLearningRate = 1e-3f,
        };
        using var model = SoundFieldSurrogate.Train(gpu, SoundFieldDataset.Load(data), settings);
        string path = Path.Combine(dir, "listener.ffsg");
        model.Save(path);
        return path;
    }
}
