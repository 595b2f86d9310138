using FieldForge.Components;
using FieldForge.Gpu;
using FieldForge.Noise;

namespace FieldForge.Tests.Noise;

public class NoiseComponentTests : GpuTest
{
    [Test]
    public void NoiseComponent_RegeneratesOnlyWhenParametersChange()
    {
        using var host = new ComponentHost(Gpu) { PreviewsWanted = true };
        var c = host.Add(new NoiseComponent { Width = 48, Height = 32, Octaves = 3, WarpStages = 1 });
        host.Tick(1 / 60.0);
        Assert.That(c.Generations, Is.EqualTo(1));
        var expected = new float[48 * 32];
        new CpuNoise(c.ToSettings()).FillGrid(c.ToGrid(), expected);
        var actual = c.Values!.ToArray();
        Assert.That(actual.Zip(expected).Max(p => Math.Abs(p.First - p.Second)), Is.LessThanOrEqualTo(1e-5), "buffer equals the CPU reference");

        host.Tick(1 / 60.0);
        host.Tick(1 / 60.0);
        Assert.That(c.Generations, Is.EqualTo(1), "unchanged parameters: no new work");
        Assert.That(host.LastFrameDispatches, Is.EqualTo(0));

        c.Seed = 99;
        host.Tick(1 / 60.0);
        Assert.That(c.Generations, Is.EqualTo(2));
        Assert.That(c.Values!.ToArray(), Is.Not.EqualTo(actual));

        var preview = c.GetPreviews().OfType<ImagePreview>().Single();
        Assert.That((preview.Width, preview.Height, preview.Rgba.Length), Is.EqualTo((48, 32, 48 * 32 * 4)));
        Assert.That(c.Rgba, Is.SameAs(preview.Rgba));
        Assert.That(preview.Rgba.Where((_, i) => i % 4 == 3), Is.All.EqualTo((byte)255));
    }

    [Test]
    public void NoiseComponent_Textures_HoldTheNoiseAndItsRamp_AndFollowTheSize()
    {
        using var host = new ComponentHost(Gpu);
        var c = host.Add(new NoiseComponent { Width = 37, Height = 19, Octaves = 4, Amplitude = 0.8f, Offset = 0.1f });
        long before = Gpu.BytesReadBack;
        host.Tick(1 / 60.0);
        host.Tick(1 / 60.0); // the first frame has completed behind the second
        Assert.That(Gpu.BytesReadBack - before, Is.Zero, "no previews wanted: the textures are written, nothing is read back");
        var texture = c.Texture!;
        var color = c.ColorTexture!;
        Assert.That((texture.Width, texture.Height, texture.Format), Is.EqualTo((37, 19, GpuImageFormat.R32Sfloat)));
        Assert.That((color.Width, color.Height, color.Format), Is.EqualTo((37, 19, GpuImageFormat.R8G8B8A8Unorm)));
        Assert.That(texture.Layout, Is.EqualTo(Silk.NET.Vulkan.ImageLayout.ShaderReadOnlyOptimal));
        var expected = new float[37 * 19];
        new CpuNoise(c.ToSettings()).FillGrid(c.ToGrid(), expected);
        Assert.That(texture.ToArray<float>().Zip(expected).Max(p => Math.Abs(p.First - p.Second)), Is.LessThanOrEqualTo(1e-5), "noise tolerance");
        var rgba = NoiseImage.ToRgba(expected, 37, 19, 0.1f - 0.8f, 0.1f + 0.8f, colorRamp: true);
        Assert.That(color.ToArray<byte>().Zip(rgba).Max(p => Math.Abs(p.First - p.Second)), Is.LessThanOrEqualTo(1), "ramp within one step per channel");

        c.ColorRamp = false;
        host.Tick(1 / 60.0);
        Assert.That(c.ColorTexture, Is.SameAs(color), "same size: the images are rewritten in place");
        var grey = NoiseImage.ToRgba(expected, 37, 19, 0.1f - 0.8f, 0.1f + 0.8f, colorRamp: false);
        Assert.That(color.ToArray<byte>().Zip(grey).Max(p => Math.Abs(p.First - p.Second)), Is.LessThanOrEqualTo(1), "greyscale when the ramp is off");

        int liveImages = Gpu.LiveImageCount;
        c.Width = 20;
        host.Tick(1 / 60.0);
        Assert.That(texture.IsDisposed && color.IsDisposed, Is.True, "a resize replaces the images");
        Assert.That((c.Texture!.Width, c.Texture.Height, c.ColorTexture!.Width), Is.EqualTo((20, 19, 20)));
        Assert.That(Gpu.LiveImageCount, Is.EqualTo(liveImages));
        var resized = new float[20 * 19];
        new CpuNoise(c.ToSettings()).FillGrid(c.ToGrid(), resized);
        Assert.That(c.Texture.ToArray<float>().Zip(resized).Max(p => Math.Abs(p.First - p.Second)), Is.LessThanOrEqualTo(1e-5));

        host.Remove(c);
        Assert.That(c.Texture, Is.Null);
        Assert.That(Gpu.LiveImageCount, Is.EqualTo(liveImages - 2), "disabling the component frees its images");
    }

    [Test]
    public void NoiseComponent_ParametersAreDescribedAndValidated()
    {
        var ps = ComponentParameters.Describe(typeof(NoiseComponent));
        Assert.That(ps.Select(p => p.Name), Is.SupersetOf(new[] { "Width", "Height", "Seed", "Mode", "Octaves", "Frequency", "Lacunarity", "Gain", "Amplitude", "Offset", "WarpStages", "WarpAmplitude", "PeriodX", "PeriodY" }));
        Assert.That(ps.Where(p => p.Kind is ParameterKind.Int or ParameterKind.Float).All(p => p.Min is not null && p.Tooltip is not null), Is.True);
        Assert.That(ps.Select(p => p.Name), Has.None.EqualTo("Values").And.None.EqualTo("Generations").And.None.EqualTo("Texture").And.None.EqualTo("ColorTexture"));
        var c = new NoiseComponent();
        Assert.That(Assert.Throws<ArgumentException>(() => ComponentParameters.Set(c, "Octaves", 0))!.Message, Is.EqualTo("Octaves must be 1..16, got 0"));
        Assert.That(Assert.Throws<ArgumentException>(() => ComponentParameters.Set(c, "Gain", double.NaN))!.Message, Does.Contain("finite"));
        c.PeriodY = 3;
        Assert.That(Assert.Throws<ArgumentException>(() => c.ToSettings())!.Message, Does.StartWith("periodY must be even"));
    }

    [Test]
    public void ZeroAmplitude_LargeOffset_PreviewIsAFlatImage()
    {
        // 1e6 + 1e-6 == 1e6 in float: a range widened by a fixed epsilon would collapse and the preview would throw.
        using var host = new ComponentHost(Gpu) { PreviewsWanted = true };
        var c = host.Add(new NoiseComponent { Width = 8, Height = 4, Amplitude = 0, Offset = 1e6f });
        host.Tick(1 / 60.0);
        Assert.That(c.Rgba, Has.Length.EqualTo(8 * 4 * 4));
        Assert.That(c.Rgba!.Chunk(4).Select(p => (p[0], p[1], p[2])).Distinct().Count(), Is.EqualTo(1), "a constant field is one colour");
    }
}
