using FieldForge.Core;
namespace FieldForge.Rendering;

/// <summary>CPU drawing primitives for <see cref="RgbaImage"/>: clipped rectangles and anti-aliased thick lines.</summary>
internal static class Raster
{
    public static void FillRect(RgbaImage image, int x, int y, int w, int h, RgbaColor color)
    {
        int x0 = Math.Max(x, 0), y0 = Math.Max(y, 0), x1 = Math.Min(x + w, image.Width), y1 = Math.Min(y + h, image.Height);
        var px = image.Pixels;
        for (int yy = y0; yy < y1; yy++)
            for (int xx = x0; xx < x1; xx++) Blend(px, (yy * image.Width + xx) * 4, color, 1f);
    }

    /// <summary>
    /// A line of the given width (pixels) from (x0, y0) to (x1, y1) in pixel-centre coordinates, anti-aliased by the
    /// distance of each pixel centre to the segment, clipped to <paramref name="clip"/> (x, y, w, h).
    /// </summary>
    public static void Line(RgbaImage image, float x0, float y0, float x1, float y1, float width, RgbaColor color, (int X, int Y, int W, int H) clip)
    {
        float half = width * 0.5f;
        int bx0 = Math.Max((int)MathF.Floor(MathF.Min(x0, x1) - half - 1), clip.X);
        int bx1 = Math.Min((int)MathF.Ceiling(MathF.Max(x0, x1) + half + 1), clip.X + clip.W - 1);
        int by0 = Math.Max((int)MathF.Floor(MathF.Min(y0, y1) - half - 1), clip.Y);
        int by1 = Math.Min((int)MathF.Ceiling(MathF.Max(y0, y1) + half + 1), clip.Y + clip.H - 1);
        bx0 = Math.Max(bx0, 0); by0 = Math.Max(by0, 0);
        bx1 = Math.Min(bx1, image.Width - 1); by1 = Math.Min(by1, image.Height - 1);
        float dx = x1 - x0, dy = y1 - y0, len2 = dx * dx + dy * dy;
        var px = image.Pixels;
        for (int y = by0; y <= by1; y++)
        {
            for (int x = bx0; x <= bx1; x++)
            {
                float t = len2 > 0 ? Math.Clamp(((x - x0) * dx + (y - y0) * dy) / len2, 0f, 1f) : 0f;
                float ex = x - (x0 + t * dx), ey = y - (y0 + t * dy);
                float coverage = Math.Clamp(half + 0.5f - MathF.Sqrt(ex * ex + ey * ey), 0f, 1f);
                if (coverage <= 0f) continue;
                // Max-blend per segment would be ideal at joints; plain "over" at full coverage is what matters here.
                Blend(px, (y * image.Width + x) * 4, color, coverage);
            }
        }
    }

    private static void Blend(byte[] px, int i, RgbaColor c, float coverage)
    {
        float a = coverage * (c.A / 255f);
        if (a >= 0.999f) { px[i] = c.R; px[i + 1] = c.G; px[i + 2] = c.B; px[i + 3] = 255; return; }
        px[i] = (byte)(px[i] + (c.R - px[i]) * a + 0.5f);
        px[i + 1] = (byte)(px[i + 1] + (c.G - px[i + 1]) * a + 0.5f);
        px[i + 2] = (byte)(px[i + 2] + (c.B - px[i + 2]) * a + 0.5f);
        px[i + 3] = (byte)Math.Max(px[i + 3], (int)(a * 255f + 0.5f));
    }
}
