using System.Collections.Concurrent;
using System.Diagnostics;
using FieldForge.Components;
using FieldForge.Gpu;
using FieldForge.Rendering;
using FieldForge.Core;

namespace FieldForge.Editor;

/// <summary>
/// Owns a <see cref="GpuContext"/>, a <see cref="ComponentHost"/> with one instance of each component type, and the
/// <see cref="EditorDocument"/> editing them. Frames run on ONE dedicated thread (a Vulkan context is used from one
/// thread). Edits never wait for a frame: <see cref="Edit{T}"/> validates and records them at once under a lock on the
/// caller's thread, and the session thread writes them to the components just before its next frame; frames stay
/// short because the host gives components a time budget. Other session-thread work is queued with
/// <see cref="InvokeAsync{T}"/>; everyone reads the latest immutable <see cref="Snapshot"/>. A component that throws
/// is disabled with its error shown; the session keeps running.
/// </summary>
public sealed class EditorSession : IDisposable
{
    private const int MaxProblems = 50;
    private readonly BlockingCollection<Action> _work = new();
    private readonly object _gate = new(); // guards _document, _enableRequests, _sequence and snapshot writes
    private readonly Dictionary<string, bool> _enableRequests = new(StringComparer.Ordinal);
    private readonly Queue<long> _frameEnds = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Thread _thread;
    private readonly EditorSessionOptions _options;
    private readonly IReadOnlyList<Type> _types;
    private readonly List<string> _problems = new();
    private readonly Dictionary<string, string> _errors = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _versionAtLastGoodFrame = new(StringComparer.Ordinal);
    private readonly HashSet<string> _enabledAtLastGoodFrame = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IReadOnlyDictionary<string, object?>> _failedWith = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Id, int Index), (ComponentPreview Source, PreviewState State)> _previews = new();
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

    /// <summary>The latest published state (safe to read from any thread).</summary>
    public SessionSnapshot Snapshot => Volatile.Read(ref _snapshot);

    /// <summary>Ids and types of the hosted components (after <see cref="WaitUntilReadyAsync"/>).</summary>
    public IReadOnlyList<(string Id, Type Type)> ComponentTypes { get; private set; } = Array.Empty<(string, Type)>();

    /// <summary>Completes once the GPU context exists and the first frame ran; throws if the GPU could not be created.</summary>
    public Task WaitUntilReadyAsync() => _ready.Task;

    /// <summary>Runs <paramref name="edit"/> on the caller's thread under the document lock and publishes the new values
    /// at once; the components receive the edited values just before the session's next frame, so this never waits for
    /// a frame in progress. Exceptions (e.g. <see cref="EditorException"/>) propagate and leave nothing half-applied.
    /// A request whose client has gone (<paramref name="cancel"/>) is dropped before it changes anything.</summary>
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

    /// <summary>Runs <paramref name="action"/> on the session thread between frames, then publishes a new snapshot.
    /// Exceptions thrown by the action (e.g. <see cref="EditorException"/>) come back through the task; work whose
    /// <paramref name="cancel"/> fired before its turn is skipped (the task is cancelled).</summary>
    public Task<T> InvokeAsync<T>(Func<EditorDocument, T> action, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(action);
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        void Work()
        {
            if (cancel.IsCancellationRequested) { done.SetCanceled(cancel); return; }
            try
            {
                lock (_gate) done.SetResult(action(_document ?? throw new EditorException(503, "the editor session is not running")));
            }
            catch (Exception e) { done.SetException(e); }
        }
        try { _work.Add(Work); }
        catch (Exception e) when (e is InvalidOperationException or ObjectDisposedException) { done.SetException(new EditorException(503, "the editor session has stopped")); }
        return done.Task;
    }

    /// <summary>Enables or disables a component (not an undo step) from the next frame on; enabling clears the error
    /// that disabled it. Returns at once, like <see cref="Edit{T}"/>.</summary>
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

    /// <summary>Makes the session loop look at its queue now (an edit should show at the next frame, not after the idle wait).</summary>
    private void Wake()
    {
        try { _work.Add(static () => { }); }
        catch (Exception e) when (e is InvalidOperationException or ObjectDisposedException) { /* stopping */ }
    }

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
            Publish();
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
                Publish();
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
            Publish();
            next = clock.Elapsed.TotalMilliseconds + (ok ? interval : Math.Max(interval, 1000)); // back off after an error
        }
    }

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

    /// <summary>Just before a frame: the edits accepted since the last one reach the components, then enable switches.</summary>
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
        RetryEditedFailures();
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
            _errors.Remove(id);
            c.Enabled = true;
        }
    }

    private bool Tick(double dt)
    {
        bool ok = true;
        ApplyEdits();
        _frames++;
        try { _host!.Tick(dt); }
        catch (Exception e)
        {
            ok = false;
            var culprit = Culprit(e);
            if (culprit is { } c)
            {
                var cause = e is ComponentException { InnerException: { } inner } ? inner : e; // the host's wrapper only names the component
                _errors.TryAdd(c.Id, $"{cause.GetType().Name}: {cause.Message}");
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
        if (_host!.LastFrameDispatches > 0) _lastWork = (_frames, _host.LastFrameMilliseconds, _host.LastFrameDispatches, _host.LastFrameTimings.ToArray());
        if (_gpu!.ValidationEnabled)
            foreach (var m in _gpu.DrainValidationMessages()) AddProblem($"validation: {m}");
        return ok;
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

    private void Publish()
    {
        var doc = _document!;
        var states = new List<ComponentState>();
        foreach (var (id, c) in doc.Components)
        {
            IReadOnlyList<ComponentPreview> previews = Array.Empty<ComponentPreview>();
            string? error = _errors.GetValueOrDefault(id);
            ComponentStatus status;
            if (error is not null) status = ComponentStatus.Failed(error);
            else if (!c.Enabled) status = new ComponentStatus(ComponentActivity.Ok, "disabled", null, PreviewsStale: true);
            else
            {
                try { status = c.Status; }
                catch (Exception e) { status = ComponentStatus.Failed($"status failed: {e.GetType().Name}: {e.Message}"); }
            }
            if (c.Enabled)
            {
                try { previews = c.GetPreviews(); }
                catch (Exception e) { error ??= $"previews failed: {e.GetType().Name}: {e.Message}"; }
            }
            var shown = new List<PreviewState>();
            for (int i = 0; i < previews.Count; i++) shown.Add(PreviewOf(id, i, previews[i]));
            states.Add(new ComponentState(id, c.GetType().Name, c.Name, c.Enabled, c.ParameterVersion,
                EmptyValues, shown, error, status));
        }
        var host = _host!;
        lock (_gate)
        {
            var withValues = states.Select(st => st with { Values = new Dictionary<string, object?>(doc.ValuesOf(st.Id), StringComparer.Ordinal) }).ToArray();
            Volatile.Write(ref _snapshot, new SessionSnapshot(_gpu!.DeviceInfo.Name, ++_sequence, _frames, host.LastFrameMilliseconds, _fps,
                withValues, doc.History.UndoCount, doc.History.RedoCount, _problems.ToArray(),
                _lastWork.Frame, _lastWork.Milliseconds, _lastWork.Dispatches, _lastWork.Timings));
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
            Components = s.Components.Select(c => c with { Values = new Dictionary<string, object?>(doc.ValuesOf(c.Id), StringComparer.Ordinal) }).ToArray(),
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

    /// <summary>The mesh rendered offscreen with OpenGL (EGL headless) on this thread, or null when GL is unavailable
    /// (reported once as a problem; the page then shows the mesh statistics only).</summary>
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
        _problems.Add(message);
        if (_problems.Count > MaxProblems) _problems.RemoveAt(0);
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

    /// <summary>Stops the session: no new work is accepted, queued work and the frame in progress finish, then the
    /// components and the GPU context are disposed on the session thread. Waits at most <paramref name="timeout"/>;
    /// false when the thread is still busy then (a frame that will not end; the caller may exit the process anyway).</summary>
    public bool Stop(TimeSpan timeout)
    {
        lock (_gate) _disposed = true;
        try { _work.CompleteAdding(); } catch (ObjectDisposedException) { }
        if (Thread.CurrentThread == _thread) return true;
        return _thread.Join(timeout);
    }

    /// <summary>Stops the session (see <see cref="Stop"/>) waiting at most <see cref="EditorSessionOptions.ShutdownTimeoutSeconds"/>.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposeCalls, 1) == 1) return;
        if (Stop(TimeSpan.FromSeconds(_options.ShutdownTimeoutSeconds))) _work.Dispose();
    }

    private int _disposeCalls;
}
