using System.Diagnostics;
using FieldForge.Gpu;

namespace FieldForge.Components;

/// <summary>
/// Runs components from any game loop: call <see cref="Tick"/> once per frame. Every enabled component's GPU work
/// for the frame is recorded into ONE <see cref="CommandBatch"/> and submitted once. <see cref="FramePacing.Blocking"/>
/// (the default, for tools) waits for the frame before Tick returns; <see cref="FramePacing.Pipelined"/> (for games)
/// submits frame N and then completes frame N−1, so the GPU runs a frame while the game does the rest of its frame, with
/// one reused batch per frame in flight. In steady state a Tick allocates no managed memory. A host is single-threaded
/// by contract: ticking it from two threads at once, or after <see cref="Dispose"/>, throws instead of corrupting state.
/// </summary>
public sealed class ComponentHost : IDisposable
{
    private readonly List<Component> _components = new();
    private readonly HashSet<Component> _active = new();
    private readonly Frame[] _frames;
    private long _frame;
    private double _time;
    private int _ticking; // 1 while a Tick runs: a second thread entering is a contract violation, reported loudly
    private bool _disposed;
    private Frame? _lastCompleted;

    /// <summary>One frame in flight: its reused batch, context and the components that recorded into it.</summary>
    private sealed class Frame(FrameContext context)
    {
        public readonly FrameContext Context = context;
        public readonly List<Component> Updated = new();
        public CommandBatch? Batch;
        public bool InFlight;
        public double RecordMilliseconds;
        public int Dispatches;
    }

    /// <summary>Creates a host that ticks its components on <paramref name="gpu"/> (the host does not own the context).</summary>
    /// <param name="gpu">The context every component records into.</param>
    /// <param name="pacing">Whether Tick waits for its frame (tools) or keeps two frames in flight (games).</param>
    public ComponentHost(GpuContext gpu, FramePacing pacing = FramePacing.Blocking)
    {
        Gpu = gpu ?? throw new ArgumentNullException(nameof(gpu));
        if (!Enum.IsDefined(pacing)) throw new ArgumentOutOfRangeException(nameof(pacing), $"unknown frame pacing {pacing}");
        Pacing = pacing;
        _frames = new Frame[FramesInFlight];
        for (int i = 0; i < _frames.Length; i++) _frames[i] = new Frame(new FrameContext(gpu, i));
    }

