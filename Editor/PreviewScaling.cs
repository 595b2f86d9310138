using FieldForge.Components;

namespace FieldForge.Editor;

/// <summary>Shrinks image previews before they are encoded: a 4096² noise texture shown in a 220 px thumbnail
/// should cost a 512² PNG, not a 64 MiB one.</summary>
internal static class PreviewScaling
{
    /// <summary><paramref name="image"/> itself when both sides are at most <paramref name="maxSide"/>, else a copy
    /// scaled by an integer factor (each output pixel is the mean of a factor² block, edge blocks clipped).</summary>
    public static ImagePreview Fit(ImagePreview image, int maxSide)
    {
        int longest = Math.Max(image.Width, image.Height);
        if (longest <= maxSide || image.Width <= 0 || image.Height <= 0 || image.Rgba is null || image.Rgba.Length != (long)image.Width * image.Height * 4)
            return image; // the encoder reports malformed images itself
        int factor = (longest + maxSide - 1) / maxSide;
        int w = (image.Width + factor - 1) / factor, h = (image.Height + factor - 1) / factor;
        var src = image.Rgba;
        var dst = new byte[w * h * 4];
        Span<int> sum = stackalloc int[4];
        for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
        {
            sum.Clear();
            int y1 = Math.Min(image.Height, (y + 1) * factor), x1 = Math.Min(image.Width, (x + 1) * factor), n = 0;
            for (int sy = y * factor; sy < y1; sy++)
            for (int sx = x * factor; sx < x1; sx++, n++)
            {
                int o = (sy * image.Width + sx) * 4;
                sum[0] += src[o]; sum[1] += src[o + 1]; sum[2] += src[o + 2]; sum[3] += src[o + 3];
            }
            int d = (y * w + x) * 4;
            for (int k = 0; k < 4; k++) dst[d + k] = (byte)((sum[k] + n / 2) / n);
        }
        return new ImagePreview($"{image.Title} (shown at {w}x{h})", w, h, dst);
    }
}
