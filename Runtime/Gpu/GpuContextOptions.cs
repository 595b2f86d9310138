namespace FieldForge.Gpu;

/// <summary>How a <see cref="GpuContext"/> is created. Every field has an environment-variable default so tools and
/// tests can be steered without code changes.</summary>
/// <param name="EnableValidation">Khronos validation layer + debug messenger. Default: <c>FIELDFORGE_VALIDATION=1</c>.</param>
/// <param name="Device">Device index or case-insensitive name substring. Default: <c>FIELDFORGE_DEVICE</c>, else the best
/// device (discrete &gt; integrated &gt; virtual &gt; CPU).</param>
/// <param name="CacheDirectory">Where the pipeline cache is persisted. Default: <c>FIELDFORGE_CACHE_DIR</c>, else
/// <c>$XDG_CACHE_HOME/fieldforge</c> or <c>~/.cache/fieldforge</c>. Empty string disables persistence.</param>
public sealed record GpuContextOptions(bool? EnableValidation = null, string? Device = null, string? CacheDirectory = null)
{
    internal bool ResolveValidation() =>
        EnableValidation ?? Environment.GetEnvironmentVariable("FIELDFORGE_VALIDATION") is "1" or "true";

    internal string? ResolveDevice() =>
        Device ?? (Environment.GetEnvironmentVariable("FIELDFORGE_DEVICE") is { Length: > 0 } d ? d : null);

    internal string? ResolveCacheDirectory()
    {
        if (CacheDirectory is not null) return CacheDirectory.Length == 0 ? null : CacheDirectory;
        if (Environment.GetEnvironmentVariable("FIELDFORGE_CACHE_DIR") is { Length: > 0 } env) return env;
        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var root = !string.IsNullOrEmpty(xdg) ? xdg : string.IsNullOrEmpty(home) ? null : Path.Combine(home, ".cache");
        return root is null ? null : Path.Combine(root, "fieldforge");
    }
}
