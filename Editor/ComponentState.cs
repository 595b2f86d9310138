namespace FieldForge.Editor;

/// <summary>One component as the editor shows it: its parameter values (validated CLR values by name), previews,
/// and the error that disabled it, if any.</summary>
public sealed record ComponentState(
    string Id, string Type, string Name, bool Enabled, long ParameterVersion,
    IReadOnlyDictionary<string, object?> Values, IReadOnlyList<PreviewState> Previews, string? Error);
