using FieldForge.Rendering;
using StbImageSharp;
using FieldForge.Core;

namespace FieldForge.Tests.Rendering;

public class GifWriterTests
{
    /// <summary>Decodes every frame with StbImageSharp (an independent decoder), copying the pixels it reuses.</summary>
    private static List<(RgbaImage Image, int DelayMs)> Decode(byte[] gif)
    {
        using var stream = new MemoryStream(gif);
        return ImageResult.AnimatedGifFramesFromStream(stream, ColorComponents.RedGreenBlueAlpha)
            .Select(f => (new RgbaImage(f.Width, f.Height, (byte[])f.Data.Clone()), f.DelayInMs)).ToList();
    }

    private static byte[] WriteGif(IReadOnlyList<RgbaImage> frames, GifOptions options)
    {
        using var stream = new MemoryStream();
        using (var gif = new GifWriter(stream, frames[0].Width, frames[0].Height, options))
            foreach (var f in frames) gif.AddFrame(f);
        return stream.ToArray();
    }

    private static RgbaImage Gradient(int w, int h, int phase = 0)
    {
        var img = new RgbaImage(w, h, RgbaColor.Black);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                img[x, y] = new RgbaColor((byte)(x * 255 / (w - 1)), (byte)(y * 255 / (h - 1)), (byte)((x + y + phase) * 2 % 256));
        return img;
    }

    private static (double Mean, int Max) Error(RgbaImage a, RgbaImage b)
    {
        long sum = 0; int max = 0, n = 0;
        for (int i = 0; i < a.Pixels.Length; i++)
        {
            if (i % 4 == 3) continue;
            int d = Math.Abs(a.Pixels[i] - b.Pixels[i]);
            sum += d; max = Math.Max(max, d); n++;
        }
        return ((double)sum / n, max);
    }

    [Test]
    public void SolidFrames_RoundTripExactlyWithFrameCountAndDelay()
    {
        RgbaColor[] colors = [new(255, 0, 0), new(0, 255, 0), new(0, 0, 255), new(12, 200, 99)];
        var frames = colors.Select(c => new RgbaImage(40, 30, c)).ToArray();
        var bytes = WriteGif(frames, new GifOptions(FrameDelayMs: 50));
        var decoded = Decode(bytes);
        Assert.That(decoded, Has.Count.EqualTo(4));
        for (int i = 0; i < 4; i++)
        {
            Assert.That((decoded[i].Image.Width, decoded[i].Image.Height), Is.EqualTo((40, 30)));
            Assert.That(decoded[i].Image[20, 15], Is.EqualTo(colors[i]), $"frame {i}");
            Assert.That(decoded[i].Image[0, 0], Is.EqualTo(colors[i]), $"frame {i}");
            Assert.That(decoded[i].DelayMs, Is.EqualTo(50));
        }
        Assert.That(System.Text.Encoding.ASCII.GetString(bytes).Contains("NETSCAPE2.0"), Is.True, "loop extension present");
        Assert.That(bytes[^1], Is.EqualTo(0x3B), "trailer");
    }

    [Test]
    public void RandomPaletteColours_RoundTripExactly_ExercisingLzwResets()
    {
        // Colours drawn from the fixed 6x7x6 cube map to themselves; random ones defeat LZW matching, so the
        // dictionary fills (12-bit codes) and resets many times in a 160x120 frame: any code-width slip corrupts pixels.
        var rng = new Random(7);
        var frames = Enumerable.Range(0, 2).Select(_ =>
        {
            var img = new RgbaImage(160, 120, RgbaColor.Black);
            for (int y = 0; y < 120; y++)
                for (int x = 0; x < 160; x++)
                    img[x, y] = new RgbaColor((byte)(rng.Next(6) * 51), (byte)MathF.Round(rng.Next(7) * 255f / 6f), (byte)(rng.Next(6) * 51));
            return img;
        }).ToArray();
        var decoded = Decode(WriteGif(frames, new GifOptions(Palette: GifPalette.Fixed676)));
        Assert.That(decoded, Has.Count.EqualTo(2));
        for (int i = 0; i < 2; i++) Assert.That(decoded[i].Image.Pixels, Is.EqualTo(frames[i].Pixels), $"frame {i}");
    }

