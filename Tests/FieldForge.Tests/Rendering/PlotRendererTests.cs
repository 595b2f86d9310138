using FieldForge.Rendering;
using FieldForge.Core;

namespace FieldForge.Tests.Rendering;

public class PlotRendererTests
{
    /// <summary>
    /// Where rendering tests leave their images for a human to look at: under the test binaries (per checkout, so
    /// parallel runs from other worktrees never write the same files).
    /// </summary>
    internal static string OutputDir
    {
        get
        {
            var dir = Path.Combine(TestContext.CurrentContext.WorkDirectory, "rendering-output");
            Directory.CreateDirectory(dir);
            return dir;
        }
    }

    private static LinePlot TwoLines(bool logY = false)
    {
        var x = Enumerable.Range(0, 200).Select(i => i * 0.05f).ToArray();
        var decay = x.Select(v => MathF.Exp(-v)).ToArray();
        var ramp = x.Select(v => logY ? 0.01f + v * 0.1f : v * 0.1f).ToArray();
        return new LinePlot("Impulse response", "time (s)", "amplitude", [new PlotLine("decay", x, decay), new PlotLine("ramp", x, ramp)], logY);
    }

    private static bool Near(RgbaColor a, RgbaColor b, int tol) => Math.Abs(a.R - b.R) <= tol && Math.Abs(a.G - b.G) <= tol && Math.Abs(a.B - b.B) <= tol;

    /// <summary>Whether a pixel of <paramref name="color"/> lies within <paramref name="radius"/> pixels of (x, y).</summary>
    private static bool ColorNear(RgbaImage img, float x, float y, RgbaColor color, int radius, int tol = 40)
    {
        for (int dy = -radius; dy <= radius; dy++)
            for (int dx = -radius; dx <= radius; dx++)
            {
                int px = (int)MathF.Round(x) + dx, py = (int)MathF.Round(y) + dy;
                if (px >= 0 && py >= 0 && px < img.Width && py < img.Height && Near(img[px, py], color, tol)) return true;
            }
        return false;
    }

    [Test]
    public void Render_TwoLines_PixelsLieOnEachCurve()
    {
        var named = TwoLines();
        PlotRenderer.SavePng(named, Path.Combine(OutputDir, "plot-linear.png"));
        // Unnamed lines: no legend to hide any part of them.
        var plot = named with { Lines = named.Lines.Select(l => l with { Name = "" }).ToArray() };
        var img = PlotRenderer.Render(plot, 640, 400);
        Assert.That((img.Width, img.Height), Is.EqualTo((640, 400)));
        // Every 10th point: the line colour must be within 2 px of where the data maps (the line is 1.5 px wide and
        // anti-aliased; where the two lines cross the other one may cover it, hence one miss allowed).
        for (int s = 0; s < 2; s++)
        {
            var line = plot.Lines[s];
            var color = PlotRenderer.ColorOf(plot, s);
            int hits = 0, tried = 0;
            for (int i = 0; i < line.X.Length; i += 10)
            {
                var (px, py) = PlotRenderer.DataToPixel(plot, line.X[i], line.Y[i], 640, 400);
                tried++;
                if (ColorNear(img, px, py, color, 2)) hits++;
            }
            Assert.That(hits, Is.GreaterThanOrEqualTo(tried - 1), $"line {s}: {hits}/{tried} sampled points drawn in its colour");
        }
    }

    [Test]
    public void Render_TwoLines_LegendShowsBothColours()
    {
        // The legend's swatches add pixels of exactly each series colour: compare with the same plot unnamed.
        var plot = TwoLines();
        var unnamed = plot with { Lines = plot.Lines.Select(l => l with { Name = "" }).ToArray() };
        var img = PlotRenderer.Render(plot, 640, 400);
        var bare = PlotRenderer.Render(unnamed, 640, 400);
        for (int s = 0; s < 2; s++)
        {
            var c = PlotRenderer.ColorOf(plot, s);
            int Count(RgbaImage im) => Enumerable.Range(0, im.Width * im.Height).Count(k => im[k % im.Width, k / im.Width] == c);
            // An 18-pixel swatch 2 pixels thick: ~36 pixels, less what the legend box hides of the line itself.
            Assert.That(Count(img) - Count(bare), Is.GreaterThan(15), $"legend swatch for '{plot.Lines[s].Name}'");
        }
        Assert.That(PlotRenderer.ColorOf(plot, 0), Is.Not.EqualTo(PlotRenderer.ColorOf(plot, 1)));
        int dark = 0;
        var area = PlotRenderer.PlotArea(plot, 640, 400);
        for (int y = area.Y; y < area.Y + area.H; y++) for (int x = area.X; x < area.X + area.W; x++) if (img[x, y].R < 60 && bare[x, y].R >= 60) dark++;
        Assert.That(dark, Is.GreaterThan(20), "legend names drawn as dark text");
    }

