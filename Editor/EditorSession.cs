using System.Collections.Concurrent;
using System.Diagnostics;
using FieldForge.Components;
using FieldForge.Gpu;
using FieldForge.Rendering;
using FieldForge.Core;

namespace FieldForge.Editor;

/// <summary>
/// The editor's model of a live <see cref="ComponentHost"/>: the <see cref="EditorDocument"/> editing its components,
/// the immutable <see cref="Snapshot"/> the web server reads, and the encoded previews. It runs in one of two ways,
/// sharing all of that code:
/// <list type="bullet">
/// <item><description>Standalone (the constructor, <c>./ff editor</c>): the session owns a <see cref="GpuContext"/> and a
/// host with one instance of each component type and ticks it on its own thread. A component that throws is disabled
/// with its error shown; the session keeps running.</description></item>
/// <item><description>Attached (<see cref="Attach"/>): the game owns and ticks the host. The session listens to the
/// host's <see cref="ComponentHost.FrameStarting"/> (queued edits, enable switches and <see cref="InvokeAsync{T}"/>
/// work are applied there, between frames on the game's thread) and <see cref="ComponentHost.FrameFinished"/>
/// (statuses and preview objects are picked up; PNG encoding and mesh rendering happen on the session's own thread).
/// It never ticks the host, and errors still reach the game.</description></item>
/// </list>
/// Edits never wait for a frame: <see cref="Edit{T}"/> validates and records them at once under a lock held only for
/// in-memory work, and the components receive them just before the next frame. The game may hand over its rendered
/// frame with <see cref="PublishGameView"/>.
/// </summary>
public sealed class EditorSession : IDisposable
{
    private const int MaxProblems = 50;
    private readonly BlockingCollection<Action> _work = new();
    private readonly ConcurrentQueue<Action> _frameWork = new(); // attached: InvokeAsync work, run at FrameStarting
    private readonly object _gate = new(); // guards _document, _enableRequests, _errors, _problems, _sequence and snapshot writes
    private readonly Dictionary<string, bool> _enableRequests = new(StringComparer.Ordinal);
    private readonly Queue<long> _frameEnds = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Thread _thread;
    private readonly EditorSessionOptions _options;
    private readonly IReadOnlyList<Type> _types = Array.Empty<Type>();
    private readonly List<string> _problems = new();
    private readonly Dictionary<string, string> _errors = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _versionAtLastGoodFrame = new(StringComparer.Ordinal);
    private readonly HashSet<string> _enabledAtLastGoodFrame = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IReadOnlyDictionary<string, object?>> _failedWith = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Id, int Index), (ComponentPreview Source, PreviewState State)> _previews = new();
    private readonly GameView _gameView = new();
    private readonly ComponentHost? _attachedTo;
    private readonly bool _previewsWantedBefore;
    private IReadOnlyList<ComponentPreview>[] _capturedPreviews = Array.Empty<IReadOnlyList<ComponentPreview>>();
    private long[] _capturedVersions = Array.Empty<long>();
    private bool[] _capturedEnabled = Array.Empty<bool>();
    private bool _componentsChanged; // set and cleared on the game's thread (frame handlers)
    private long _lastCaptureTimestamp;
    private long _lastPreviewRequest; // attached: when a frame last asked for previews (RequestPreviewsWhenDue)
    private int _publishPending, _republishPending, _inHandlers, _handlerThread, _submittedDispatches, _completedDispatches;
    private FrameCapture? _lastPublished;
    private volatile bool _detached;
    private GpuContext? _gpu;
    private MeshRenderer? _meshRenderer;
    private bool _meshRendererFailed;
    private ComponentHost? _host;
    private EditorDocument? _document;
    private SessionSnapshot _snapshot;
    private long _sequence, _previewVersion, _frames;
    private double _fps;
    private (long Frame, double Milliseconds, int Dispatches, IReadOnlyList<GpuTiming> Timings) _lastWork = (0, 0, 0, Array.Empty<GpuTiming>());
    private bool _disposed;

    /// <summary>What one frame left for the editor, picked up on the ticking thread (cheap: references and numbers)
    /// and turned into a <see cref="SessionSnapshot"/> on the session thread.</summary>
    private sealed record FrameCapture(long Frame, double FrameMilliseconds, double FramesPerSecond, ComponentCapture[] Components,
        (long Frame, double Milliseconds, int Dispatches, IReadOnlyList<GpuTiming> Timings) Work);

    private readonly record struct ComponentCapture(string Id, Component Component, bool Enabled, long ParameterVersion,
        ComponentStatus? Status, string? StatusError, IReadOnlyList<ComponentPreview> Previews, string? PreviewError);

    /// <summary>Starts the session thread; await <see cref="WaitUntilReadyAsync"/> before using it.</summary>
    /// <param name="componentTypes">Component types to instantiate (usually <see cref="ComponentCatalog.Discover"/>).</param>
    /// <param name="options">Tick rate and GPU factory; defaults when null.</param>
    public EditorSession(IEnumerable<Type> componentTypes, EditorSessionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(componentTypes);
        _options = options ?? new EditorSessionOptions();
        _options.Validate();
        _types = componentTypes.ToArray();
        foreach (var t in _types)
            if (!ComponentCatalog.IsEditable(t)) throw new ArgumentException($"{t.FullName} is not a non-abstract Component with a public parameterless constructor", nameof(componentTypes));
        _snapshot = new SessionSnapshot("(starting)", 0, 0, 0, 0, Array.Empty<ComponentState>(), 0, 0, Array.Empty<string>(), 0, 0, 0, Array.Empty<GpuTiming>());
        _thread = new Thread(Run) { IsBackground = true, Name = "FieldForge editor session" };
        _thread.Start();
    }

    /// <summary>Attaches an editor to <paramref name="host"/>, which the game keeps ticking on its own thread: the
    /// inspectors show the host's own component instances (those on it now, in its order), edits reach them at the
    /// start of the game's next <see cref="ComponentHost.Tick"/>, and <see cref="ComponentHost.PreviewsWanted"/> is set on
    /// the frames that should build previews (<see cref="EditorSessionOptions.PreviewIntervalMilliseconds"/> apart, so
    /// the game pays for read-backs a few times a second, not every frame) until <see cref="Dispose"/> detaches (unsubscribes and restores it) while the game runs on. Call it from the
    /// thread that ticks the host, or while no Tick runs. <see cref="EditorSessionOptions.CreateGpu"/> and
    /// <see cref="EditorSessionOptions.FrameBudgetMilliseconds"/> do not apply (the game owns both);
    /// <see cref="EditorSessionOptions.TickIntervalMilliseconds"/> is how often unchanged frames are picked up.</summary>
    public static EditorSession Attach(ComponentHost host, EditorSessionOptions? options = null) => new(host, options);

    private EditorSession(ComponentHost host, EditorSessionOptions? options)
    {
        ArgumentNullException.ThrowIfNull(host);
        _options = options ?? new EditorSessionOptions();
        _options.Validate();
        _attachedTo = host;
        _host = host;
        _document = new EditorDocument(host.Components.ToArray(), deferApply: true);
        ComponentTypes = _document.Components.Select(c => (c.Id, c.Component.GetType())).ToArray();
        _snapshot = new SessionSnapshot(host.Gpu.DeviceInfo.Name, 0, 0, 0, 0, Array.Empty<ComponentState>(), 0, 0, Array.Empty<string>(), 0, 0, 0, Array.Empty<GpuTiming>())
            { Attached = true };
        _previewsWantedBefore = host.PreviewsWanted;
        host.PreviewsWanted = true;
        _thread = new Thread(AttachedLoop) { IsBackground = true, Name = "FieldForge editor (attached)" };
        _thread.Start();
        var first = CaptureFrame(); // the components as they are now; encoded on the session thread
        host.FrameStarting += OnFrameStarting;
        host.FrameFinished += OnFrameFinished;
        host.FrameFailed += OnFrameFailed;
        _work.Add(() =>
        {
            Publish(first);
            _ready.TrySetResult();
        });
    }

    /// <summary>True when this session is attached to a game's host (<see cref="Attach"/>), false when it owns one.</summary>
    public bool IsAttached => _attachedTo is not null;

    /// <summary>Hands the editor the game's latest rendered frame (RGBA8, row-major, top row first), shown in the page's
    /// game view. The pixels are copied into a reused buffer (no allocation while the size stays the same) and encoded
    /// to PNG later, on the web request's thread, so the caller's frame pays only for the copy. Call it from one thread
    /// at a time (the game's render loop).</summary>
    public void PublishGameView(int width, int height, ReadOnlySpan<byte> rgba) => _gameView.Publish(width, height, rgba);

    /// <summary>Size and version (0 before the first) of the latest game view frame.</summary>
    public (int Width, int Height, long Version) GameView => _gameView.Latest;

    /// <summary>The latest game view frame as PNG (encoded on the calling thread when it changed), or null before the
    /// game published one.</summary>
    public (long Version, byte[] Png)? GameViewPng() => _gameView.Png();

    /// <summary>The latest published state (safe to read from any thread).</summary>
    public SessionSnapshot Snapshot => Volatile.Read(ref _snapshot);

    /// <summary>Ids and types of the hosted components (after <see cref="WaitUntilReadyAsync"/>).</summary>
    public IReadOnlyList<(string Id, Type Type)> ComponentTypes { get; private set; } = Array.Empty<(string, Type)>();

    /// <summary>Completes once the GPU context exists and the first frame ran; throws if the GPU could not be created.</summary>
    public Task WaitUntilReadyAsync() => _ready.Task;

    /// <summary>Runs <paramref name="edit"/> on the caller's thread under the document lock and publishes the new values
    /// at once; the components receive the edited values just before the next frame (the session's own, or the game's
    /// when attached), so this never waits for a frame in progress. Exceptions (e.g. <see cref="EditorException"/>)
    /// propagate and leave nothing half-applied. A request whose client has gone (<paramref name="cancel"/>) is dropped
    /// before it changes anything.</summary>
    public T Edit<T>(Func<EditorDocument, T> edit, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(edit);
        T result;
        lock (_gate)
        {
            if (_document is null || _disposed) throw new EditorException(503, _disposed ? "the editor session has stopped" : "the editor session is not running");
            cancel.ThrowIfCancellationRequested();
            result = edit(_document);
            PublishValues();
        }
        Wake();
        return result;
    }

    /// <summary>Runs <paramref name="action"/> between frames on the thread that ticks the components (the session
    /// thread, or the game's thread at its next frame when attached), then publishes a new snapshot. Exceptions thrown
    /// by the action (e.g. <see cref="EditorException"/>) come back through the task; work whose
    /// <paramref name="cancel"/> fired before its turn is skipped (the task is cancelled).</summary>
    public Task<T> InvokeAsync<T>(Func<EditorDocument, T> action, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(action);
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        void Work()
        {
            if (cancel.IsCancellationRequested) { done.SetCanceled(cancel); return; }
            if (_detached) { done.SetException(new EditorException(503, "the editor session has stopped")); return; }
            try
            {
                lock (_gate) done.SetResult(action(_document ?? throw new EditorException(503, "the editor session is not running")));
            }
            catch (Exception e) { done.SetException(e); }
        }
        if (IsAttached)
        {
            lock (_gate)
            {
                if (_disposed) done.SetException(new EditorException(503, "the editor session has stopped"));
                else _frameWork.Enqueue(Work);
            }
            return done.Task;
        }
        try { _work.Add(Work); }
        catch (Exception e) when (e is InvalidOperationException or ObjectDisposedException) { done.SetException(new EditorException(503, "the editor session has stopped")); }
        return done.Task;
    }

    /// <summary>Enables or disables a component (not an undo step) from the next frame on; enabling clears the error
    /// shown for it. Returns at once, like <see cref="Edit{T}"/>.</summary>
    public Task<bool> SetEnabledAsync(string componentId, bool enabled, CancellationToken cancel = default)
    {
        lock (_gate)
        {
            if (_document is null || _disposed) throw new EditorException(503, "the editor session is not running");
            _document.Get(componentId); // 404 for unknown ids
            cancel.ThrowIfCancellationRequested();
            _enableRequests[componentId] = enabled;
        }
        Wake();
        return Task.FromResult(enabled);
    }

    /// <summary>Makes the standalone session loop look at its queue now (an edit should show at the next frame, not after
    /// the idle wait). Attached sessions apply edits at the game's next frame, which comes anyway.</summary>
    private void Wake()
    {
        if (IsAttached) return;
        try { _work.Add(static () => { }); }
        catch (Exception e) when (e is InvalidOperationException or ObjectDisposedException) { /* stopping */ }
    }

    // ---------- standalone: the session owns the GPU and the host and ticks them on its thread ----------

    private void Run()
    {
        try
        {
            _gpu = (_options.CreateGpu ?? (() => GpuContext.Create()))();
            _host = new ComponentHost(_gpu) { FrameBudgetMilliseconds = _options.FrameBudgetMilliseconds, PreviewsWanted = true };
            var components = new List<Component>();
            foreach (var t in _types)
            {
                try { components.Add((Component)Activator.CreateInstance(t)!); }
                catch (Exception e) { AddProblem($"{t.Name} could not be created: {(e.InnerException ?? e).Message}"); }
            }
            lock (_gate) _document = new EditorDocument(components, deferApply: true);
            foreach (var (_, c) in _document.Components) _host.Add(c);
            ComponentTypes = _document.Components.Select(c => (c.Id, c.Component.GetType())).ToArray();
            Tick(0);
            Publish(CaptureFrame());
        }
        catch (Exception e)
        {
            DisposeGpu();
            _ready.TrySetException(e);
            DrainRejected();
            return;
        }
        _ready.TrySetResult();
        Loop();
        DisposeGpu();
    }

    private void Loop()
    {
        var clock = Stopwatch.StartNew();
        double interval = _options.TickIntervalMilliseconds, last = 0, next = interval;
        while (true)
        {
            int wait = (int)Math.Clamp(next - clock.Elapsed.TotalMilliseconds, 0, interval);
            if (_work.TryTake(out var first, wait))
            {
                first();
                while (_work.TryTake(out var more)) more();
                Publish(CaptureFrame());
                next = clock.Elapsed.TotalMilliseconds; // show the edit's effect at once
                continue;
            }
            if (_work.IsCompleted) return;
            double now = clock.Elapsed.TotalMilliseconds;
            if (now < next) continue;
            double dt = (now - last) / 1000;
            last = now;
            bool ok = Tick(dt);
            _fps = FramesPerSecond();
            Publish(CaptureFrame());
            next = clock.Elapsed.TotalMilliseconds + (ok ? interval : Math.Max(interval, 1000)); // back off after an error
        }
    }

    /// <summary>One standalone frame: edits, the host's Tick, and on failure the culprit disabled with its error.</summary>
    private bool Tick(double dt)
    {
        bool ok = true;
        ApplyEdits();
        RetryEditedFailures();
        _frames++;
        try { _host!.Tick(dt); }
        catch (Exception e)
        {
            ok = false;
            var culprit = Culprit(e);
            if (culprit is { } c)
            {
                lock (_gate) _errors.TryAdd(c.Id, ErrorText(e));
                if (c.Component.Enabled)
                {
                    _failedWith[c.Id] = ComponentParameters.Snapshot(c.Component);
                    c.Component.Enabled = false; // the host calls OnDisable on the next frame
                }
            }
            else AddProblem($"frame failed: {e.GetType().Name}: {e.Message}");
        }
        if (ok)
        {
            _enabledAtLastGoodFrame.Clear();
            foreach (var (id, c) in _document!.Components)
            {
                _versionAtLastGoodFrame[id] = c.ParameterVersion;
                if (c.Enabled) _enabledAtLastGoodFrame.Add(id);
            }
        }
        RecordWork();
        if (_gpu!.ValidationEnabled)
            foreach (var m in _gpu.DrainValidationMessages()) AddProblem($"validation: {m}");
        return ok;
    }

    /// <summary>A component disabled by an error gets another chance once its parameters are edited (e.g. a bad file
    /// path fixed), so the user does not have to find the enable switch.</summary>
    private void RetryEditedFailures()
    {
        foreach (var (id, c) in _document!.Components)
        {
            if (c.Enabled || !_failedWith.TryGetValue(id, out var atFailure)) continue;
            var now = ComponentParameters.Snapshot(c);
            if (now.All(kv => Equals(kv.Value, atFailure.GetValueOrDefault(kv.Key)))) continue;
            _failedWith.Remove(id);
            lock (_gate) _errors.Remove(id);
            c.Enabled = true;
        }
    }

    /// <summary>Which component made the frame fail: the one whose code is innermost on the exception's stack; when
    /// several share that type, or the stack names none (the JIT may inline a component's Update into the host's Tick),
    /// the only candidate that is enabled, or whose parameters changed since the last good frame. Null when unsure.</summary>
    private (string Id, Component Component)? Culprit(Exception e)
    {
        // Ran this frame: enabled now, or just switched off (its OnDisable runs in this frame and may be what threw).
        var ran = _document!.Components.Where(c => c.Component.Enabled || _enabledAtLastGoodFrame.Contains(c.Id)).ToArray();
        if (e is ComponentException named && ran.FirstOrDefault(c => ReferenceEquals(c.Component, named.Component)) is { Component: not null } exact)
            return exact;
        var candidates = StackType(e) is { } t ? ran.Where(c => t.IsAssignableFrom(c.Component.GetType())).ToArray() : ran;
        if (candidates.Length == 1) return candidates[0];
        var changed = candidates.Where(c => c.Component.ParameterVersion != _versionAtLastGoodFrame.GetValueOrDefault(c.Id, -1)).ToArray();
        return changed.Length == 1 ? changed[0] : null;
    }

    /// <summary>The innermost component type on the exception's stack (inner exceptions first), if any.</summary>
    private static Type? StackType(Exception e)
    {
        for (var ex = e; ex is not null; ex = ex.InnerException)
            foreach (var frame in new StackTrace(ex).GetFrames())
                for (var t = frame.GetMethod()?.DeclaringType; t is not null; t = t.DeclaringType)
                    if (t != typeof(Component) && typeof(Component).IsAssignableFrom(t)) return t;
        return null;
    }

    // ---------- attached: the game ticks the host; the session listens to its frame events ----------

    /// <summary>Start of the game's frame, on its thread: queued edits, enable switches and work items. Never throws
    /// into the game's Tick (a failure becomes a problem on the page).</summary>
    private void OnFrameStarting(ComponentHost host)
    {
        if (!EnterHandler()) return;
        try
        {
            _frames++;
            SynchronizeComponents(host);
            ApplyEdits();
            while (_frameWork.TryDequeue(out var work)) work();
            RequestPreviewsWhenDue(host);
        }
        catch (Exception e) { AddProblem($"applying edits failed: {e.GetType().Name}: {e.Message}"); }
        finally { ExitHandler(); }
    }

    /// <summary>Components the game added or removed since the last frame join or leave the inspectors (the page
    /// rebuilds its list when the ids it polls change).</summary>
    private void SynchronizeComponents(ComponentHost host)
    {
        lock (_gate)
        {
            if (!_document!.Synchronize(host.Components)) return;
            ComponentTypes = _document.Components.Select(c => (c.Id, c.Component.GetType())).ToArray();
            _componentsChanged = true;
        }
    }

    /// <summary>Previews cost the game a read-back and host copies, so frames ask for them at most every
    /// <see cref="EditorSessionOptions.PreviewIntervalMilliseconds"/>, not at the game's frame rate, and not while
    /// the session thread is still encoding the last ones; components bring a preview they skipped up to date on the
    /// next frame that wants one. A game that wanted previews before attaching keeps them on every frame.</summary>
    private void RequestPreviewsWhenDue(ComponentHost host)
    {
        long now = Stopwatch.GetTimestamp();
        bool due = Volatile.Read(ref _publishPending) == 0
            && Stopwatch.GetElapsedTime(_lastPreviewRequest, now).TotalMilliseconds >= _options.PreviewIntervalMilliseconds;
        if (due) _lastPreviewRequest = now;
        host.PreviewsWanted = _previewsWantedBefore || due;
    }

    /// <summary>End of the game's frame, on its thread: errors of earlier frames are over; when something changed (or
    /// the refresh interval passed) the statuses and preview objects are picked up and handed to the session thread,
    /// which encodes them. Coalesced: while the session thread is still publishing, frames are not picked up.</summary>
    private void OnFrameFinished(ComponentHost host)
    {
        if (!EnterHandler()) return;
        try
        {
            _fps = FramesPerSecond();
            // Pipelined, the frame completed in this Tick is the one submitted in the previous Tick: its dispatch count
            // is the one the host reported then (timings always describe the last completed frame).
            _completedDispatches = host.FramesInFlight == 1 ? host.LastFrameDispatches : _submittedDispatches;
            _submittedDispatches = host.LastFrameDispatches;
            bool hadErrors;
            lock (_gate)
            {
                hadErrors = _errors.Count > 0;
                _errors.Clear(); // the frame ran to its end: nothing is failing now
            }
            CaptureForPublish(force: hadErrors);
        }
        catch (Exception e) { AddProblem($"reading the frame failed: {e.GetType().Name}: {e.Message}"); }
        finally { ExitHandler(); }
    }

    /// <summary>The game's frame failed: show the error on the component that threw (the exception still propagates to
    /// the game; the editor does not disable anything on the game's behalf).</summary>
    private void OnFrameFailed(ComponentHost host, Exception error)
    {
        if (!EnterHandler()) return;
        try
        {
            var culprit = error is ComponentException named
                ? _document!.Components.FirstOrDefault(c => ReferenceEquals(c.Component, named.Component)).Id
                : null;
            lock (_gate)
            {
                if (culprit is not null) _errors[culprit] = ErrorText(error);
                else AddProblem($"frame {_frames} failed: {error.GetType().Name}: {error.Message}");
            }
            CaptureForPublish(force: true);
        }
        catch (Exception e) { AddProblem($"reading the failed frame failed: {e.GetType().Name}: {e.Message}"); }
        finally { ExitHandler(); }
    }

    private bool EnterHandler()
    {
        Interlocked.Increment(ref _inHandlers);
        Volatile.Write(ref _handlerThread, Environment.CurrentManagedThreadId);
        if (!_detached) return true;
        Interlocked.Decrement(ref _inHandlers);
        return false;
    }

    private void ExitHandler() => Interlocked.Decrement(ref _inHandlers);

    /// <summary>Picks the frame up for the session thread when a preview object, a parameter version or an enable
    /// state changed since the last pick-up, or the refresh interval passed (statuses, timings).</summary>
    private void CaptureForPublish(bool force)
    {
        if (Volatile.Read(ref _publishPending) != 0)
        {
            // The session thread is still on the previous capture. An error must not be lost: publish that capture again
            // once it is done (errors are read when publishing), at most one such request queued.
            if (force && Interlocked.Exchange(ref _republishPending, 1) == 0)
                Post(() =>
                {
                    Volatile.Write(ref _republishPending, 0);
                    if (_lastPublished is { } last) Publish(last);
                });
            return;
        }
        long now = Stopwatch.GetTimestamp();
        // A changed component list is always picked up (the captured arrays below are indexed by position in the list).
        bool due = force || _componentsChanged || Stopwatch.GetElapsedTime(_lastCaptureTimestamp, now).TotalMilliseconds >= _options.TickIntervalMilliseconds;
        if (!due)
        {
            var components = _document!.Components;
            for (int i = 0; i < components.Count && !due; i++)
            {
                var c = components[i].Component;
                if (c.Enabled != _capturedEnabled[i] || c.ParameterVersion != _capturedVersions[i]) due = true;
                else if (c.Enabled)
                {
                    try { due = !ReferenceEquals(c.GetPreviews(), _capturedPreviews[i]); }
                    catch { due = true; } // the capture reports it
                }
            }
        }
        if (!due) return;
        _componentsChanged = false;
        _lastCaptureTimestamp = now;
        RecordWork(); // timings are built when read: only for frames the editor picks up
        var capture = CaptureFrame();
        Volatile.Write(ref _publishPending, 1);
        Post(() =>
        {
            Volatile.Write(ref _publishPending, 0);
            Publish(capture);
        });
    }

    private void Post(Action work)
    {
        try { _work.Add(work); }
        catch (Exception e) when (e is InvalidOperationException or ObjectDisposedException) { /* detaching */ }
    }

    /// <summary>The session thread of an attached session: publishes what the game's frames left (encoding previews and
    /// rendering meshes here, never on the game's thread) until detached.</summary>
    private void AttachedLoop()
    {
        try
        {
            foreach (var work in _work.GetConsumingEnumerable())
            {
                try { work(); }
                catch (Exception e) { AddProblem($"publishing failed: {e.GetType().Name}: {e.Message}"); }
            }
        }
        finally
        {
            _meshRenderer?.Dispose();
            _meshRenderer = null;
        }
    }

    // ---------- shared: edits in, frames out ----------

    /// <summary>Frames completed per second over the frame ends of the last second (at least the last two frames), so
    /// the figure follows a change of frame time at once instead of decaying towards it.</summary>
    private double FramesPerSecond()
    {
        long now = Stopwatch.GetTimestamp();
        _frameEnds.Enqueue(now);
        while (_frameEnds.Count > 2 && Stopwatch.GetElapsedTime(_frameEnds.Peek(), now) > TimeSpan.FromSeconds(1)) _frameEnds.Dequeue();
        if (_frameEnds.Count < 2) return 0;
        double seconds = Stopwatch.GetElapsedTime(_frameEnds.Peek(), now).TotalSeconds;
        return seconds > 0 ? (_frameEnds.Count - 1) / seconds : 0;
    }

    /// <summary>Just before a frame, on the ticking thread: the edits accepted since the last one reach the components,
    /// then enable switches. Under the lock, so a frame never sees half of an edit (a preset, an undo step).</summary>
    private void ApplyEdits()
    {
        lock (_gate)
        {
            _document!.ApplyPending();
            foreach (var (id, enabled) in _enableRequests)
            {
                _document.Get(id).Enabled = enabled;
                if (enabled) { _errors.Remove(id); _failedWith.Remove(id); }
            }
            _enableRequests.Clear();
        }
    }

    /// <summary>The last completed frame, when it dispatched work, for the performance panel (on the ticking thread).</summary>
    private void RecordWork()
    {
        var host = _host!;
        int dispatches = IsAttached ? _completedDispatches : host.LastFrameDispatches; // the standalone host blocks
        if (dispatches > 0) _lastWork = (_frames - (host.FramesInFlight - 1), host.LastFrameMilliseconds, dispatches, host.LastFrameTimings.ToArray());
    }

    private static string ErrorText(Exception e)
    {
        var cause = e is ComponentException { InnerException: { } inner } ? inner : e; // the host's wrapper only names the component
        return $"{cause.GetType().Name}: {cause.Message}";
    }

    /// <summary>Statuses and preview objects of every component, on the thread that ticks them (between frames).</summary>
    private FrameCapture CaptureFrame()
    {
        var components = _document!.Components;
        if (_capturedPreviews.Length != components.Count)
        {
            _capturedPreviews = new IReadOnlyList<ComponentPreview>[components.Count];
            _capturedVersions = new long[components.Count];
            _capturedEnabled = new bool[components.Count];
        }
        var captured = new ComponentCapture[components.Count];
        for (int i = 0; i < components.Count; i++)
        {
            var (id, c) = components[i];
            bool enabled = c.Enabled;
            ComponentStatus? status = null;
            string? statusError = null, previewError = null;
            IReadOnlyList<ComponentPreview> previews = Array.Empty<ComponentPreview>();
            if (enabled)
            {
                try { status = c.Status; }
                catch (Exception e) { statusError = $"status failed: {e.GetType().Name}: {e.Message}"; }
                try { previews = c.GetPreviews(); }
                catch (Exception e) { previewError = $"previews failed: {e.GetType().Name}: {e.Message}"; }
            }
            captured[i] = new ComponentCapture(id, c, enabled, c.ParameterVersion, status, statusError, previews, previewError);
            _capturedPreviews[i] = previews;
            _capturedVersions[i] = c.ParameterVersion;
            _capturedEnabled[i] = enabled;
        }
        return new FrameCapture(_frames, _host!.LastFrameMilliseconds, _fps, captured, _lastWork);
    }

    /// <summary>Turns a capture into the published snapshot, on the session thread: previews are encoded (PNG, plot JSON,
    /// meshes rendered) only when a component handed over new content.</summary>
    private void Publish(FrameCapture capture)
    {
        _lastPublished = capture;
        var states = new List<ComponentState>(capture.Components.Length);
        foreach (var c in capture.Components)
        {
            var shown = new List<PreviewState>(c.Previews.Count);
            for (int i = 0; i < c.Previews.Count; i++) shown.Add(PreviewOf(c.Id, i, c.Previews[i]));
            states.Add(new ComponentState(c.Id, c.Component.GetType().Name, c.Component.Name, c.Enabled, c.ParameterVersion,
                EmptyValues, shown, null, ComponentStatus.Ready));
        }
        var doc = _document!;
        var host = _host!;
        lock (_gate)
        {
            var withValues = new List<ComponentState>(states.Count);
            for (int i = 0; i < states.Count; i++)
            {
                var c = capture.Components[i];
                // Captured before the game removed it (an attached host's list changed since): the next capture, which
                // the change forces, publishes the new list.
                if (!doc.TryValuesOf(c.Id, out var values)) continue;
                string? error = _errors.GetValueOrDefault(c.Id);
                ComponentStatus status = error is not null ? ComponentStatus.Failed(error)
                    : !c.Enabled ? new ComponentStatus(ComponentActivity.Ok, "disabled", null, PreviewsStale: true)
                    : c.StatusError is not null ? ComponentStatus.Failed(c.StatusError)
                    : c.Status ?? ComponentStatus.Ready;
                withValues.Add(states[i] with
                {
                    Values = new Dictionary<string, object?>(values, StringComparer.Ordinal),
                    Error = error ?? c.PreviewError,
                    Status = status,
                });
            }
            Volatile.Write(ref _snapshot, new SessionSnapshot(host.Gpu.DeviceInfo.Name, ++_sequence, capture.Frame, capture.FrameMilliseconds, capture.FramesPerSecond,
                withValues.ToArray(), doc.History.UndoCount, doc.History.RedoCount, _problems.ToArray(),
                capture.Work.Frame, capture.Work.Milliseconds, capture.Work.Dispatches, capture.Work.Timings) { Attached = IsAttached });
        }
    }

    private static readonly IReadOnlyDictionary<string, object?> EmptyValues = new Dictionary<string, object?>();

    /// <summary>After an edit (under the lock): the same snapshot with the document's new values and undo counts.</summary>
    private void PublishValues()
    {
        var doc = _document!;
        var s = Volatile.Read(ref _snapshot);
        Volatile.Write(ref _snapshot, s with
        {
            Sequence = ++_sequence,
            // (A component the game removed since the snapshot leaves it here already.)
            Components = s.Components.Where(c => doc.TryValuesOf(c.Id, out _))
                .Select(c => c with { Values = new Dictionary<string, object?>(doc.ValuesOf(c.Id), StringComparer.Ordinal) }).ToArray(),
            UndoCount = doc.History.UndoCount,
            RedoCount = doc.History.RedoCount,
        });
    }

    /// <summary>Encodes a preview only when the component handed over a new object (previews are cached results).</summary>
    private PreviewState PreviewOf(string id, int index, ComponentPreview preview)
    {
        if (_previews.TryGetValue((id, index), out var cached) && SameContent(cached.Source, preview)) return cached.State;
        long version = ++_previewVersion;
        PreviewState state;
        try
        {
            state = preview switch
            {
                ImagePreview image => new PreviewState("image", image.Title, version, PreviewEncoder.Png(PreviewScaling.Fit(image, _options.MaxPreviewSide)), null),
                PlotPreview plot => new PreviewState("plot", plot.Title, version, null, PreviewEncoder.PlotJson(plot, _options.MaxPlotPoints)),
                MeshPreview mesh => new PreviewState("mesh", mesh.Title, version, RenderMesh(mesh), PreviewEncoder.MeshJson(mesh)),
                _ => new PreviewState("unknown", preview.Title, version, null, null, $"no viewer for {preview.GetType().Name}"),
            };
        }
        catch (Exception e) { state = new PreviewState("error", preview.Title, version, null, null, e.Message); }
        _previews[(id, index)] = (preview, state);
        return state;
    }

    /// <summary>Same object, or equal content (some components build new records and arrays in every GetPreviews call;
    /// comparing contents is far cheaper than re-encoding and having every open page fetch them again).</summary>
    private static bool SameContent(ComponentPreview a, ComponentPreview b) => ReferenceEquals(a, b) || (a, b) switch
    {
        (ImagePreview x, ImagePreview y) => x.Title == y.Title && x.Width == y.Width && x.Height == y.Height && Same(x.Rgba, y.Rgba),
        (PlotPreview x, PlotPreview y) => x.Title == y.Title && x.XLabel == y.XLabel && x.YLabel == y.YLabel && x.LogY == y.LogY &&
            x.Series.Count == y.Series.Count &&
            x.Series.Zip(y.Series).All(s => s.First.Name == s.Second.Name && Same(s.First.X, s.Second.X) && Same(s.First.Y, s.Second.Y)),
        (MeshPreview x, MeshPreview y) => x.Title == y.Title && Same(x.Positions, y.Positions) && Same(x.Normals, y.Normals) &&
            Same(x.Colors, y.Colors) && Same(x.Indices, y.Indices),
        _ => false,
    };

    private static bool Same<T>(T[]? x, T[]? y) where T : IEquatable<T> =>
        ReferenceEquals(x, y) || (x is not null && y is not null && x.AsSpan().SequenceEqual(y));

    /// <summary>The mesh rendered offscreen with OpenGL (EGL headless) on the session thread (never the game's), only
    /// when the mesh changed; null when GL is unavailable (reported once as a problem; the page then shows the mesh
    /// statistics only).</summary>
    private byte[]? RenderMesh(MeshPreview mesh)
    {
        if (_meshRendererFailed || mesh.Indices.Length == 0) return null;
        try { _meshRenderer ??= new MeshRenderer(); }
        catch (Exception e) when (e is GlUnavailableException or GlException or DllNotFoundException)
        {
            _meshRendererFailed = true;
            AddProblem($"mesh previews show statistics only: {e.Message}");
            return null;
        }
        _meshRenderer.Background = new RgbaColor(17, 19, 24);
        _meshRenderer.SetMesh(mesh.Positions, mesh.Normals, mesh.Colors ?? Array.Empty<float>(), mesh.Indices);
        _meshRenderer.FrameMesh();
        const int size = 256;
        return PreviewEncoder.Png(new ImagePreview(mesh.Title, size, size, _meshRenderer.RenderToRgba(size, size)));
    }

    private void AddProblem(string message)
    {
        lock (_gate)
        {
            _problems.Add(message);
            if (_problems.Count > MaxProblems) _problems.RemoveAt(0);
        }
    }

    private void DrainRejected()
    {
        _work.CompleteAdding();
        while (_work.TryTake(out var w)) w();
    }

    private void DisposeGpu()
    {
        try { _host?.Dispose(); }
        catch (Exception e) { AddProblem($"shutdown: {e.Message}"); }
        _meshRenderer?.Dispose();
        _meshRenderer = null;
        _gpu?.Dispose();
        _host = null;
        _gpu = null;
    }

    /// <summary>Stops the session: no new work is accepted. Standalone: queued work and the frame in progress finish,
    /// then the components and the GPU context are disposed on the session thread. Attached: the session unsubscribes
    /// from the game's host, waits for a frame event it is handling to return (unless called from inside one), restores
    /// <see cref="ComponentHost.PreviewsWanted"/> and leaves the game's components and context alone; queued work items
    /// fail. Waits at most <paramref name="timeout"/>; false when the thread is still busy then.</summary>
    public bool Stop(TimeSpan timeout)
    {
        lock (_gate) _disposed = true;
        var clock = Stopwatch.StartNew();
        if (_attachedTo is { } host && !_detached)
        {
            _detached = true;
            host.FrameStarting -= OnFrameStarting;
            host.FrameFinished -= OnFrameFinished;
            host.FrameFailed -= OnFrameFailed;
            // A handler that entered before the flag was set may still run on the game's thread: let it end, so nothing of
            // the editor touches the game's components once this returns (unless Stop is called from that handler itself).
            int own = Volatile.Read(ref _handlerThread) == Environment.CurrentManagedThreadId && Volatile.Read(ref _inHandlers) > 0 ? 1 : 0;
            var spin = new SpinWait();
            while (Volatile.Read(ref _inHandlers) > own && clock.Elapsed < timeout) spin.SpinOnce();
            host.PreviewsWanted = _previewsWantedBefore;
            while (_frameWork.TryDequeue(out var work)) work(); // detached: each fails with 503 without touching anything
        }
        try { _work.CompleteAdding(); } catch (ObjectDisposedException) { }
        if (Thread.CurrentThread == _thread) return true;
        var left = timeout - clock.Elapsed;
        return _thread.Join(left > TimeSpan.Zero ? left : TimeSpan.Zero);
    }

    /// <summary>Stops the session (see <see cref="Stop"/>) waiting at most <see cref="EditorSessionOptions.ShutdownTimeoutSeconds"/>.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposeCalls, 1) == 1) return;
        if (Stop(TimeSpan.FromSeconds(_options.ShutdownTimeoutSeconds))) _work.Dispose();
    }

    private int _disposeCalls;
}
