using System.Globalization;

namespace FieldForge.Cli;

/// <summary>A bad command line: printed as one line, exit code 2.</summary>
public sealed class CliError(string message) : Exception(message);

/// <summary>
/// Minimal `--name value` / `--flag` parser shared by every verb. Unknown options and malformed values are
/// <see cref="CliError"/>s that name the option, so every command reports bad input the same way.
/// </summary>
public sealed class CliArgs
{
    private readonly Dictionary<string, string?> _options = new(StringComparer.Ordinal);
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    public CliArgs(IEnumerable<string> args, FieldForge.Gpu.GpuContext? gpu = null)
    {
        Gpu = gpu;
        var list = args.ToList();
        for (int i = 0; i < list.Count; i++)
        {
            var a = list[i];
            if (a.StartsWith("--", StringComparison.Ordinal) && a.Length > 2)
            {
                var eq = a.IndexOf('=');
                if (eq > 0) _options[a[2..eq]] = a[(eq + 1)..];
                else if (i + 1 < list.Count && !(list[i + 1].StartsWith("--", StringComparison.Ordinal) && list[i + 1].Length > 2)) _options[a[2..]] = list[++i];
                else _options[a[2..]] = null;
            }
            else Positional.Add(a);
        }
    }

    public List<string> Positional { get; } = new();

    /// <summary>A context the host already owns (tests pass their validated one); null: the verb opens its own.</summary>
    public FieldForge.Gpu.GpuContext? Gpu { get; }

    public bool Flag(string name) { _used.Add(name); return _options.ContainsKey(name); }

    public string? String(string name) { _used.Add(name); return _options.TryGetValue(name, out var v) ? v ?? throw new CliError($"--{name} needs a value") : null; }

    public string String(string name, string fallback) => String(name) ?? fallback;

    public string Required(string name) => String(name) ?? throw new CliError($"--{name} is required");

    public int Int(string name, int fallback, int min = int.MinValue, int max = int.MaxValue)
    {
        var s = String(name);
        if (s is null) return fallback;
        if (!int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v)) throw new CliError($"--{name} must be an integer, got '{s}'");
        if (v < min || v > max) throw new CliError($"--{name} must be {min}..{max}, got {v}");
        return v;
    }

    public double Double(string name, double fallback, double min = double.NegativeInfinity, double max = double.PositiveInfinity)
    {
        var s = String(name);
        if (s is null) return fallback;
        if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v))
            throw new CliError($"--{name} must be a finite number, got '{s}'");
        if (v < min || v > max) throw new CliError($"--{name} must be in [{min}, {max}], got {v}");
        return v;
    }

    /// <summary>Comma-separated numbers, e.g. <c>--source 1,1,1</c>.</summary>
    public double[]? Doubles(string name, int count)
    {
        var s = String(name);
        if (s is null) return null;
        var parts = s.Split(',');
        if (parts.Length != count) throw new CliError($"--{name} needs {count} comma-separated numbers, got '{s}'");
        return parts.Select(p => double.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v)
            ? v : throw new CliError($"--{name}: '{p}' is not a finite number")).ToArray();
    }

    /// <summary>Fails on options nobody asked for (typos must not be silently ignored).</summary>
    public void RejectUnknown()
    {
        var unknown = _options.Keys.Where(k => !_used.Contains(k)).ToArray();
        if (unknown.Length > 0) throw new CliError($"unknown option --{unknown[0]}");
    }

    /// <summary>Checks an output path can be written before hours of work are spent producing it: not a folder, its
    /// folder creatable and writable, and (when <paramref name="extensions"/> are given) one of those extensions, so
    /// the bytes written match the name.</summary>
    public static string WritablePath(string path, string option, params string[] extensions)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new CliError($"--{option} needs a file name");
        if (path.EndsWith('/') || path.EndsWith(Path.DirectorySeparatorChar) || Directory.Exists(path))
            throw new CliError($"--{option}: '{path}' is a folder; give a file name");
        if (extensions.Length > 0 && !extensions.Any(e => path.EndsWith(e, StringComparison.OrdinalIgnoreCase)))
            throw new CliError($"--{option}: '{path}' must end in {string.Join(" or ", extensions)} (that is the format written)");
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full)!;
        try
        {
            if (File.Exists(dir)) throw new IOException($"'{dir}' is a file, not a folder");
            Directory.CreateDirectory(dir);
            var probe = Path.Combine(dir, $".ff-write-probe-{Environment.ProcessId}-{Guid.NewGuid():N}");
            File.WriteAllBytes(probe, Array.Empty<byte>());
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliError($"--{option}: cannot write to '{path}' ({CliProgram.OneLine(e)})");
        }
        return full;
    }

    /// <summary>Like <see cref="WritablePath"/> for an output folder: an existing file there is refused.</summary>
    public static string WritableFolder(string path, string option)
    {
        if (File.Exists(path)) throw new CliError($"--{option}: '{path}' is a file, not a folder");
        return Path.GetDirectoryName(WritablePath(Path.Combine(path, "probe"), option))!;
    }

    /// <summary>Refuses work whose memory estimate exceeds what this process may use, naming both figures.</summary>
    public static void CheckMemory(long bytes, string what)
    {
        long limit = MemoryLimitBytes;
        if (bytes < 0 || bytes > limit)
            throw new CliError($"{what} needs about {Megabytes(bytes)} of memory, more than the limit of {Megabytes(limit)} (half of the memory available to this process)");
    }

    /// <summary>Half the memory the runtime says this process may use (physical memory or the container limit).</summary>
    public static long MemoryLimitBytes => GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 2;

    internal static string Megabytes(long bytes) => bytes < 0 ? "more than 8 EiB" : $"{bytes / (1 << 20):N0} MiB";
}