    [Test]
    public void Render_Legend_AvoidsTheCornerWithData()
    {
        // A rising line fills the top-right corner, so the legend moves to the top-left, which is empty.
        var x = Enumerable.Range(0, 100).Select(i => (float)i).ToArray();
        var plot = new LinePlot("", "", "", [new PlotLine("rising", x, x)]);
        var img = PlotRenderer.Render(plot, 400, 300);
        img.SavePng(Path.Combine(OutputDir, "plot-legend-corner.png"));
        var area = PlotRenderer.PlotArea(plot, 400, 300);
        int DarkText(int x0, int y0) { int n = 0; for (int y = y0; y < y0 + 30; y++) for (int xx = x0; xx < x0 + 80; xx++) if (img[xx, y].R < 60 && img[xx, y].B < 60) n++; return n; }
        Assert.That(DarkText(area.X + 2, area.Y + 2), Is.GreaterThan(10), "legend text top-left");
    }

    [Test]
    public void Render_Corners_AreBackgroundAndTextIsDrawn()
    {
        var img = PlotRenderer.Render(TwoLines(), 640, 400);
        Assert.That(img[0, 0], Is.EqualTo(PlotRenderer.Background));
        Assert.That(img[639, 399], Is.EqualTo(PlotRenderer.Background));
        // The title band (above the plot area) holds dark text pixels.
        int dark = 0;
        for (int y = 0; y < 30; y++) for (int x = 0; x < 640; x++) if (img[x, y].R < 100) dark++;
        Assert.That(dark, Is.GreaterThan(50), "title text");
    }

    [Test]
    public void Render_LogY_PlacesDecadesEvenly()
    {
        var x = Enumerable.Range(0, 50).Select(i => (float)i).ToArray();
        var y = x.Select(v => MathF.Pow(10, -v / 10f)).ToArray();
        var plot = new LinePlot("Loss", "step", "loss", [new PlotLine("train", x, y)], LogY: true);
        var img = PlotRenderer.Render(plot, 480, 320);
        img.SavePng(Path.Combine(OutputDir, "plot-logy.png"));
        // An exponential decay is a straight line on a log axis: equal steps in x give equal pixel steps in y.
        var (_, y0) = PlotRenderer.DataToPixel(plot, 0, 1f, 480, 320);
        var (_, y1) = PlotRenderer.DataToPixel(plot, 10, 0.1f, 480, 320);
        var (_, y2) = PlotRenderer.DataToPixel(plot, 20, 0.01f, 480, 320);
        Assert.That(y1 - y0, Is.EqualTo(y2 - y1).Within(0.01f));
        var (px, py) = PlotRenderer.DataToPixel(plot, 25, y[25], 480, 320);
        Assert.That(ColorNear(img, px, py, PlotRenderer.ColorOf(plot, 0), 1), Is.True);
    }

    [Test]
    public void Render_DenseSeries_DrawsEnvelopeQuickly()
    {
        // A 48 kHz, 1 s decaying oscillation: ~90 samples per pixel column takes the min/max envelope path.
        var y = Enumerable.Range(0, 48000).Select(i => MathF.Exp(-i / 8000f) * MathF.Sin(i * 0.3f)).ToArray();
        var plot = new LinePlot("IR", "sample", "p", [PlotLine.FromValues("ir", y)]);
        var img = PlotRenderer.Render(plot, 640, 400);
        img.SavePng(Path.Combine(OutputDir, "plot-dense.png"));
        var (px, top) = PlotRenderer.DataToPixel(plot, 100, 1f, 640, 400);
        var (_, bottom) = PlotRenderer.DataToPixel(plot, 100, -1f, 640, 400);
        // Near x = 100 the signal swings between about +-1: the whole vertical span is coloured.
        Assert.That(ColorNear(img, px, (top + bottom) / 2, PlotRenderer.ColorOf(plot, 0), 1), Is.True);
        Assert.That(ColorNear(img, px, top + 3, PlotRenderer.ColorOf(plot, 0), 2), Is.True);
        Assert.That(ColorNear(img, px, bottom - 3, PlotRenderer.ColorOf(plot, 0), 2), Is.True);
    }

