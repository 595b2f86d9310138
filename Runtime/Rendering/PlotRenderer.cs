using System.Globalization;
using FieldForge.Core;

namespace FieldForge.Rendering;

/// <summary>
/// Draws a <see cref="LinePlot"/> on the CPU into an <see cref="RgbaImage"/>: axes with "nice" ticks and numeric
/// labels, grid, title, axis labels, anti-aliased lines in distinct colours and a legend. Needs no GPU, fonts or
/// packages, so impulse responses and loss curves can be plotted anywhere.
/// <code>
/// var plot = new LinePlot("Loss", "step", "loss", [PlotLine.FromValues("train", losses)], LogY: true);
/// PlotRenderer.Render(plot).SavePng("loss.png");
/// </code>
/// </summary>
public static class PlotRenderer
{
    /// <summary>The series colours, in order (a Tableau-like palette that stays distinct on white).</summary>
    public static IReadOnlyList<RgbaColor> Palette { get; } =
    [
        new(31, 119, 180), new(255, 127, 14), new(44, 160, 44), new(214, 39, 40), new(148, 103, 189),
        new(140, 86, 75), new(227, 119, 194), new(127, 127, 127), new(188, 189, 34), new(23, 190, 207),
    ];

    /// <summary>The plot background colour (white).</summary>
    public static RgbaColor Background => RgbaColor.White;

    private static readonly RgbaColor Ink = new(20, 20, 20);
    private static readonly RgbaColor Grid = new(225, 225, 225);
    private static readonly RgbaColor LegendBorder = new(160, 160, 160);

    /// <summary>The colour line <paramref name="index"/> of a plot is drawn in.</summary>
    public static RgbaColor ColorOf(LinePlot plot, int index)
    {
        ArgumentNullException.ThrowIfNull(plot);
        return plot.Lines[index].Color ?? Palette[index % Palette.Count];
    }

    /// <summary>Renders the plot at <paramref name="width"/> x <paramref name="height"/> pixels (at least 160 x 120).</summary>
    public static RgbaImage Render(LinePlot plot, int width = 640, int height = 400)
    {
        ArgumentNullException.ThrowIfNull(plot);
        plot.Validate();
        if (width < 160) throw new ArgumentOutOfRangeException(nameof(width), width, $"width must be at least 160 pixels, got {width}");
        if (height < 120) throw new ArgumentOutOfRangeException(nameof(height), height, $"height must be at least 120 pixels, got {height}");
        var image = new RgbaImage(width, height, Background);
        var area = Layout(plot, width, height, out var ranges, out int s);

        // Grid and tick labels.
        var xTicks = LinearTicks(ranges.XMin, ranges.XMax, XTickTarget(width, s));
        var yTicks = plot.LogY ? LogTicks(ranges.YMin, ranges.YMax) : LinearTicks(ranges.YMin, ranges.YMax, YTickTarget(height, s));
        int textH = BitmapFont.Height(s);
        foreach (var (value, label) in xTicks)
        {
            int px = (int)MathF.Round(MapX(value, ranges, area));
            Raster.FillRect(image, px, area.Y, 1, area.H, Grid);
            Raster.FillRect(image, px, area.Y + area.H, 1, 4 * s, Ink);
            BitmapFont.Draw(image, px - BitmapFont.MeasureWidth(label, s) / 2, area.Y + area.H + 6 * s, label, Ink, s);
        }
        foreach (var (value, label) in yTicks)
        {
            int py = (int)MathF.Round(MapY(plot.LogY ? MathF.Log10(value) : value, ranges, area));
            Raster.FillRect(image, area.X, py, area.W, 1, Grid);
            Raster.FillRect(image, area.X - 4 * s, py, 4 * s, 1, Ink);
            BitmapFont.Draw(image, area.X - 6 * s - BitmapFont.MeasureWidth(label, s), py - textH / 2, label, Ink, s);
        }

        // Lines, clipped to the plot area.
        float lineWidth = 1.5f * s;
        for (int i = 0; i < plot.Lines.Count; i++) DrawLine(image, plot.Lines[i], plot.LogY, ColorOf(plot, i), lineWidth, ranges, area);

        // Frame, title, axis labels, legend.
        Raster.FillRect(image, area.X - 1, area.Y - 1, area.W + 2, 1, Ink);
        Raster.FillRect(image, area.X - 1, area.Y + area.H, area.W + 2, 1, Ink);
        Raster.FillRect(image, area.X - 1, area.Y - 1, 1, area.H + 2, Ink);
        Raster.FillRect(image, area.X + area.W, area.Y - 1, 1, area.H + 2, Ink);
        int ts = TitleScale(s, height);
        if (plot.Title.Length > 0)
        {
            var title = FitTitle(plot.Title, width - 8 * s, ref ts, s);
            BitmapFont.Draw(image, (width - BitmapFont.MeasureWidth(title, ts)) / 2, 6 * s, title, Ink, ts);
        }
        if (plot.XLabel.Length > 0)
            BitmapFont.Draw(image, area.X + (area.W - BitmapFont.MeasureWidth(plot.XLabel, s)) / 2, height - 4 * s - textH, plot.XLabel, Ink, s);
        if (plot.YLabel.Length > 0)
            BitmapFont.Draw(image, 4 * s, area.Y + (area.H + BitmapFont.MeasureWidth(plot.YLabel, s)) / 2, plot.YLabel, Ink, s, vertical: true);
        DrawLegend(image, plot, area, s, lineWidth);
        return image;
    }

