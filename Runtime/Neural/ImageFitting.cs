
namespace FieldForge.Neural;

/// <summary>Helpers of the image-fitting task: reconstruction at pixel centres, PSNR, PNG output, a procedural test image.</summary>
public static class ImageFitting
{
    /// <summary>A field for RGB image fitting with instant-ngp's defaults; Nmax = the image's larger side (at least 16).</summary>
    public static NeuralFieldConfig DefaultConfig(EncodingKind encoding, int width, int height, int log2TableSize = 19, int levels = 16) =>
        NeuralFieldConfig.Create(encoding, 2, 3, finestResolution: Math.Max(16, Math.Max(width, height)), levels: levels, log2TableSize: log2TableSize);

    /// <summary>Evaluates <paramref name="field"/> at every pixel centre ((x + 0.5) / width, (y + 0.5) / height): row-major, interleaved.</summary>
    public static float[] Reconstruct(NeuralField field, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(field);
        if (field.InputDimensions != 2) throw new ArgumentException($"image reconstruction needs a 2-D field, got {field.InputDimensions}-D");
        return field.EvaluateGrid(width, height);
    }

    /// <summary>Peak signal-to-noise ratio in dB of <paramref name="actual"/> against <paramref name="expected"/> (values in [0, 1], actual clamped).</summary>
    public static double Psnr(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual)
    {
        if (expected.Length != actual.Length || expected.Length == 0)
            throw new ArgumentException($"PSNR needs two non-empty images of equal size, got {expected.Length} and {actual.Length} values");
        double sum = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double d = Math.Clamp(actual[i], 0f, 1f) - expected[i];
            sum += d * d;
        }
        double mse = sum / expected.Length;
        return mse <= 0 ? double.PositiveInfinity : 10 * Math.Log10(1 / mse);
    }

    /// <summary>Places two RGB images of equal size side by side (left, right) into one.</summary>
    public static float[] SideBySide(int width, int height, ReadOnlySpan<float> left, ReadOnlySpan<float> right)
    {
        var both = new float[width * 2 * height * 3];
        for (int y = 0; y < height; y++)
        {
            left.Slice(y * width * 3, width * 3).CopyTo(both.AsSpan(y * width * 6));
            right.Slice(y * width * 3, width * 3).CopyTo(both.AsSpan(y * width * 6 + width * 3));
        }
        return both;
    }

    /// <summary>
    /// A deterministic procedural RGB picture (sky gradient, sun with rays, hills, a checkered floor, fine stripes and
    /// text-like ticks): smooth areas, sharp edges and high frequencies to fit. Row-major, interleaved, values in [0, 1].
    /// </summary>
    public static float[] ProceduralImage(int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 8);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 8);
        var rgb = new float[width * height * 3];
        for (int py = 0; py < height; py++)
        for (int px = 0; px < width; px++)
        {
            float x = (px + 0.5f) / width, y = (py + 0.5f) / height;
            // sky
            float r = 0.35f + 0.4f * y, g = 0.55f + 0.3f * y, b = 0.95f - 0.2f * y;
            // sun with rays
            float dx = x - 0.72f, dy = y - 0.28f, dist = MathF.Sqrt(dx * dx + dy * dy);
            float angle = MathF.Atan2(dy, dx);
            if (dist < 0.11f) { r = 1f; g = 0.85f; b = 0.3f; }
            else if (dist < 0.22f && MathF.Sin(angle * 12f) > 0.3f) { r = 0.5f * (r + 1f); g = 0.5f * (g + 0.8f); b *= 0.6f; }
            // hills
            float hill = 0.6f + 0.07f * MathF.Sin(x * 9f) + 0.04f * MathF.Sin(x * 23f + 1f);
            if (y > hill) { r = 0.2f + 0.1f * MathF.Sin(x * 40f); g = 0.55f - 0.2f * (y - hill); b = 0.2f; }
            // checkered floor with perspective
            if (y > 0.8f)
            {
                float depth = 0.05f / (y - 0.78f);
                bool check = ((int)MathF.Floor((x - 0.5f) * depth * 8f) + (int)MathF.Floor(depth * 4f)) % 2 == 0;
                r = g = b = check ? 0.9f : 0.15f;
                r *= 0.9f;
            }
            // fine stripes panel (high frequency)
            if (x > 0.06f && x < 0.3f && y > 0.08f && y < 0.3f)
            {
                float s = 0.5f + 0.5f * MathF.Sin((x + y) * 120f);
                r = s; g = 0.2f + 0.6f * s; b = 1f - s;
            }
            // text-like ticks
            if (x > 0.06f && x < 0.5f && y > 0.36f && y < 0.42f && ((int)(x * 90f) % 3 == 0) && MathF.Sin(x * 300f) > -0.5f) { r = g = b = 0.05f; }
            int i = (py * width + px) * 3;
            rgb[i] = Math.Clamp(r, 0f, 1f); rgb[i + 1] = Math.Clamp(g, 0f, 1f); rgb[i + 2] = Math.Clamp(b, 0f, 1f);
        }
        return rgb;
    }
}