    [Test]
    public void Render_BadInput_IsRejectedWithMessage()
    {
        var nan = new LinePlot("t", "x", "y", [new PlotLine("bad", [0f, 1f], [0f, float.NaN])]);
        Assert.That(() => PlotRenderer.Render(nan), Throws.ArgumentException.With.Message.Contains("line 'bad': Y[1] must be finite"));
        var mismatch = new LinePlot("t", "x", "y", [new PlotLine("m", [0f, 1f], [0f])]);
        Assert.That(() => PlotRenderer.Render(mismatch), Throws.ArgumentException.With.Message.Contains("X has 2 values but Y has 1"));
        var log = new LinePlot("t", "x", "y", [new PlotLine("z", [0f, 1f], [0f, -1f])], LogY: true);
        Assert.That(() => PlotRenderer.Render(log), Throws.ArgumentException.With.Message.Contains("positive y"));
        Assert.That(() => PlotRenderer.Render(TwoLines(), 10, 400), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("width"));
    }

    [Test]
    public void Render_SmallestSize_StaysLegible()
    {
        // 160x120 (the minimum): fewer ticks, so the x labels under the axis never run into each other.
        var plot = TwoLines();
        var img = PlotRenderer.Render(plot, 160, 120);
        img.SavePng(Path.Combine(OutputDir, "plot-small.png"));
        var area = PlotRenderer.PlotArea(plot, 160, 120);
        Assert.That(area.W, Is.GreaterThan(60));
        Assert.That(area.H, Is.GreaterThan(40));
        // Scan the tick-label band: runs of text columns must be separated by blank columns (>= 3 labels, no merging).
        int runs = 0; bool inRun = false;
        for (int x = 0; x < 160; x++)
        {
            bool ink = false;
            for (int y = area.Y + area.H + 5; y < area.Y + area.H + 14 && y < 120; y++) ink |= img[x, y].R < 100;
            if (ink && !inRun) runs++;
            inRun = ink;
        }
        Assert.That(runs, Is.InRange(2, 4));
    }

    [Test]
    public void SavePng_RoundTrip_PreservesPixels()
    {
        var img = PlotRenderer.Render(TwoLines(), 320, 200);
        var path = Path.Combine(OutputDir, "plot-roundtrip.png");
        img.SavePng(path);
        var back = RgbaImage.LoadPng(path);
        Assert.That((back.Width, back.Height), Is.EqualTo((320, 200)));
        Assert.That(back.Pixels, Is.EqualTo(img.Pixels), "PNG is lossless");
    }

    [Test]
    public void Render_TitleWiderThanTheImage_IsShrunkOrCutInsteadOfClipped()
    {
        var longTitle = "Impulse response at the listener, lshape:3x2.5x2.2,cut=1.8x1.4 with R=0.9 walls and a very long suffix";
        var plot = new LinePlot(longTitle, "t", "p", new[] { PlotLine.FromValues("a", new float[] { 0, 1, 0 }) });
        var img = PlotRenderer.Render(plot, 640, 400);
        // No ink in the outermost columns of the title band: the text was fitted inside the image.
        for (int y = 0; y < 40; y++)
            foreach (int x in new[] { 0, 1, 2, 637, 638, 639 })
                Assert.That(img[x, y], Is.EqualTo(PlotRenderer.Background), $"title ink at ({x},{y})");
        Assert.That(Enumerable.Range(0, 30).Any(y => Enumerable.Range(0, 640).Any(x => img[x, y].R < 100)), Is.True, "a title is still drawn");
    }
}
