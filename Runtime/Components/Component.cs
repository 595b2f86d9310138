using FieldForge.Gpu;

namespace FieldForge.Components;

/// <summary>
/// A Unity-style component: public parameters (with [Range], [Tooltip], [Header] ...) and a lifecycle driven by a
/// <see cref="ComponentHost"/>. GPU work is recorded into the frame's shared batch in <see cref="Update"/>; results
/// that need the finished frame are read in <see cref="OnFrameCompleted"/>.
/// </summary>
public abstract class Component
{
    private ParameterTracker? _tracker;

    /// <summary>Disabled components are not updated (OnDisable/OnEnable run on the change).</summary>
    [HideInInspector] public bool Enabled { get; set; } = true;

    /// <summary>Display name; defaults to the type name.</summary>
    [HideInInspector] public virtual string Name => GetType().Name;

    /// <summary>Incremented every time the host sees a parameter change; previews re-render when it moves.</summary>
    [HideInInspector] public long ParameterVersion { get; private set; }

    /// <summary>Called once when the component becomes active on a host: allocate GPU resources here.</summary>
    public virtual void OnEnable(GpuContext gpu) { }

    /// <summary>Called every frame while enabled. <paramref name="parametersChanged"/> is true on the first frame and
    /// whenever a parameter differs from the previous frame, so expensive work runs only when needed.</summary>
    public virtual void Update(FrameContext frame, bool parametersChanged) { }

    /// <summary>Called after the frame's batch completed (read back results here).</summary>
    public virtual void OnFrameCompleted(FrameContext frame) { }

    /// <summary>What the editor shows for this component right now (images, plots, meshes). Called after a frame
    /// completed; return cached results, do not dispatch work here.</summary>
    public virtual IReadOnlyList<ComponentPreview> GetPreviews() => Array.Empty<ComponentPreview>();

    /// <summary>What the component is doing right now (ok, computing with progress, or why its parameters cannot be
    /// used), for an inspector's status line. Read between frames.</summary>
    public virtual ComponentStatus Status => ComponentStatus.Ready;

    /// <summary>Called when disabled or removed: free GPU resources here.</summary>
    public virtual void OnDisable() { }

    internal void ResetChangeTracking() => _tracker?.Reset();

    /// <summary>Compares parameters with the last frame's values (allocation-free after the first call).</summary>
    internal bool DetectParameterChange()
    {
        _tracker ??= new ParameterTracker(GetType());
        bool changed = _tracker.Changed(this);
        if (changed) ParameterVersion++;
        return changed;
    }
}
