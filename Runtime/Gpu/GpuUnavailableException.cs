namespace FieldForge.Gpu;

/// <summary>
/// No usable Vulkan loader, driver, device or validation layer. The message says what to install; it is the one
/// exception a game sees when the machine cannot run FieldForge's GPU features.
/// </summary>
public sealed class GpuUnavailableException : GpuException
{
    /// <summary>Creates the exception; <paramref name="message"/> says what is missing and what to install.</summary>
    public GpuUnavailableException(string message) : base(message) { }
}