    /// <summary>The context every component records into.</summary>
    public GpuContext Gpu { get; }
    /// <summary>Whether Tick waits for its own frame or completes the previous one.</summary>
    public FramePacing Pacing { get; }
    /// <summary>Frames that may be recorded or running at once: 1 when blocking, 2 when pipelined.</summary>
    public int FramesInFlight => Pacing == FramePacing.Pipelined ? 2 : 1;
    /// <summary>The components in tick order.</summary>
    public IReadOnlyList<Component> Components => _components;
    /// <summary>GPU timings of the last completed frame, per region (components name their regions). Built when read.</summary>
    public IReadOnlyList<GpuTiming> LastFrameTimings => _lastCompleted?.Batch?.Timings ?? Array.Empty<GpuTiming>();
    /// <summary>GPU milliseconds of the last completed frame (first to last timed region; NaN without timestamps).</summary>
    public double LastFrameGpuMilliseconds { get; private set; } = double.NaN;
    /// <summary>Wall-clock milliseconds of the last Tick (blocking: record + submit + wait; pipelined: record + submit
    /// + completing the previous frame, which includes waiting for it if the GPU is behind).</summary>
    public double LastFrameMilliseconds { get; private set; }
    /// <summary>Wall-clock milliseconds one frame's work should stay within (passed to components as
    /// <see cref="FrameContext.BudgetMilliseconds"/>); infinite (the default) means no budget.</summary>
    public double FrameBudgetMilliseconds
    {
        get => _budget;
        set => _budget = value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), $"frame budget must be > 0 ms, got {value}");
    }
    private double _budget = double.PositiveInfinity;

    /// <summary>Raised on the ticking thread at the start of every <see cref="Tick"/>, before enable/disable transitions
    /// and parameter-change detection: the place where a tool (the editor attached to a game) applies queued edits, so
    /// they land between frames on the game's own thread.</summary>
    public event Action<ComponentHost>? FrameStarting;

    /// <summary>Raised on the ticking thread at the end of every <see cref="Tick"/>, after the completed frame's
    /// <see cref="Component.OnFrameCompleted"/> callbacks: the place to read previews and statuses.</summary>
    public event Action<ComponentHost>? FrameFinished;

    /// <summary>Raised on the ticking thread when a <see cref="Tick"/> fails, with the exception about to propagate to
    /// the caller (usually a <see cref="ComponentException"/>), so an attached tool can show it; the exception still
    /// reaches the game unchanged, and an exception thrown by a handler is ignored.</summary>
    public event Action<ComponentHost, Exception>? FrameFailed;

    /// <summary>When true, components build their previews (read results back to the host) after frames complete;
    /// false (the default) keeps a game's frames free of read-backs. An attached editor turns it on for the frames that
    /// should refresh its previews; a component whose result changed on a frame without previews catches up on the next
    /// frame that wants them.</summary>
    public bool PreviewsWanted { get; set; }

    /// <summary>Dispatches in the last submitted frame.</summary>
    public int LastFrameDispatches { get; private set; }

    /// <summary>Adds and enables <paramref name="component"/>; returns it so the caller can keep a typed reference.</summary>
    public T Add<T>(T component) where T : Component
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(component);
        if (_components.Contains(component)) throw new InvalidOperationException($"{component.Name} is already on this host");
        _components.Add(component);
        return component;
    }

    /// <summary>Disables and removes <paramref name="component"/> (after the frames in flight completed, since its GPU
    /// resources may still be in use).</summary>
    public void Remove(Component component)
    {
        if (_active.Contains(component)) CompleteFramesInFlight();
        if (_active.Remove(component)) component.OnDisable();
        _components.Remove(component);
    }

    /// <summary>Advances one frame of <paramref name="deltaSeconds"/>: enable/disable transitions, Update of each
    /// enabled component into the frame's batch, one submit, then OnFrameCompleted of the frame that finished (this one
    /// when blocking, the previous one when pipelined). A component that throws surfaces as a
    /// <see cref="ComponentException"/> naming it; the frame's batch is discarded.</summary>
    public void Tick(double deltaSeconds)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!double.IsFinite(deltaSeconds) || deltaSeconds < 0) throw new ArgumentOutOfRangeException(nameof(deltaSeconds), $"frame time must be finite and >= 0, got {deltaSeconds}");
        if (Interlocked.Exchange(ref _ticking, 1) != 0)
            throw new InvalidOperationException("ComponentHost.Tick was called while another Tick was running: a host is single-threaded; tick it from one thread (the GpuContext may be shared across threads)");
        try
        {
            FrameStarting?.Invoke(this);
            TickOnce(deltaSeconds);
            FrameFinished?.Invoke(this);
        }
        catch (Exception e)
        {
            try { FrameFailed?.Invoke(this, e); }
            catch { /* an observer must not replace the game's exception */ }
            throw;
        }
        finally { Volatile.Write(ref _ticking, 0); }
    }

    /// <summary>Waits for every frame in flight and runs its <see cref="Component.OnFrameCompleted"/> callbacks, so all
    /// results are in (a pipelined host's last frame, before reading results or tearing down).</summary>
    public void CompleteFramesInFlight()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        // Oldest first: frame numbers increase with the ring index modulo its length.
        for (long f = _frame - FramesInFlight; f < _frame; f++)
            if (f >= 0 && _frames[f % FramesInFlight] is { InFlight: true } frame) Complete(frame);
    }

    private void TickOnce(double deltaSeconds)
    {
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        foreach (var c in _components)
        {
            if (c.Enabled && _active.Add(c))
            {
                try { c.OnEnable(Gpu); }
                catch (Exception e) when (e is not ComponentException) { throw new ComponentException(c, "OnEnable", e); }
                c.ResetChangeTracking(); // fresh GPU resources: the first Update must see "changed"
            }
            else if (!c.Enabled && _active.Contains(c))
            {
                CompleteFramesInFlight(); // its resources may be in use by a frame still running
                _active.Remove(c);
                try { c.OnDisable(); }
                catch (Exception e) when (e is not ComponentException) { throw new ComponentException(c, "OnDisable", e); }
            }
        }
        _time += deltaSeconds;
        var frame = _frames[_frame % FramesInFlight];
        if (frame.InFlight) Complete(frame); // the frame that used this slot FramesInFlight ticks ago
        if (frame.Batch is null) frame.Batch = Gpu.BeginBatch();
        else frame.Batch.Restart();
        var ctx = frame.Context;
        ctx.Batch = frame.Batch;
        ctx.DeltaSeconds = deltaSeconds;
        ctx.TimeSeconds = _time;
        ctx.Frame = _frame++;
        ctx.BudgetMilliseconds = _budget;
        ctx.PreviewsWanted = PreviewsWanted;
        frame.Updated.Clear();
        try
        {
            foreach (var c in _components)
            {
                if (!_active.Contains(c)) continue;
                bool changed = c.DetectParameterChange();
                // Every component's work is a timing region of its own, so the HUD attributes GPU time per component.
                using (frame.Batch.Time(c.Name))
                {
                    try { c.Update(ctx, changed); }
                    catch (Exception e) when (e is not ComponentException) { throw new ComponentException(c, "Update", e); }
                }
                frame.Updated.Add(c);
            }
        }
        catch
        {
            // The frame's batch is discarded: a fresh one next time (a half-recorded command buffer cannot be restarted).
            frame.Batch.Dispose();
            frame.Batch = null;
            throw;
        }
        LastFrameDispatches = frame.Batch.DispatchCount;
        frame.Dispatches = frame.Batch.DispatchCount;
        frame.Batch.Submit(wait: false);
        frame.InFlight = true;
        frame.RecordMilliseconds = System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        if (Pacing == FramePacing.Blocking) Complete(frame);
        else if (_frames[(_frame - 2 + FramesInFlight) % FramesInFlight] is { InFlight: true } previous && previous != frame) Complete(previous);
        LastFrameMilliseconds = System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }

    private void Complete(Frame frame)
    {
        frame.InFlight = false;
        frame.Batch!.Wait();
        LastFrameGpuMilliseconds = frame.Batch.GpuMilliseconds;
        _lastCompleted = frame;
        foreach (var c in frame.Updated)
        {
            if (!_active.Contains(c)) continue;
            try { c.OnFrameCompleted(frame.Context); }
            catch (Exception e) when (e is not ComponentException) { throw new ComponentException(c, "OnFrameCompleted", e); }
        }
        frame.Updated.Clear();
    }

    /// <summary>Completes the frames in flight, then disables every active component (freeing its GPU resources) and
    /// frees the frames' batches. The host cannot be ticked afterwards.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        try { CompleteFramesInFlight(); }
        finally
        {
            _disposed = true;
            foreach (var c in _active) c.OnDisable();
            _active.Clear();
            foreach (var f in _frames) { f.Batch?.Dispose(); f.Batch = null; }
        }
    }
}