    /// <summary>Renders the plot and writes it as a PNG file.</summary>
    public static void SavePng(LinePlot plot, string path, int width = 640, int height = 400) => Render(plot, width, height).SavePng(path);

    /// <summary>The pixel rectangle (x, y, w, h) inside the axes where data is drawn, for a plot rendered at this size.</summary>
    public static (int X, int Y, int W, int H) PlotArea(LinePlot plot, int width = 640, int height = 400)
    {
        ArgumentNullException.ThrowIfNull(plot);
        plot.Validate();
        return Layout(plot, width, height, out _, out _);
    }

    /// <summary>Where data point (x, y) lands in a plot rendered at this size (pixel centres; y measured from the top).</summary>
    public static (float X, float Y) DataToPixel(LinePlot plot, float x, float y, int width = 640, int height = 400)
    {
        ArgumentNullException.ThrowIfNull(plot);
        plot.Validate();
        var area = Layout(plot, width, height, out var r, out _);
        return (MapX(x, r, area), MapY(plot.LogY ? MathF.Log10(y) : y, r, area));
    }

    private readonly record struct Ranges(float XMin, float XMax, float YMin, float YMax);

    private static int TextScale(int width, int height) => Math.Max(1, Math.Min(width / 600, height / 380));

    private static int TitleScale(int s, int height) => height >= 240 ? s * 2 : s;

    /// <summary>A title that fits <paramref name="room"/> pixels: first drop to the body text size, then cut the end
    /// with "..." (long room specs and file names must not run off the image).</summary>
    private static string FitTitle(string title, int room, ref int scale, int bodyScale)
    {
        if (BitmapFont.MeasureWidth(title, scale) <= room) return title;
        scale = Math.Min(scale, bodyScale);
        if (BitmapFont.MeasureWidth(title, scale) <= room) return title;
        int keep = title.Length;
        while (keep > 0 && BitmapFont.MeasureWidth(title[..keep] + "...", scale) > room) keep--;
        return title[..keep] + "...";
    }

    private static (int X, int Y, int W, int H) Layout(LinePlot plot, int width, int height, out Ranges ranges, out int scale)
    {
        int s = scale = TextScale(width, height);
        ranges = DataRanges(plot);
        var yTicks = plot.LogY ? LogTicks(ranges.YMin, ranges.YMax) : LinearTicks(ranges.YMin, ranges.YMax, YTickTarget(height, s));
        int labelW = yTicks.Count == 0 ? 0 : yTicks.Max(t => BitmapFont.MeasureWidth(t.Label, s));
        int textH = BitmapFont.Height(s);
        int left = 4 * s + (plot.YLabel.Length > 0 ? textH + 6 * s : 0) + labelW + 6 * s;
        int top = 6 * s + (plot.Title.Length > 0 ? BitmapFont.Height(TitleScale(s, height)) + 8 * s : 0);
        int bottom = 6 * s + textH + 4 * s + (plot.XLabel.Length > 0 ? textH + 6 * s : 0);
        // Room on the right for half of the last x tick label.
        int right = 8 * s + BitmapFont.MeasureWidth(FormatLinear(ranges.XMax, NiceStep(ranges.XMax - ranges.XMin, XTickTarget(width, s))), s) / 2;
        return (left, top, Math.Max(width - left - right, 16), Math.Max(height - top - bottom, 16));
    }

