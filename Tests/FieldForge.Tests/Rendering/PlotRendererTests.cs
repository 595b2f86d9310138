using FieldForge.Rendering;

namespace FieldForge.Tests.Rendering;

public class PlotRendererTests
{
    internal static string OutputDir
    {
        get
        {
            var dir = Path.Combine(Path.GetTempPath(), "fieldforge-rendering-tests");
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
        var plot = TwoLines();
        var img = PlotRenderer.Render(plot, 640, 400);
        img.SavePng(Path.Combine(OutputDir, "plot-linear.png"));
        Assert.That((img.Width, img.Height), Is.EqualTo((640, 400)));
        // Sample every 10th point away from the legend (top right): the line colour must be within 2 px of where the
        // data maps (the line is 1.5 px wide and anti-aliased, and the grid or the other line may cover a pixel).
        for (int s = 0; s < 2; s++)
        {
            var line = plot.Lines[s];
            var color = PlotRenderer.ColorOf(plot, s);
            int hits = 0, tried = 0;
            for (int i = 0; i < line.X.Length; i += 10)
            {
                var (px, py) = PlotRenderer.DataToPixel(plot, line.X[i], line.Y[i], 640, 400);
                if (px > 420 && py < 130) continue;
                tried++;
                if (ColorNear(img, px, py, color, 2)) hits++;
            }
            Assert.That(hits, Is.GreaterThanOrEqualTo(tried - 1), $"line {s} ({line.Name}): {hits}/{tried} sampled points drawn in its colour");
        }
    }

    [Test]
    public void Render_TwoLines_LegendShowsBothColours()
    {
        var plot = TwoLines();
        var img = PlotRenderer.Render(plot, 640, 400);
        var area = PlotRenderer.PlotArea(plot, 640, 400);
        // The legend sits in the top-right corner of the plot area: count exact series colours there.
        for (int s = 0; s < 2; s++)
        {
            var c = PlotRenderer.ColorOf(plot, s);
            int count = 0;
            for (int y = area.Y; y < area.Y + 60; y++)
                for (int x = area.X + area.W - 200; x < area.X + area.W; x++) if (img[x, y] == c) count++;
            Assert.That(count, Is.GreaterThan(10), $"legend swatch for '{plot.Lines[s].Name}'");
        }
        Assert.That(PlotRenderer.ColorOf(plot, 0), Is.Not.EqualTo(PlotRenderer.ColorOf(plot, 1)));
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
    public void SavePng_RoundTrip_PreservesPixels()
    {
        var img = PlotRenderer.Render(TwoLines(), 320, 200);
        var path = Path.Combine(OutputDir, "plot-roundtrip.png");
        img.SavePng(path);
        var back = RgbaImage.LoadPng(path);
        Assert.That((back.Width, back.Height), Is.EqualTo((320, 200)));
        Assert.That(back.Pixels, Is.EqualTo(img.Pixels), "PNG is lossless");
    }
}
