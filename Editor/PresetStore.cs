using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace FieldForge.Editor;

/// <summary>Presets saved as <c>&lt;name&gt;.preset.json</c> files in one folder. Names are restricted to letters,
/// digits, '-' and '_' so a request can never reach outside the folder. Saves and loads of one name are serialised
/// by a per-name lock, and every save writes its own temporary file before the atomic rename, so parallel requests
/// never see a half-written or vanished file.</summary>
public sealed partial class PresetStore(string directory)
{
    private const string Extension = ".preset.json";
    private readonly ConcurrentDictionary<string, object> _locks = new(StringComparer.Ordinal);

    /// <summary>The folder holding the preset files (created on first save).</summary>
    public string Directory { get; } = Path.GetFullPath(directory);

    /// <summary>Names of the saved presets, sorted.</summary>
    public IReadOnlyList<string> List() =>
        System.IO.Directory.Exists(Directory)
            ? System.IO.Directory.GetFiles(Directory, "*" + Extension).Select(f => Path.GetFileName(f)[..^Extension.Length])
                .Where(n => NamePattern().IsMatch(n)).Order(StringComparer.Ordinal).ToArray()
            : Array.Empty<string>();

    /// <summary>Writes <paramref name="preset"/> (atomically: a temp file of its own, then rename); returns the file path.</summary>
    public string Save(string name, Preset preset)
    {
        var path = PathOf(name);
        var json = preset.ToJson();
        lock (LockOf(name))
        {
            System.IO.Directory.CreateDirectory(Directory);
            var tmp = Path.Combine(Directory, $".{name}.{Guid.NewGuid():N}.tmp");
            try
            {
                File.WriteAllText(tmp, json);
                File.Move(tmp, path, overwrite: true);
            }
            finally { if (File.Exists(tmp)) File.Delete(tmp); }
        }
        return path;
    }

    /// <summary>Reads and parses a saved preset; a missing one is a 404 <see cref="EditorException"/>, one that is not a
    /// regular file or is too large a 400.</summary>
    public Preset Load(string name)
    {
        var path = PathOf(name);
        byte[] bytes;
        lock (LockOf(name))
        {
            var info = new FileInfo(path);
            if (!info.Exists) throw new EditorException(404, $"no preset named '{name}' in {Directory}");
            if (info.Length > Preset.MaxLength) throw new EditorException(400, $"preset rejected: '{name}' is {info.Length} bytes, more than the {Preset.MaxLength} allowed");
            // A FIFO or device reports length 0 (and reading it could block forever); an empty regular file is no preset either.
            if (info.Length == 0) throw new EditorException(400, $"preset rejected: '{name}' is empty or not a regular file");
            bytes = File.ReadAllBytes(path);
        }
        return Preset.Parse(bytes);
    }

    private object LockOf(string name) => _locks.GetOrAdd(name, _ => new object());

    private string PathOf(string name)
    {
        if (string.IsNullOrEmpty(name) || !NamePattern().IsMatch(name))
            throw new EditorException(400, $"preset name must be 1-64 letters, digits, '-' or '_', got '{name}'");
        return Path.Combine(Directory, name + Extension);
    }

    // \z, not $: '$' also matches before a final newline, which let "abc\n" through.
    [GeneratedRegex(@"^[A-Za-z0-9_-]{1,64}\z")]
    private static partial Regex NamePattern();
}
