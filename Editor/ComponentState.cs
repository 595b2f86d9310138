using FieldForge.Components;

namespace FieldForge.Editor;

/// <summary>One component as the editor shows it: its parameter values (the edited values by name, validated CLR
/// values), previews, the error that disabled it, if any, and its status (ok / computing with progress / error /
/// disabled, and whether the previews are stale).</summary>
public sealed record ComponentState(
    string Id, string Type, string Name, bool Enabled, long ParameterVersion,
    IReadOnlyDictionary<string, object?> Values, IReadOnlyList<PreviewState> Previews, string? Error, ComponentStatus Status);
