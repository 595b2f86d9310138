using System.Text.RegularExpressions;

namespace FieldForge.Editor;

/// <summary>Presets saved as <c>&lt;name&gt;.preset.json</c> files in one folder. Names are restricted to letters,
/// digits, '-' and '_' so a request can never reach outside the folder.</summary>
public sealed partial class PresetStore(string directory)
{
    private const string Extension = ".preset.json";

    /// <summary>The folder holding the preset files (created on first save).</summary>
    public string Directory { get; } = Path.GetFullPath(directory);

    /// <summary>Names of the saved presets, sorted.</summary>
    public IReadOnlyList<string> List() =>
        System.IO.Directory.Exists(Directory)
            ? System.IO.Directory.GetFiles(Directory, "*" + Extension).Select(f => Path.GetFileName(f)[..^Extension.Length])
                .Where(n => NamePattern().IsMatch(n)).Order(StringComparer.Ordinal).ToArray()
            : Array.Empty<string>();

    /// <summary>Writes <paramref name="preset"/> (atomically: temp file then rename); returns the file path.</summary>
    public string Save(string name, Preset preset)
    {
        var path = PathOf(name);
        System.IO.Directory.CreateDirectory(Directory);
        var tmp = path + ".tmp";
        File.WriteAllText(tmp, preset.ToJson());
        File.Move(tmp, path, overwrite: true);
        return path;
    }

    /// <summary>Reads and parses a saved preset; a missing one is a 404 <see cref="EditorException"/>.</summary>
    public Preset Load(string name)
    {
        var path = PathOf(name);
        if (!File.Exists(path)) throw new EditorException(404, $"no preset named '{name}' in {Directory}");
        var info = new FileInfo(path);
        if (info.Length > Preset.MaxLength) throw new EditorException(400, $"preset rejected: '{name}' is {info.Length} bytes, more than the {Preset.MaxLength} allowed");
        return Preset.Parse(File.ReadAllText(path));
    }

    private string PathOf(string name)
    {
        if (string.IsNullOrEmpty(name) || !NamePattern().IsMatch(name))
            throw new EditorException(400, $"preset name must be 1-64 letters, digits, '-' or '_', got '{name}'");
        return Path.Combine(Directory, name + Extension);
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex NamePattern();
}
