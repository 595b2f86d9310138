using System.Numerics;
using FieldForge.Acoustics;
using FieldForge.Components;

namespace FieldForge.Tests.Acoustics;

public sealed class SoundFieldComponentTests : GpuTest
{
    [Test]
    public void Tick_UntilDone_ProducesTheSolversImpulseResponseAndRestartsWhenTheSourceMoves()
    {
        using var host = new ComponentHost(Gpu);
        var c = host.Add(new SoundFieldComponent { Room = "box:1.5x1.2x1", Walls = "rigid", Source = new(0.4f, 0.4f, 0.5f), Listener = new(1.1f, 0.8f, 0.5f), DurationSeconds = 0.01 });
        for (int f = 0; f < 20 && c.ImpulseResponseVersion == 0; f++) host.Tick(1 / 60.0);
        Assert.That(c.Problem, Is.Empty);
        Assert.That(c.ImpulseResponseVersion, Is.EqualTo(1));
        var settings = new FdtdSettings { MaxFrequencyHz = SoundFieldComponent.MaxFrequency(SoundFieldQuality.Draft) };
        using var solver = new FdtdSolver(Gpu, Room.Parse("box:1.5x1.2x1"), settings);
        var expected = solver.Simulate(c.Source, new[] { c.Listener }, 0.01).Series(0);
        Assert.That(c.ImpulseResponse!.Samples, Is.EqualTo(expected).Within(1e-6f));
        Assert.That(c.GetPreviews().Select(p => p.GetType()), Is.EquivalentTo(new[] { typeof(PlotPreview), typeof(ImagePreview) }));

        c.Source = new Vector3(0.6f, 0.5f, 0.5f);
        host.Tick(1 / 60.0);
        Assert.That(c.Progress, Is.LessThan(1));
        for (int f = 0; f < 20 && c.ImpulseResponseVersion == 1; f++) host.Tick(1 / 60.0);
        Assert.That(c.ImpulseResponseVersion, Is.EqualTo(2));
    }

    [Test]
    public void Update_SourceOutsideRoom_ReportsStatusInsteadOfThrowing()
    {
        using var host = new ComponentHost(Gpu);
        var c = host.Add(new SoundFieldComponent { Room = "box:1x1x1", Source = new(2, 0.5f, 0.5f), Listener = new(0.5f, 0.5f, 0.5f) });
        host.Tick(1 / 60.0);
        Assert.That(c.Problem, Does.Contain("source (2, 0.5, 0.5) m is outside the room"));
    }
}
