namespace FieldForge.Editor;

/// <summary>One undoable step: a single parameter edit, or every change a preset load made (undone together).</summary>
public sealed record EditCommand(string Description, IReadOnlyList<ParameterChange> Changes);