    private static Ranges DataRanges(LinePlot plot)
    {
        float xMin = float.MaxValue, xMax = float.MinValue, yMin = float.MaxValue, yMax = float.MinValue;
        foreach (var line in plot.Lines)
        {
            for (int i = 0; i < line.X.Length; i++)
            {
                float y = line.Y[i];
                if (plot.LogY) { if (y <= 0) continue; y = MathF.Log10(y); }
                xMin = MathF.Min(xMin, line.X[i]); xMax = MathF.Max(xMax, line.X[i]);
                yMin = MathF.Min(yMin, y); yMax = MathF.Max(yMax, y);
            }
        }
        if (xMax - xMin <= 0) { xMin -= 0.5f; xMax += 0.5f; }
        if (yMax - yMin <= 0) { yMin -= 0.5f; yMax += 0.5f; }
        float pad = (yMax - yMin) * 0.05f;
        return new Ranges(xMin, xMax, yMin - pad, yMax + pad);
    }

    private static float MapX(float x, Ranges r, (int X, int Y, int W, int H) a) => a.X + (x - r.XMin) / (r.XMax - r.XMin) * (a.W - 1);

    private static float MapY(float y, Ranges r, (int X, int Y, int W, int H) a) => a.Y + (a.H - 1) - (y - r.YMin) / (r.YMax - r.YMin) * (a.H - 1);

    private static void DrawLine(RgbaImage image, PlotLine line, bool logY, RgbaColor color, float width, Ranges r, (int X, int Y, int W, int H) area)
    {
        float? prevX = null, prevY = null;
        int n = line.X.Length;
        bool sorted = true;
        for (int i = 1; i < n && sorted; i++) sorted = line.X[i] >= line.X[i - 1];
        if (sorted && n > 4 * area.W && !logY)
        {
            DrawEnvelope(image, line, color, width, r, area);
            return;
        }
        for (int i = 0; i < n; i++)
        {
            float y = line.Y[i];
            if (logY)
            {
                if (y <= 0) { prevX = prevY = null; continue; }
                y = MathF.Log10(y);
            }
            float px = MapX(line.X[i], r, area), py = MapY(y, r, area);
            if (prevX is null) Raster.Line(image, px, py, px, py, width, color, area);
            else Raster.Line(image, prevX.Value, prevY!.Value, px, py, width, color, area);
            prevX = px; prevY = py;
        }
    }

    /// <summary>
    /// Dense series (many points per pixel column, e.g. a 48 kHz impulse response) are drawn as each column's
    /// min..max span joined to its neighbours: the same pixels the full polyline would cover, at a fraction of the cost.
    /// </summary>
    private static void DrawEnvelope(RgbaImage image, PlotLine line, RgbaColor color, float width, Ranges r, (int X, int Y, int W, int H) area)
    {
        int cols = area.W;
        var min = new float[cols]; var max = new float[cols]; var first = new float[cols]; var last = new float[cols]; var has = new bool[cols];
        for (int i = 0; i < line.X.Length; i++)
        {
            int c = Math.Clamp((int)MathF.Round(MapX(line.X[i], r, area)) - area.X, 0, cols - 1);
            float py = MapY(line.Y[i], r, area);
            if (!has[c]) { has[c] = true; min[c] = max[c] = first[c] = py; }
            min[c] = MathF.Min(min[c], py); max[c] = MathF.Max(max[c], py); last[c] = py;
        }
        int prev = -1;
        for (int c = 0; c < cols; c++)
        {
            if (!has[c]) continue;
            float x = area.X + c;
            if (prev >= 0) Raster.Line(image, area.X + prev, last[prev], x, first[c], width, color, area);
            Raster.Line(image, x, min[c], x, max[c], width, color, area);
            prev = c;
        }
    }

