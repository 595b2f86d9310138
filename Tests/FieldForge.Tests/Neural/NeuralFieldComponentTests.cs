using FieldForge.Components;
using FieldForge.Neural;

namespace FieldForge.Tests.Neural;

public sealed class NeuralFieldComponentTests : GpuTest
{
    [Test]
    public void Component_TrainsInFrameBatch_ExposesLossCurveAndReconstruction()
    {
        using var host = new ComponentHost(Gpu);
        var c = host.Add(new NeuralFieldComponent
        {
            ProceduralSize = 32, Levels = 4, Log2TableSize = 10, Width = 16, HiddenLayers = 1, BatchSize = 1024,
            StepsPerFrame = 3, PreviewEveryFrames = 4, PreviewSize = 24,
        });
        for (int frame = 0; frame < 8; frame++) host.Tick(1 / 60.0);
        Assert.That(c.Step, Is.EqualTo(24), "3 steps per frame for 8 frames");
        var previews = c.GetPreviews();
        var plot = previews.OfType<PlotPreview>().Single();
        Assert.That(plot.Series[0].Y.Length, Is.EqualTo(8));
        Assert.That(plot.Series[0].Y[^1], Is.LessThan(plot.Series[0].Y[0]), "loss falls while training");
        var images = previews.OfType<ImagePreview>().ToArray();
        Assert.That(images.Select(i => i.Title), Has.Some.StartsWith("Reconstruction").And.Some.EqualTo("Target"));
        Assert.That(images.All(i => i.Width == 24 && i.Height == 24 && i.Rgba.Length == 24 * 24 * 4));

        c.LearningRate = 5e-3f; // live parameter: no rebuild
        host.Tick(1 / 60.0);
        Assert.That(c.Step, Is.EqualTo(27));
        c.Encoding = EncodingKind.Grid; // structural: rebuilds and restarts
        host.Tick(1 / 60.0);
        Assert.That(c.Step, Is.EqualTo(3));
    }

    [Test]
    public void Component_BadParameter_RejectedWithMessage()
    {
        var c = new NeuralFieldComponent();
        Assert.That(() => ComponentParameters.Set(c, nameof(NeuralFieldComponent.Log2TableSize), 30), Throws.Exception.With.Message.Contains("Log2TableSize"));
    }
}
