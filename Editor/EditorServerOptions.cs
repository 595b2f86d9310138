namespace FieldForge.Editor;

/// <summary>Settings of the local web editor.</summary>
/// <param name="Port">TCP port on 127.0.0.1; 0 picks a free one.</param>
/// <param name="PresetDirectory">Where presets are saved and loaded (default out/editor-presets, which git ignores).</param>
/// <param name="WebRoot">The page and its libraries (default: the copy embedded in the assembly; a folder here serves files from disk, e.g. while editing the page).</param>
/// <param name="MaxRequestBytes">Larger request bodies are answered 413.</param>
/// <param name="ServerLog">Where unexpected failures (500s) are written in full; default standard error.</param>
public sealed record EditorServerOptions(int Port = EditorServerOptions.DefaultPort, string PresetDirectory = "out/editor-presets", string? WebRoot = null,
    int MaxRequestBytes = 64 * 1024, Action<string>? ServerLog = null)
{
    /// <summary>Port used when none is given.</summary>
    public const int DefaultPort = 7420;

    /// <summary>Throws when a setting is out of range.</summary>
    public void Validate()
    {
        if (Port is < 0 or > 65535) throw new ArgumentOutOfRangeException(nameof(Port), $"port must be 0..65535, got {Port}");
        if (MaxRequestBytes is < 1024 or > 16 * 1024 * 1024) throw new ArgumentOutOfRangeException(nameof(MaxRequestBytes), $"max request size must be 1 KiB..16 MiB, got {MaxRequestBytes}");
        if (string.IsNullOrWhiteSpace(PresetDirectory)) throw new ArgumentException("preset directory must not be empty", nameof(PresetDirectory));
    }
}