    [Test]
    public void MedianCut_SmoothGradient_StaysClose()
    {
        var frames = new[] { Gradient(96, 64), Gradient(96, 64, 40) };
        var decoded = Decode(WriteGif(frames, new GifOptions()));
        for (int i = 0; i < 2; i++)
        {
            var (mean, max) = Error(frames[i], decoded[i].Image);
            TestContext.Out.WriteLine($"median cut frame {i}: mean {mean:F2}, max {max}");
            // The gradient is a 2-D sheet of 6144 distinct colours; 256 boxes hold ~24 pixels each, a ~5x5 patch
            // spanning 13..20 levels per channel, so the mean error is about a quarter of that (~4; 5 allowed) and
            // no channel is off by more than a box's half-width plus a histogram bin (24).
            Assert.That(mean, Is.LessThan(5.0));
            Assert.That(max, Is.LessThanOrEqualTo(24));
        }
    }

    [Test]
    public void FixedPalette_Dither_PreservesLocalMeanColour()
    {
        var frame = new RgbaImage(64, 64, new RgbaColor(100, 150, 200)); // between the cube's levels on every channel
        var plain = Decode(WriteGif([frame], new GifOptions(Palette: GifPalette.Fixed676)))[0].Image;
        var dithered = Decode(WriteGif([frame], new GifOptions(Palette: GifPalette.Fixed676, Dither: true)))[0].Image;
        // Without dither every pixel takes the nearest level (off by up to half a level: 102/153/204 here).
        Assert.That(plain[10, 10], Is.EqualTo(new RgbaColor(102, 149, 204)).Or.EqualTo(new RgbaColor(102, 170, 204)));
        // With the 4x4 Bayer pattern the mean over a 4x4 tile approaches the input (within 1/16 of a level, ~4).
        double r = 0, g = 0, b = 0;
        for (int y = 0; y < 4; y++) for (int x = 0; x < 4; x++) { var c = dithered[x, y]; r += c.R; g += c.G; b += c.B; }
        Assert.That(r / 16, Is.EqualTo(100).Within(4.0));
        Assert.That(g / 16, Is.EqualTo(150).Within(4.0));
        Assert.That(b / 16, Is.EqualTo(200).Within(4.0));
    }

    [Test]
    public void WriteFile_LoopsAndIsReadableAsImage()
    {
        var path = Path.Combine(PlotRendererTests.OutputDir, "gradient.gif");
        GifWriter.Write(path, Enumerable.Range(0, 8).Select(i => Gradient(64, 48, i * 16)).ToArray(), new GifOptions(FrameDelayMs: 80, Dither: true));
        var first = RgbaImage.LoadPng(path); // StbImageSharp decodes the first frame of a GIF too
        Assert.That((first.Width, first.Height), Is.EqualTo((64, 48)));
        Assert.That(Decode(File.ReadAllBytes(path)), Has.Count.EqualTo(8));
    }

    [Test]
    public void BadInput_IsRejectedWithMessage()
    {
        using var stream = new MemoryStream();
        using var gif = new GifWriter(stream, 10, 10);
        Assert.That(() => gif.AddFrame(new RgbaImage(12, 10, RgbaColor.Black)), Throws.ArgumentException.With.Message.Contains("frame 0 is 12x10 but the GIF is 10x10"));
        Assert.That(() => gif.AddFrame(new RgbaImage(10, 10, RgbaColor.Black), 5), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("frame delay must be 20..655350 ms, got 5"));
        Assert.That(() => new GifWriter(stream, 10, 10, new GifOptions(LoopCount: -2)), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("loop count"));
        Assert.That(() => new GifWriter(stream, 0, 10), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("width must be 1..65535"));
    }

    [Test]
    public void PngSequence_WritesNumberedReadableFrames()
    {
        var dir = Path.Combine(PlotRendererTests.OutputDir, "sequence");
        if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        using (var seq = new PngSequenceWriter(dir, "frame", 32, 24))
            for (int i = 0; i < 3; i++) seq.AddFrame(Gradient(32, 24, i * 30));
        var files = Directory.GetFiles(dir).Select(Path.GetFileName).Order().ToArray();
        Assert.That(files, Is.EqualTo(new[] { "frame_0000.png", "frame_0001.png", "frame_0002.png" }));
        Assert.That(RgbaImage.LoadPng(Path.Combine(dir, "frame_0002.png")).Pixels, Is.EqualTo(Gradient(32, 24, 60).Pixels));
    }
}
