using FieldForge.Components;
using FieldForge.Tests.Editor;

namespace FieldForge.Tests;

/// <summary><see cref="ComponentHost"/>'s frame events, which an attached tool (the editor) builds on.</summary>
public class HostFrameEventsTests : GpuTest
{
    [Test]
    public void FrameFailed_SeesTheExceptionThatStillReachesTheCaller()
    {
        using var host = new ComponentHost(Gpu);
        var swatch = host.Add(new SwatchComponent());
        var events = new List<string>();
        Exception? seen = null;
        host.FrameStarting += _ => events.Add("starting");
        host.FrameFinished += _ => events.Add("finished");
        host.FrameFailed += (_, e) => { events.Add("failed"); seen = e; };
        host.FrameFailed += (_, _) => throw new InvalidOperationException("a broken observer");

        host.Tick(1 / 60.0);
        swatch.FailNextUpdate = true;
        var thrown = Assert.Throws<ComponentException>(() => host.Tick(1 / 60.0))!;
        Assert.That(seen, Is.SameAs(thrown), "the observer saw the very exception the game gets");
        Assert.That(thrown.InnerException!.Message, Is.EqualTo("swatch failed on purpose"), "a throwing observer does not replace it");
        Assert.That(events, Is.EqualTo(new[] { "starting", "finished", "starting", "failed" }));

        host.Tick(1 / 60.0);
        Assert.That(events.Skip(4), Is.EqualTo(new[] { "starting", "finished" }), "the host ticks on after a failed frame");
    }
}
