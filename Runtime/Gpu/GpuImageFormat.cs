namespace FieldForge.Gpu;

/// <summary>Texel formats a <see cref="GpuImage"/> can hold: the two a renderer samples FieldForge's fields as.</summary>
public enum GpuImageFormat
{
    /// <summary>One 32-bit float per texel (VK_FORMAT_R32_SFLOAT): raw field values, e.g. a height map.</summary>
    R32Sfloat,
    /// <summary>Four 8-bit unsigned-normalised channels, R in the lowest byte (VK_FORMAT_R8G8B8A8_UNORM): colour.</summary>
    R8G8B8A8Unorm,
}
