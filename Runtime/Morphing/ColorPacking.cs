using System.Numerics;

namespace FieldForge.Morphing;

/// <summary>RGBA8 packing identical to GLSL packUnorm4x8/unpackUnorm4x8 (r in the low byte).</summary>
internal static class ColorPacking
{
    public static uint Pack(Vector4 c)
    {
        static uint B(float v) => (uint)MathF.Round(Math.Clamp(v, 0f, 1f) * 255f);
        return B(c.X) | B(c.Y) << 8 | B(c.Z) << 16 | B(c.W) << 24;
    }

    public static uint Pack(Vector3 rgb) => Pack(new Vector4(rgb, 1f));

    public static Vector4 Unpack(uint c) => new Vector4(c & 0xFF, (c >> 8) & 0xFF, (c >> 16) & 0xFF, c >> 24) / 255f;
}
