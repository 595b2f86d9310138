namespace FieldForge.Editor;

/// <summary>Placeholder for the editor assembly until the inspector model lands (issue: editor tooling).</summary>
internal static class EditorInfo
{
    public const string Name = "FieldForge.Editor";
}
