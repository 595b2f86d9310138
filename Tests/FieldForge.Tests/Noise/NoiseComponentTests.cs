using FieldForge.Components;
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
    public void NoiseComponent_ParametersAreDescribedAndValidated()
    {
        var ps = ComponentParameters.Describe(typeof(NoiseComponent));
        Assert.That(ps.Select(p => p.Name), Is.SupersetOf(new[] { "Width", "Height", "Seed", "Mode", "Octaves", "Frequency", "Lacunarity", "Gain", "Amplitude", "Offset", "WarpStages", "WarpAmplitude", "PeriodX", "PeriodY" }));
        Assert.That(ps.Where(p => p.Kind is ParameterKind.Int or ParameterKind.Float).All(p => p.Min is not null && p.Tooltip is not null), Is.True);
        Assert.That(ps.Select(p => p.Name), Has.None.EqualTo("Values").And.None.EqualTo("Generations"));
        var c = new NoiseComponent();
        Assert.That(Assert.Throws<ArgumentException>(() => ComponentParameters.Set(c, "Octaves", 0))!.Message, Is.EqualTo("Octaves must be 1..16, got 0"));
        Assert.That(Assert.Throws<ArgumentException>(() => ComponentParameters.Set(c, "Gain", double.NaN))!.Message, Does.Contain("finite"));
        c.PeriodY = 3;
        Assert.That(Assert.Throws<ArgumentException>(() => c.ToSettings())!.Message, Does.StartWith("periodY must be even"));
    }
}
