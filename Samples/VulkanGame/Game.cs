using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using FieldForge.Components;
using FieldForge.Core;
using FieldForge.Gpu;
using FieldForge.Rendering;

namespace FieldForge.Samples.VulkanGame;

/// <summary>What a run measured and wrote.</summary>
/// <param name="Frames">Frames rendered.</param>
/// <param name="SteadyFrames">Frames in the steady-state measurement (after the warm-up).</param>
/// <param name="MeanFrameMilliseconds">Mean wall-clock time of one steady-state frame's work (wait for the frame slot,
/// host.Tick, record and submit the render), PNG/GIF encoding excluded.</param>
/// <param name="MeanGpuMilliseconds">Mean GPU time per steady-state frame: FieldForge's frame (first to last timed region,
/// <see cref="ComponentHost.LastFrameGpuMilliseconds"/>) plus the render's own timestamps.</param>
/// <param name="ReadbackBytesPerFrame">FieldForge's downloads per steady-state frame (<see cref="GpuContext.BytesReadBack"/>).</param>
/// <param name="AllocatedBytesPerFrame">Managed bytes allocated by the frame's work on the game thread per steady-state frame.</param>
/// <param name="GameAllocatedBytesPerFrame">The part of <paramref name="AllocatedBytesPerFrame"/> outside host.Tick: the
/// game's own waiting, recording and submitting.</param>
/// <param name="Images">Every rendered frame, in order, when <see cref="GameOptions.KeepImages"/> asked for them.</param>
/// <param name="MorphT">The morph's t at each drawn frame.</param>
/// <param name="ValidationMessages">Validation messages from the game's messenger and FieldForge's.</param>
/// <param name="Files">Files written.</param>
public sealed record GameResult(int Frames, int SteadyFrames, double MeanFrameMilliseconds, double MeanGpuMilliseconds,
    double ReadbackBytesPerFrame, double AllocatedBytesPerFrame, double GameAllocatedBytesPerFrame, IReadOnlyList<RgbaImage> Images, IReadOnlyList<float> MorphT,
    IReadOnlyList<string> ValidationMessages, IReadOnlyList<string> Files)
{
    /// <summary>The line the game ends with.</summary>
    public string SummaryLine => string.Create(CultureInfo.InvariantCulture,
        $"frames {Frames}, mean frame {MeanFrameMilliseconds:F2} ms (GPU {MeanGpuMilliseconds:F2} ms), readback {ReadbackBytesPerFrame:0} bytes/frame, allocated {AllocatedBytesPerFrame:0} bytes/frame");
}

/// <summary>
/// The game: its own Vulkan device lent to FieldForge, a <see cref="ComponentHost"/> with a morph (animated) and a noise
/// component ticked every frame, and its own renderer drawing FieldForge's GPU outputs.
/// </summary>
public static class Game
{
    /// <summary>The morph's first shape.</summary>
    public const string SourceA = "box:0.8";
    /// <summary>The morph's second shape.</summary>
    public const string SourceB = "torus:R=0.6,r=0.2";
    /// <summary>Height of the ground plane (below both shapes).</summary>
    public const float GroundHeight = -0.55f;
    /// <summary>Half the ground plane's side.</summary>
    public const float GroundHalfExtent = 2.5f;

    /// <summary>The fixed camera's view-projection (System.Numerics row-vector convention, Vulkan clip space: y down, depth 0..1).</summary>
    public static Matrix4x4 ViewProjection(int width, int height)
    {
        var view = Matrix4x4.CreateLookAt(new Vector3(1.6f, 1.25f, 2.1f), new Vector3(0, -0.1f, 0), Vector3.UnitY);
        var projection = Matrix4x4.CreatePerspectiveFieldOfView(MathF.PI / 4, (float)width / height, 0.1f, 20f);
        return view * projection * Matrix4x4.CreateScale(1, -1, 1);
    }

