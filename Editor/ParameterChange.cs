namespace FieldForge.Editor;

/// <summary>One parameter of one component going from <see cref="Before"/> to <see cref="After"/> (validated CLR values).</summary>
public sealed record ParameterChange(string ComponentId, string Parameter, object? Before, object? After);
