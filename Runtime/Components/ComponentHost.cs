using System.Diagnostics;
using FieldForge.Gpu;

namespace FieldForge.Components;

/// <summary>
/// Runs components from any game loop: call <see cref="Tick"/> once per frame. Every enabled component's GPU work
/// for the frame is recorded into ONE <see cref="CommandBatch"/> and submitted once. A host is single-threaded by
/// contract: ticking it from two threads at once, or after <see cref="Dispose"/>, throws instead of corrupting state.
/// </summary>
public sealed class ComponentHost : IDisposable
{
    private readonly List<Component> _components = new();
    private readonly HashSet<Component> _active = new();
    private long _frame;
    private double _time;
    private int _ticking; // 1 while a Tick runs: a second thread entering is a contract violation, reported loudly
    private bool _disposed;

    /// <summary>Creates a host that ticks its components on <paramref name="gpu"/> (the host does not own the context).</summary>
    public ComponentHost(GpuContext gpu) => Gpu = gpu ?? throw new ArgumentNullException(nameof(gpu));

    /// <summary>The context every component records into.</summary>
    public GpuContext Gpu { get; }
    /// <summary>The components in tick order.</summary>
    public IReadOnlyList<Component> Components => _components;
    /// <summary>GPU timings of the last frame, per region (components name their regions).</summary>
    public IReadOnlyList<GpuTiming> LastFrameTimings { get; private set; } = Array.Empty<GpuTiming>();
    /// <summary>Wall-clock milliseconds of the last Tick (record + submit + wait).</summary>
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
    /// false (the default) keeps a game's frames free of read-backs. The editor turns it on while it is attached.</summary>
    public bool PreviewsWanted { get; set; }

    /// <summary>Dispatches in the last frame's single submission.</summary>
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

    /// <summary>Disables and removes <paramref name="component"/>.</summary>
    public void Remove(Component component)
    {
        if (_active.Remove(component)) component.OnDisable();
        _components.Remove(component);
    }

    /// <summary>Advances one frame of <paramref name="deltaSeconds"/>: enable/disable transitions, Update of each
    /// enabled component into one batch, one submit, then OnFrameCompleted. A component that throws surfaces as a
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

    private void TickOnce(double deltaSeconds)
    {
        var sw = Stopwatch.StartNew();
        foreach (var c in _components)
        {
            if (c.Enabled && _active.Add(c))
            {
                Run(c, "OnEnable", () => c.OnEnable(Gpu));
                c.ResetChangeTracking(); // fresh GPU resources: the first Update must see "changed"
            }
            else if (!c.Enabled && _active.Remove(c)) Run(c, "OnDisable", c.OnDisable);
        }
        _time += deltaSeconds;
        using var batch = Gpu.BeginBatch();
        var frame = new FrameContext(Gpu, batch, deltaSeconds, _time, _frame++, _budget, PreviewsWanted);
        var updated = new List<Component>();
        foreach (var c in _components)
        {
            if (!_active.Contains(c)) continue;
            bool changed = c.DetectParameterChange();
            // Every component's work is a timing region of its own, so the HUD attributes GPU time per component.
            using (batch.Time(c.Name)) Run(c, "Update", () => c.Update(frame, changed));
            updated.Add(c);
        }
        LastFrameDispatches = batch.DispatchCount;
        batch.Submit();
        LastFrameTimings = batch.Timings;
        foreach (var c in updated) Run(c, "OnFrameCompleted", () => c.OnFrameCompleted(frame));
        LastFrameMilliseconds = sw.Elapsed.TotalMilliseconds;
    }

    private static void Run(Component component, string phase, Action action)
    {
        try { action(); }
        catch (Exception e) when (e is not ComponentException) { throw new ComponentException(component, phase, e); }
    }

    /// <summary>Disables every active component (freeing its GPU resources). The host cannot be ticked afterwards.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var c in _active) c.OnDisable();
        _active.Clear();
    }
}