    /// <summary>Runs the game; progress goes to <paramref name="log"/>, which ends with <see cref="GameResult.SummaryLine"/>.</summary>
    public static GameResult Run(GameOptions options, TextWriter log)
    {
        var device = new GameDevice(options.Validation);
        var messages = new List<string>();
        GameResult result;
        try
        {
            log.WriteLine($"game device: {device.Description}, validation {(options.Validation ? "on" : "off")}; offscreen {options.Width}x{options.Height} (no window: no windowing library here)");
            using var gpu = GpuContext.CreateShared(device.Handles, new GpuContextOptions(EnableValidation: options.Validation));
            result = RunOn(device, gpu, options, log);
            gpu.Dispose();
            foreach (var m in gpu.DrainValidationMessages()) messages.Add($"FieldForge: {m}");
        }
        finally
        {
            device.Dispose(); // leak reports arrive while the device is destroyed
        }
        messages.AddRange(device.Messages);
        result = result with { ValidationMessages = messages };
        foreach (var m in messages.Take(20)) log.WriteLine($"validation: {m}");
        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"steady state after {options.WarmupFrames} warm-up frames: the game's own recording and submitting allocated {result.GameAllocatedBytesPerFrame:0} bytes/frame, host.Tick {result.AllocatedBytesPerFrame - result.GameAllocatedBytesPerFrame:0}; PNG/GIF encoding is not measured"));
        log.WriteLine(result.SummaryLine);
        return result;
    }

    private static GameResult RunOn(GameDevice device, GpuContext gpu, GameOptions options, TextWriter log)
    {
        if (options.Editor)
            log.WriteLine("--editor: attaching the web editor to this game's ComponentHost needs the editor's attach API, which this build does not have yet; running without it");
        var images = new List<RgbaImage>(options.KeepImages ? options.Frames : 0);
        var morphT = new List<float>(options.Frames);
        var files = new List<string>();
        if (options.OutDirectory is not null) Directory.CreateDirectory(options.OutDirectory);
        // Output: each completed frame goes through one reused image into its PNG and the GIF, streamed as it arrives.
        using var output = new FrameOutput(options, images, files);

        using var renderer = new FrameRenderer(device, options.Width, options.Height);
        // Pipelined: Tick submits frame N and completes frame N-1, so the CPU never waits for the frame it just recorded.
        using var host = new ComponentHost(gpu, FramePacing.Pipelined);
        var noise = host.Add(new NoiseComponent { Width = 256, Height = 256, PixelSize = 1f / 48, Octaves = 5 });
        var morph = host.Add(new MorphComponent
        {
            SourceA = SourceA, SourceB = SourceB, Animate = true, PeriodSeconds = (float)options.PeriodSeconds, Resolution = options.Resolution,
        });
        var scene = new FrameScene(null, null, null, null, ViewProjection(options.Width, options.Height), new Vector3(0.4f, 1f, 0.6f), GroundHeight, GroundHalfExtent);

        int warmup = options.WarmupFrames;
        long steadyTicks = 0, steadyAllocated = 0, tickAllocated = 0, readbackAtSteady = 0, firstDropped = -1;
        int dropped = 0;
        double steadyGpu = 0;
        var clock = Stopwatch.StartNew();
        for (long frame = 0; frame < options.Frames + FrameRenderer.FramesInFlight; frame++)
        {
            bool rendering = frame < options.Frames;
            bool steady = rendering && frame >= warmup;
            if (frame == warmup) readbackAtSteady = gpu.BytesReadBack;
            long t0 = Stopwatch.GetTimestamp(), a0 = GC.GetAllocatedBytesForCurrentThread();
            var completed = renderer.WaitForSlot(frame);
            long t1 = Stopwatch.GetTimestamp(), a1 = GC.GetAllocatedBytesForCurrentThread();
            if (steady) { steadyTicks += t1 - t0; steadyAllocated += a1 - a0; }

            // The frame that used this slot before is complete: its GPU time counts if it was a steady-state frame, and
            // its pixels are the sample's output (not measured).
            long done = frame - FrameRenderer.FramesInFlight;
            if (!completed.IsEmpty && done >= warmup && !double.IsNaN(renderer.LastGpuMilliseconds)) steadyGpu += renderer.LastGpuMilliseconds;
            if (!completed.IsEmpty) output.Add(completed, done);
            if (!rendering) continue;

            long t2 = Stopwatch.GetTimestamp(), a2 = GC.GetAllocatedBytesForCurrentThread();
            var surfaceBefore = morph.Surface;
            var verticesBefore = surfaceBefore?.VertexBuffer;
            var indicesBefore = surfaceBefore?.IndexBuffer;
            host.Tick(GameOptions.FrameSeconds);
            long aTick = GC.GetAllocatedBytesForCurrentThread();
            var surface = morph.Surface;
            // This frame's surface was recorded into the buffers the surface had when Update ran. When completing an earlier
            // frame found that the surface outgrew them, Tick replaced them afterwards: the new ones hold nothing yet
            // (the next frame records into them), so this frame is dropped, as a game drops a frame it cannot draw
            // whole (the previous one stays on screen) rather than showing it without the surface.
            bool buffersReplaced = surface is not null && ReferenceEquals(surface, surfaceBefore)
                && (!ReferenceEquals(surface.VertexBuffer, verticesBefore) || !ReferenceEquals(surface.IndexBuffer, indicesBefore));
            if (buffersReplaced)
            {
                if (dropped++ == 0) firstDropped = frame;
            }
            else
            {
                bool drawMesh = options.DrawMesh && surface is not null;
                var frameScene = drawMesh
                    ? scene with { Vertices = surface!.VertexBuffer, Indices = surface.IndexBuffer, DrawArguments = surface.DrawIndirectArguments, GroundTexture = noise.ColorTexture }
                    : scene with { GroundTexture = noise.ColorTexture };
                renderer.Record(frame, frameScene);
            }
            long t3 = Stopwatch.GetTimestamp(), a3 = GC.GetAllocatedBytesForCurrentThread();
            if (steady)
            {
                steadyTicks += t3 - t2;
                steadyAllocated += a3 - a2;
                tickAllocated += aTick - a2;
                if (!double.IsNaN(host.LastFrameGpuMilliseconds)) steadyGpu += host.LastFrameGpuMilliseconds;
            }
            if (!buffersReplaced) morphT.Add(morph.CurrentT);
        }
        long readback = gpu.BytesReadBack - readbackAtSteady;
        int steadyFrames = Math.Max(0, options.Frames - warmup);

        output.Finish(log, clock.Elapsed.TotalSeconds);
        if (dropped > 0)
            log.WriteLine($"{dropped} frame(s) not drawn, the first at frame {firstDropped}: completing an earlier frame found the isosurface outgrew its buffers, and FieldForge replaced them after this frame was recorded into the old ones");
        double perFrame = steadyFrames == 0 ? 0 : 1.0 / steadyFrames;
        return new GameResult(options.Frames, steadyFrames, steadyTicks * 1000.0 / Stopwatch.Frequency * perFrame, steadyGpu * perFrame,
            readback * perFrame, steadyAllocated * perFrame, (steadyAllocated - tickAllocated) * perFrame, images, morphT, Array.Empty<string>(), files);
    }
}

