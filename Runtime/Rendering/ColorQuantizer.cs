namespace FieldForge.Rendering;

/// <summary>
/// Reduces RGBA frames to at most 256 palette indices for GIF: median cut over a 5-bit-per-channel histogram, or
/// the fixed 6x7x6 cube; optional 4x4 ordered dithering. Deterministic: the same frame always gives the same bytes.
/// </summary>
internal static class ColorQuantizer
{
    private const int Bins = 1 << 15;

    // 4x4 Bayer matrix, values 0..15.
    private static readonly int[] Bayer = [0, 8, 2, 10, 12, 4, 14, 6, 3, 11, 1, 9, 15, 7, 13, 5];

    /// <summary>The fixed palette: 6 red x 7 green x 6 blue levels (252 colours; green gets the extra level, as the eye
    /// is most sensitive to it), padded with black to 256 entries.</summary>
    public static byte[] FixedPalette()
    {
        var palette = new byte[256 * 3];
        for (int r = 0; r < 6; r++)
            for (int g = 0; g < 7; g++)
                for (int b = 0; b < 6; b++)
                {
                    int i = (r * 7 + g) * 6 + b;
                    palette[3 * i] = (byte)(r * 51); palette[3 * i + 1] = (byte)MathF.Round(g * 255f / 6f); palette[3 * i + 2] = (byte)(b * 51);
                }
        return palette;
    }

    public static void MapFixed(ReadOnlySpan<byte> rgba, int width, bool dither, Span<byte> indices)
    {
        for (int p = 0; p < indices.Length; p++)
        {
            float d = dither ? (Bayer[(p / width & 3) * 4 + (p % width & 3)] + 0.5f) / 16f - 0.5f : 0f;
            int r = Level(rgba[4 * p], 5, d), g = Level(rgba[4 * p + 1], 6, d), b = Level(rgba[4 * p + 2], 5, d);
            indices[p] = (byte)((r * 7 + g) * 6 + b);
        }
    }

    private static int Level(byte v, int maxLevel, float ditherOffset) => Math.Clamp((int)MathF.Round(v * maxLevel / 255f + ditherOffset), 0, maxLevel);

    /// <summary>An adaptive palette (256 * 3 bytes, unused entries black) for the frame, by median cut.</summary>
    public static byte[] MedianCutPalette(ReadOnlySpan<byte> rgba)
    {
        var count = new int[Bins];
        var sum = new long[Bins * 3];
        int pixels = rgba.Length / 4;
        for (int p = 0; p < pixels; p++)
        {
            byte r = rgba[4 * p], g = rgba[4 * p + 1], b = rgba[4 * p + 2];
            int k = Key(r, g, b);
            count[k]++; sum[3 * k] += r; sum[3 * k + 1] += g; sum[3 * k + 2] += b;
        }
        var used = new List<int>();
        for (int k = 0; k < Bins; k++) if (count[k] > 0) used.Add(k);

        // Boxes are ranges of `used` (sorted per split). Split the box with the largest pixels x longest side (a proxy
        // for the error it contributes) that still spans more than one bin, at the pixel median of its longest side.
        var boxes = new List<(int Start, int Length, long Pixels)> { (0, used.Count, pixels) };
        var keys = used.ToArray();
        while (boxes.Count < 256)
        {
            int best = -1;
            long bestScore = 0;
            for (int i = 0; i < boxes.Count; i++)
            {
                if (boxes[i].Length <= 1) continue;
                var (_, extent) = LongestAxis(keys.AsSpan(boxes[i].Start, boxes[i].Length));
                long score = boxes[i].Pixels * (extent + 1);
                if (score > bestScore) { bestScore = score; best = i; }
            }
            if (best < 0) break;
            var (start, length, total) = boxes[best];
            var span = keys.AsSpan(start, length);
            var (axis, _) = LongestAxis(span);
            int shift = axis * 5;
            span.Sort((a, b) => ((a >> shift) & 31).CompareTo((b >> shift) & 31) is var c && c != 0 ? c : a.CompareTo(b));
            long half = total / 2, acc = 0;
            int cut = 0;
            while (cut < length - 1 && acc + count[span[cut]] <= half) acc += count[span[cut++]];
            if (cut == 0) { acc = count[span[0]]; cut = 1; }
            boxes[best] = (start, cut, acc);
            boxes.Add((start + cut, length - cut, total - acc));
        }

        var palette = new byte[256 * 3];
        for (int i = 0; i < boxes.Count; i++)
        {
            long n = 0, r = 0, g = 0, b = 0;
            foreach (int k in keys.AsSpan(boxes[i].Start, boxes[i].Length)) { n += count[k]; r += sum[3 * k]; g += sum[3 * k + 1]; b += sum[3 * k + 2]; }
            if (n == 0) continue;
            palette[3 * i] = (byte)((r + n / 2) / n); palette[3 * i + 1] = (byte)((g + n / 2) / n); palette[3 * i + 2] = (byte)((b + n / 2) / n);
        }
        return palette;
    }

    /// <summary>Maps each pixel to its nearest palette entry (squared RGB distance), memoised per 18-bit colour
    /// (6 bits a channel: finer than the histogram, so mapping adds at most 2 levels of error).</summary>
    public static void MapToPalette(ReadOnlySpan<byte> rgba, int width, byte[] palette, bool dither, Span<byte> indices)
    {
        var cache = new short[1 << 18];
        cache.AsSpan().Fill(-1);
        for (int p = 0; p < indices.Length; p++)
        {
            // Dither amplitude of one histogram bin (8 levels): breaks up banding without visible noise.
            int d = dither ? (Bayer[(p / width & 3) * 4 + (p % width & 3)] - 8) : 0;
            int r = Math.Clamp(rgba[4 * p] + d, 0, 255), g = Math.Clamp(rgba[4 * p + 1] + d, 0, 255), b = Math.Clamp(rgba[4 * p + 2] + d, 0, 255);
            int k = (r >> 2) | (g >> 2) << 6 | (b >> 2) << 12;
            if (cache[k] < 0) cache[k] = (short)Nearest(palette, (r & ~3) | 2, (g & ~3) | 2, (b & ~3) | 2);
            indices[p] = (byte)cache[k];
        }
    }

    private static int Nearest(byte[] palette, int r, int g, int b)
    {
        int best = 0, bestDistance = int.MaxValue;
        for (int i = 0; i < 256; i++)
        {
            int dr = palette[3 * i] - r, dg = palette[3 * i + 1] - g, db = palette[3 * i + 2] - b;
            int d = dr * dr + dg * dg + db * db;
            if (d < bestDistance) { bestDistance = d; best = i; }
        }
        return best;
    }

    private static int Key(int r, int g, int b) => (r >> 3) | (g >> 3) << 5 | (b >> 3) << 10;

    private static (int Axis, int Extent) LongestAxis(ReadOnlySpan<int> keys)
    {
        Span<int> lo = [31, 31, 31];
        Span<int> hi = [0, 0, 0];
        foreach (int k in keys)
            for (int a = 0; a < 3; a++) { int v = (k >> (5 * a)) & 31; lo[a] = Math.Min(lo[a], v); hi[a] = Math.Max(hi[a], v); }
        int axis = 0;
        for (int a = 1; a < 3; a++) if (hi[a] - lo[a] > hi[axis] - lo[axis]) axis = a;
        return (axis, hi[axis] - lo[axis]);
    }
}
