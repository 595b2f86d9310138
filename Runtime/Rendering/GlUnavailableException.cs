namespace FieldForge.Rendering;

/// <summary>
/// No usable EGL / OpenGL 4.5 on this machine. The message says what to install; rendering (previews, demo images)
/// needs it, the GPU compute features do not.
/// </summary>
public sealed class GlUnavailableException : Exception
{
    /// <summary>What to install (Debian names; Mesa's llvmpipe, a CPU rasteriser, is enough).</summary>
    public const string InstallHint =
        "FieldForge rendering needs EGL and an OpenGL 4.5 driver; no display is required. On Debian/Ubuntu: " +
        "apt-get install libegl1 libegl-mesa0 libgl1-mesa-dri (Mesa's llvmpipe renders on the CPU); ./ff test and ./ff demo install them.";

    /// <summary>Creates the exception; the message is <paramref name="detail"/> followed by what to install.</summary>
    public GlUnavailableException(string detail, Exception? inner = null) : base($"{detail}. {InstallHint}", inner) { }
}