/// <summary>The sample's own output: PNG files and an animated GIF written as frames complete, through one reused
/// image (the frame loop stays free of large per-frame garbage), and copies kept in memory only when asked.</summary>
internal sealed class FrameOutput : IDisposable
{
    private readonly GameOptions _options;
    private readonly List<RgbaImage> _images;
    private readonly List<string> _files;
    private readonly RgbaImage _frame;
    private readonly GifWriter? _gif;
    private readonly string? _gifPath;
    private bool _finished;

    public FrameOutput(GameOptions options, List<RgbaImage> images, List<string> files)
    {
        _options = options;
        _images = images;
        _files = files;
        _frame = new RgbaImage(options.Width, options.Height, new byte[options.Width * options.Height * 4]);
        if (options.OutDirectory is null) return;
        _gifPath = Path.Combine(options.OutDirectory, "game.gif");
        _gif = new GifWriter(_gifPath, options.Width, options.Height, new GifOptions { FrameDelayMs = (int)Math.Round(GameOptions.FrameSeconds * 1000) });
    }

    public int Count { get; private set; }

    public void Add(ReadOnlySpan<byte> pixels, long frame)
    {
        pixels.CopyTo(_frame.Pixels);
        Count++;
        if (_options.KeepImages) _images.Add(_frame.Clone());
        if (_gif is null) return;
        string path = Path.Combine(_options.OutDirectory!, $"frame_{frame:D4}.png");
        _frame.SavePng(path);
        _files.Add(path);
        _gif.AddFrame(_frame);
    }

    public void Finish(TextWriter log, double seconds)
    {
        if (_gif is null) return;
        _gif.Dispose();
        _files.Add(_gifPath!);
        _finished = true;
        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wrote {Count} PNG frames and {_gifPath} ({seconds:F1} s)"));
    }

    /// <summary>Closes the GIF when the run stopped before <see cref="Finish"/> (an exception).</summary>
    public void Dispose()
    {
        if (!_finished) _gif?.Dispose();
    }
}
