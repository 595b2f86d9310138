namespace FieldForge.Core;

/// <summary>An 8-bit-per-channel sRGB colour with alpha (255 = opaque), as stored in <see cref="RgbaImage"/> pixels.</summary>
public readonly record struct RgbaColor(byte R, byte G, byte B, byte A = 255)
{
    /// <summary>Opaque black.</summary>
    public static RgbaColor Black => new(0, 0, 0);
    /// <summary>Opaque white.</summary>
    public static RgbaColor White => new(255, 255, 255);

    /// <summary>From channels in 0..1 (clamped); NaN is rejected so a bad colour parameter never renders silently.</summary>
    public static RgbaColor FromFloats(float r, float g, float b, float a = 1f) => new(ToByte(r, nameof(r)), ToByte(g, nameof(g)), ToByte(b, nameof(b)), ToByte(a, nameof(a)));

    /// <summary>Channels as 0..1 floats (R, G, B, A).</summary>
    public (float R, float G, float B, float A) ToFloats() => (R / 255f, G / 255f, B / 255f, A / 255f);

    private static byte ToByte(float v, string name)
    {
        if (float.IsNaN(v)) throw new ArgumentOutOfRangeException(name, v, $"colour channel {name} must be a number in 0..1, got NaN");
        return (byte)MathF.Round(Math.Clamp(v, 0f, 1f) * 255f);
    }
}
