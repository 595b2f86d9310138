using FieldForge.Core;

namespace FieldForge.Noise;

/// <summary>Turns noise values into RGBA8 pixels (greyscale or a terrain colour ramp); <see cref="ToImage"/> wraps them
/// in an <see cref="RgbaImage"/> that saves as PNG.</summary>
public static class NoiseImage
{
    // Terrain ramp stops: (position in [0, 1], r, g, b): deep water, shallow water, sand, grass, forest, rock, snow.
    private static readonly (float At, byte R, byte G, byte B)[] Ramp =
    [
        (0.00f, 12, 28, 84), (0.38f, 36, 92, 170), (0.46f, 214, 200, 140), (0.52f, 88, 160, 64),
        (0.66f, 36, 102, 44), (0.80f, 120, 110, 100), (0.92f, 240, 240, 245), (1.00f, 255, 255, 255),
    ];

    /// <summary>RGBA8 pixels (row-major, top row first) for <paramref name="width"/> × <paramref name="height"/> values,
    /// mapping [<paramref name="min"/>, <paramref name="max"/>] to black..white, or through the terrain ramp when
    /// <paramref name="colourRamp"/>. Values outside the range are clamped.</summary>
    public static RgbaImage ToImage(ReadOnlySpan<float> values, int width, int height, float min = -1f, float max = 1f, bool colourRamp = false) =>
        new(width, height, ToRgba(values, width, height, min, max, colourRamp));

    /// <summary>The pixels behind <see cref="ToImage"/>.</summary>
    public static byte[] ToRgba(ReadOnlySpan<float> values, int width, int height, float min = -1f, float max = 1f, bool colourRamp = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        if (values.Length < (long)width * height) throw new ArgumentException($"values holds {values.Length} floats, a {width}x{height} image needs {(long)width * height}");
        if (!float.IsFinite(min) || !float.IsFinite(max) || max <= min) throw new ArgumentException($"value range must be finite with max > min, got [{min}, {max}]");
        var rgba = new byte[width * height * 4];
        float inv = 1f / (max - min);
        for (int i = 0; i < width * height; i++)
        {
            float t = Math.Clamp((values[i] - min) * inv, 0f, 1f);
            if (float.IsNaN(t)) t = 0f;
            if (colourRamp)
            {
                int s = 1;
                while (s < Ramp.Length - 1 && t > Ramp[s].At) s++;
                var (a, b) = (Ramp[s - 1], Ramp[s]);
                float f = Math.Clamp((t - a.At) / (b.At - a.At), 0f, 1f);
                rgba[4 * i] = (byte)(a.R + (b.R - a.R) * f + 0.5f);
                rgba[4 * i + 1] = (byte)(a.G + (b.G - a.G) * f + 0.5f);
                rgba[4 * i + 2] = (byte)(a.B + (b.B - a.B) * f + 0.5f);
            }
            else
            {
                byte g = (byte)(t * 255f + 0.5f);
                rgba[4 * i] = g; rgba[4 * i + 1] = g; rgba[4 * i + 2] = g;
            }
            rgba[4 * i + 3] = 255;
        }
        return rgba;
    }
}
