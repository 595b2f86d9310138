using System.Runtime.InteropServices;

namespace FieldForge.Noise;

/// <summary>Push constants of the noise_ramp kernel (Shaders/noise_image.comp, 16 bytes): the value range as
/// NoiseImage.ToRgba computes it (min and 1 / (max - min) in float), and whether to use the colour ramp.</summary>
[StructLayout(LayoutKind.Sequential)]
internal readonly record struct NoiseRampPush(uint Count, float Min, float InvRange, uint ColorRamp)
{
    public const int Size = 16;
}