    private static void DrawLegend(RgbaImage image, LinePlot plot, (int X, int Y, int W, int H) area, int s, float lineWidth)
    {
        var named = Enumerable.Range(0, plot.Lines.Count).Where(i => plot.Lines[i].Name.Length > 0).ToArray();
        if (named.Length == 0) return;
        int textH = BitmapFont.Height(s), rowH = textH + 5 * s, swatch = 18 * s, pad = 5 * s;
        int textW = named.Max(i => BitmapFont.MeasureWidth(plot.Lines[i].Name, s));
        int w = pad + swatch + pad + textW + pad, h = pad + named.Length * rowH - 5 * s + pad;
        // The corner whose box covers the fewest drawn data pixels, preferring top-right, then top-left, ...
        int m = 6 * s;
        (int X, int Y)[] corners =
        [
            (area.X + area.W - w - m, area.Y + m), (area.X + m, area.Y + m),
            (area.X + area.W - w - m, area.Y + area.H - h - m), (area.X + m, area.Y + area.H - h - m),
        ];
        var (x, y) = corners.MinBy(c => DataPixels(image, c.X, c.Y, w, h));
        Raster.FillRect(image, x, y, w, h, RgbaColor.White);
        Raster.FillRect(image, x, y, w, 1, LegendBorder);
        Raster.FillRect(image, x, y + h - 1, w, 1, LegendBorder);
        Raster.FillRect(image, x, y, 1, h, LegendBorder);
        Raster.FillRect(image, x + w - 1, y, 1, h, LegendBorder);
        var clip = (0, 0, image.Width, image.Height);
        for (int k = 0; k < named.Length; k++)
        {
            int i = named[k], ry = y + pad + k * rowH;
            float cy = ry + textH / 2f - 0.5f;
            Raster.Line(image, x + pad, cy, x + pad + swatch, cy, Math.Max(lineWidth, 2f * s), ColorOf(plot, i), clip);
            BitmapFont.Draw(image, x + pad + swatch + pad, ry, plot.Lines[i].Name, Ink, s);
        }
    }

    /// <summary>Pixels in the box that are neither background nor grid: what a legend placed there would hide.</summary>
    private static int DataPixels(RgbaImage image, int x0, int y0, int w, int h)
    {
        int n = 0;
        for (int y = Math.Max(y0, 0); y < Math.Min(y0 + h, image.Height); y++)
            for (int x = Math.Max(x0, 0); x < Math.Min(x0 + w, image.Width); x++)
            {
                var c = image[x, y];
                if (c != Background && c != Grid) n++;
            }
        return n;
    }

    private static float NiceStep(float range, int target)
    {
        if (!(range > 0) || !float.IsFinite(range)) return 1f;
        double raw = range / target, mag = Math.Pow(10, Math.Floor(Math.Log10(raw))), f = raw / mag;
        return (float)((f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * mag);
    }

    /// <summary>About one x tick per 100 pixels (labels of ~6 characters never collide), 2..6 of them.</summary>
    private static int XTickTarget(int width, int s) => Math.Clamp(width / (100 * s), 2, 6);

    /// <summary>About one y tick per 45 pixels of plot height, 2..6 of them.</summary>
    private static int YTickTarget(int height, int s) => Math.Clamp((height - 60 * s) / (45 * s), 2, 6);

    private static List<(float Value, string Label)> LinearTicks(float min, float max, int target)
    {
        float step = NiceStep(max - min, target);
        var ticks = new List<(float, string)>();
        for (double v = Math.Ceiling(min / step) * step; v <= max + step * 1e-4; v += step)
        {
            float t = Math.Abs(v) < step * 1e-6 ? 0f : (float)v;
            ticks.Add((t, FormatLinear(t, step)));
        }
        return ticks;
    }

    /// <summary>Ticks for a log axis whose range is given in log10 units; values returned are linear.</summary>
    private static List<(float Value, string Label)> LogTicks(float logMin, float logMax)
    {
        var ticks = new List<(float, string)>();
        int d0 = (int)Math.Floor(logMin), d1 = (int)Math.Ceiling(logMax);
        int[] mantissas = d1 - d0 <= 2 ? [1, 2, 5] : [1];
        int every = Math.Max(1, (d1 - d0 + 7) / 8);
        for (int d = d0; d <= d1; d++)
        {
            if ((d - d0) % every != 0) continue;
            foreach (int m in mantissas)
            {
                double lv = Math.Log10(m) + d;
                if (lv < logMin - 1e-6 || lv > logMax + 1e-6) continue;
                float v = (float)Math.Pow(10, lv);
                ticks.Add((v, d is >= -2 and <= 3 ? v.ToString("0.##", CultureInfo.InvariantCulture) : $"{m}e{d}"));
            }
        }
        return ticks;
    }

    private static string FormatLinear(float v, float step)
    {
        if (v == 0) return "0";
        double a = Math.Abs(v);
        if (a >= 1e5 || a < 1e-3 || step < 1e-4)
        {
            // Exponent form with as many mantissa digits as the step needs.
            int e = (int)Math.Floor(Math.Log10(a));
            int digits = Math.Clamp(e - (int)Math.Floor(Math.Log10(step)), 0, 3);
            return (v / Math.Pow(10, e)).ToString("0." + new string('#', digits), CultureInfo.InvariantCulture) + "e" + e.ToString(CultureInfo.InvariantCulture);
        }
        int decimals = Math.Clamp(-(int)Math.Floor(Math.Log10(step) + 1e-6), 0, 6);
        return v.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
    }
}
