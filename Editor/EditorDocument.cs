using System.Text.Json.Nodes;
using FieldForge.Components;

namespace FieldForge.Editor;

/// <summary>
/// The components being edited, addressed by id (type name, "#2" on repeats), with validated edits, undo/redo and
/// presets. The document holds the edited values itself; with <c>deferApply</c> they reach the components only in
/// <see cref="ApplyPending"/>, which the <see cref="EditorSession"/> calls on its thread just before each frame, so an
/// edit is accepted at once even while a long frame runs and a component never sees a value change mid-frame.
/// Not thread-safe: the session serialises access with a lock.
/// </summary>
public sealed class EditorDocument
{
    private readonly Dictionary<string, Component> _byId = new(StringComparer.Ordinal);
    private readonly List<(string Id, Component Component)> _components = new();
    private readonly Dictionary<string, Dictionary<string, object?>> _values = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Id, string Parameter), object?> _pending = new();
    private readonly bool _deferApply;

    /// <summary>Edits <paramref name="components"/>; ids are type names, numbered from the second instance of a type.</summary>
    /// <param name="components">The components, in display order.</param>
    /// <param name="deferApply">False (standalone use): edits are written to the components at once. True (a live
    /// session): edits wait for <see cref="ApplyPending"/> at the next frame boundary.</param>
    /// <param name="history">The undo stack (default: 256 steps, drags coalesced until 1 s of silence).</param>
    public EditorDocument(IEnumerable<Component> components, bool deferApply = false, EditHistory? history = null)
    {
        ArgumentNullException.ThrowIfNull(components);
        _deferApply = deferApply;
        History = history ?? new EditHistory();
        foreach (var c in components) _components.Add((Track(c), c));
    }

    // Ids of components that left (Synchronize): never given again, so an undo step recorded for one cannot reach another.
    private readonly HashSet<string> _retired = new(StringComparer.Ordinal);

    private string Track(Component c)
    {
        var baseId = c.GetType().Name;
        var id = baseId;
        for (int n = 2; _byId.ContainsKey(id) || _retired.Contains(id); n++) id = $"{baseId}#{n}";
        _byId[id] = c;
        _values[id] = new Dictionary<string, object?>(ComponentParameters.Snapshot(c), StringComparer.Ordinal);
        return id;
    }

    /// <summary>
    /// Brings the document in line with <paramref name="components"/> (a live host's list, in its order). A component
    /// not seen before gets an id the way the constructor names them, never one a removed component had, and its current
    /// values; a component no longer listed leaves with its pending edits, and undo and redo skip the steps' changes to
    /// it. Returns true when the list changed.
    /// </summary>
    public bool Synchronize(IReadOnlyList<Component> components)
    {
        ArgumentNullException.ThrowIfNull(components);
        if (components.Count == _components.Count && components.Select((c, i) => ReferenceEquals(c, _components[i].Component)).All(same => same))
            return false;
        var known = new Dictionary<Component, string>(_components.Select(c => KeyValuePair.Create(c.Component, c.Id)), ReferenceEqualityComparer.Instance);
        var listed = new HashSet<Component>(components, ReferenceEqualityComparer.Instance);
        foreach (var (id, c) in _components.Where(c => !listed.Contains(c.Component)).ToArray())
        {
            _byId.Remove(id);
            _values.Remove(id);
            _retired.Add(id);
            foreach (var key in _pending.Keys.Where(k => k.Id == id).ToArray()) _pending.Remove(key);
        }
        var next = components.Select(c => (known.TryGetValue(c, out var id) ? id : Track(c), c)).ToArray();
        _components.Clear();
        _components.AddRange(next);
        return true;
    }

    /// <summary>Edits not yet written to the components (always 0 unless deferred).</summary>
    public int PendingCount => _pending.Count;

    /// <summary>The edited parameter values of one component (what the inspector shows; with deferred apply they may be
    /// a frame ahead of the component itself).</summary>
    public IReadOnlyDictionary<string, object?> ValuesOf(string id) =>
        _values.TryGetValue(id, out var v) ? v : throw new EditorException(404, $"no component '{id}' (have: {string.Join(", ", _byId.Keys)})");

    /// <summary>The edited values of <paramref name="id"/>, or false when no such component is (any longer) in the document.</summary>
    internal bool TryValuesOf(string id, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IReadOnlyDictionary<string, object?>? values)
    {
        bool found = _values.TryGetValue(id, out var v);
        values = v;
        return found;
    }

    /// <summary>Writes every pending edit to its component (call between frames, on the thread that ticks them);
    /// returns how many were written.</summary>
    public int ApplyPending()
    {
        int n = _pending.Count;
        try
        {
            foreach (var ((id, parameter), value) in _pending)
            {
                var component = _byId[id];
                Descriptor(component, id, parameter).SetValueUnchecked(component, value);
            }
        }
        finally { _pending.Clear(); } // a setter that throws must not make every later frame fail the same way
        return n;
    }

    /// <summary>The components with their ids, in the order given.</summary>
    public IReadOnlyList<(string Id, Component Component)> Components => _components;

    /// <summary>The undo/redo stack of this document's edits.</summary>
    public EditHistory History { get; }

    /// <summary>The component with this id; unknown ids are a 404 <see cref="EditorException"/>.</summary>
    public Component Get(string id) =>
        _byId.TryGetValue(id, out var c) ? c : throw new EditorException(404, $"no component '{id}' (have: {string.Join(", ", _byId.Keys)})");

    /// <summary>Validates and sets one parameter, recording an undo step. A rejected value (wrong type, NaN, out of
    /// range, unknown parameter) is a 400 <see cref="EditorException"/> and leaves the component unchanged.</summary>
    /// <param name="componentId">Component id, e.g. "NoiseComponent".</param>
    /// <param name="parameter">Parameter name as in the schema.</param>
    /// <param name="value">Raw value (bool, number, text, number list) checked by <see cref="ComponentParameters.Convert"/>.</param>
    /// <param name="final">False while a slider is still moving: the next edit of the same parameter merges into this undo step.</param>
    public ParameterChange SetParameter(string componentId, string parameter, object? value, bool final = true)
    {
        var component = Get(componentId);
        var descriptor = Descriptor(component, componentId, parameter);
        object converted;
        try { converted = ComponentParameters.Convert(descriptor, value); }
        catch (ArgumentException e) { throw new EditorException(400, $"{componentId}.{e.Message}"); }
        var change = new ParameterChange(componentId, parameter, _values[componentId][parameter], converted);
        // An edit that changes nothing is no undo step, unless it closes or continues an open drag of this parameter.
        if (Equals(change.Before, converted) && !History.IsOpenFor(componentId, parameter)) return change;
        Apply(componentId, parameter, converted);
        History.Record(new EditCommand($"set {componentId}.{parameter}", new[] { change }), final);
        return change;
    }

    /// <summary>Sets one parameter from its JSON value (see <see cref="InspectorSchema.FromJson"/>).</summary>
    public ParameterChange SetParameterJson(string componentId, string parameter, JsonNode? value, bool final = true)
    {
        object? raw;
        try { raw = InspectorSchema.FromJson(parameter, value); }
        catch (ArgumentException e) { throw new EditorException(400, $"{componentId}.{e.Message}"); }
        return SetParameter(componentId, parameter, raw, final);
    }

    /// <summary>Reverts the newest step; false when there is nothing to undo.</summary>
    public bool Undo()
    {
        if (History.TakeUndo() is not { } command) return false;
        foreach (var ch in command.Changes.Reverse().Where(ch => _byId.ContainsKey(ch.ComponentId))) Apply(ch.ComponentId, ch.Parameter, ch.Before);
        return true;
    }

    /// <summary>Re-applies the newest undone step; false when there is nothing to redo.</summary>
    public bool Redo()
    {
        if (History.TakeRedo() is not { } command) return false;
        foreach (var ch in command.Changes.Where(ch => _byId.ContainsKey(ch.ComponentId))) Apply(ch.ComponentId, ch.Parameter, ch.After);
        return true;
    }

    /// <summary>Every component's current parameter values as a preset.</summary>
    public Preset CapturePreset() => new(_components.ToDictionary(
        c => c.Id,
        c => (IReadOnlyDictionary<string, JsonNode?>)_values[c.Id].ToDictionary(kv => kv.Key, kv => InspectorSchema.ToJson(kv.Value)),
        StringComparer.Ordinal));

    /// <summary>Applies a preset as one undo step. Every component id, parameter name and value is validated first;
    /// if anything is wrong a 400 <see cref="EditorException"/> lists the problems and nothing is changed.</summary>
    /// <returns>How many parameters changed value.</returns>
    public int ApplyPreset(Preset preset, string description = "load preset")
    {
        ArgumentNullException.ThrowIfNull(preset);
        var problems = new List<string>();
        var planned = new List<(ParameterDescriptor Descriptor, Component Component, ParameterChange Change)>();
        foreach (var (id, values) in preset.Components)
        {
            if (!_byId.TryGetValue(id, out var component)) { problems.Add($"unknown component '{id}'"); continue; }
            var descriptors = ComponentParameters.Describe(component.GetType()).ToDictionary(d => d.Name, StringComparer.Ordinal);
            foreach (var (name, node) in values)
            {
                if (!descriptors.TryGetValue(name, out var d)) { problems.Add($"{id} has no parameter '{name}'"); continue; }
                try
                {
                    var value = ComponentParameters.Convert(d, InspectorSchema.FromJson(name, node));
                    var before = _values[id][name];
                    if (!Equals(before, value)) planned.Add((d, component, new ParameterChange(id, name, before, value)));
                }
                catch (ArgumentException e) { problems.Add($"{id}.{e.Message}"); }
            }
        }
        if (problems.Count > 0)
            throw new EditorException(400, $"preset rejected, nothing applied: {string.Join("; ", problems.Take(8))}{(problems.Count > 8 ? $"; and {problems.Count - 8} more" : "")}");
        foreach (var (_, _, change) in planned) Apply(change.ComponentId, change.Parameter, change.After);
        if (planned.Count > 0) History.Record(new EditCommand(description, planned.Select(p => p.Change).ToArray()));
        return planned.Count;
    }

    private void Apply(string componentId, string parameter, object? value)
    {
        var component = Get(componentId);
        var descriptor = Descriptor(component, componentId, parameter);
        _values[componentId][parameter] = value;
        if (_deferApply) _pending[(componentId, parameter)] = value;
        else descriptor.SetValueUnchecked(component, value);
    }

    private static ParameterDescriptor Descriptor(Component component, string componentId, string parameter) =>
        ComponentParameters.Describe(component.GetType()).FirstOrDefault(d => d.Name == parameter)
        ?? throw new EditorException(404, $"{componentId} has no parameter '{parameter}'");
}
