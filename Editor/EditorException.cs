namespace FieldForge.Editor;

/// <summary>A request the editor refuses, with the HTTP status the web server answers (400 bad value, 404 unknown
/// component or preset, 409 nothing to undo, 413 body too large). The message is shown to the user as is.</summary>
public sealed class EditorException(int status, string message) : Exception(message)
{
    /// <summary>HTTP status code for the web API.</summary>
    public int Status { get; } = status;
}
