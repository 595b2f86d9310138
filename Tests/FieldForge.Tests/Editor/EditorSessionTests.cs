using FieldForge.Editor;
using StbImageSharp;

namespace FieldForge.Tests.Editor;

public class EditorSessionTests
{
    private static byte[] FirstPixel(byte[] png)
    {
        var image = ImageResult.FromMemory(png, ColorComponents.RedGreenBlueAlpha);
        return image.Data[..4];
    }

    [Test]
    public void Session_Edit_RunsOnTheSessionThreadAndUpdatesThePreview()
    {
        using var session = EditorTestSupport.StartSwatchSession();
        var first = EditorTestSupport.WaitFor(session, s => s.Find("SwatchComponent")?.Previews.Count == 3, "the first previews");
        var image = first.Find("SwatchComponent")!.Previews[0];
        Assert.That(image.Kind, Is.EqualTo("image"));
        // Level 0.5 * Tint (1, 0.6, 0.2) * 255, truncated like the component's packing.
        Assert.That(FirstPixel(image.Png!), Is.EqualTo(new byte[] { 127, 76, 25, 255 }));
        Assert.That(first.Timings.Select(t => t.Region), Does.Contain("swatch fill"));
        Assert.That(first.Dispatches, Is.EqualTo(1));

        int caller = Environment.CurrentManagedThreadId;
        int a = session.InvokeAsync(doc => { doc.SetParameter("SwatchComponent", "Level", 1.0); return Environment.CurrentManagedThreadId; }).Result;
        int b = session.InvokeAsync(_ => Environment.CurrentManagedThreadId).Result;
        Assert.That(a, Is.EqualTo(b).And.Not.EqualTo(caller), "all edits run on the one session thread");

        var after = EditorTestSupport.WaitFor(session, s => s.Find("SwatchComponent")!.Previews[0].Version != image.Version, "a new preview");
        var state = after.Find("SwatchComponent")!;
        Assert.That(FirstPixel(state.Previews[0].Png!), Is.EqualTo(new byte[] { 255, 153, 51, 255 }));
        Assert.That(state.Values["Level"], Is.EqualTo(1f));
        Assert.That((state.Previews[1].Kind, state.Previews[2].Kind), Is.EqualTo(("plot", "mesh")));
        Assert.That(state.Previews[2].DataJson, Does.Contain("\"vertices\":4").And.Contain("\"triangles\":2"));
        var mesh = ImageResult.FromMemory(state.Previews[2].Png!, ColorComponents.RedGreenBlueAlpha);
        Assert.That((mesh.Width, mesh.Height), Is.EqualTo((256, 256)), "the mesh is rendered offscreen with OpenGL");
        Assert.That(mesh.Data.Chunk(4).Count(px => px[0] > 60), Is.GreaterThan(256 * 256 / 10), "the lit quad covers part of the frame");
        Assert.That(after.UndoCount, Is.EqualTo(1));
        Assert.That(after.Problems, Is.Empty, "no validation messages or frame errors");
    }

    [Test]
    public async Task Session_BadEdit_ComesBackThroughTheTask()
    {
        using var session = EditorTestSupport.StartSwatchSession();
        var ex = (await Assert.ThrowsAsync<EditorException>(() => session.InvokeAsync(doc => doc.SetParameter("SwatchComponent", "Level", double.NaN))))!;
        Assert.That(ex.Message, Does.Contain("Level: must be a finite number"));
        Assert.That(session.Snapshot.Find("SwatchComponent")!.Values["Level"], Is.EqualTo(0.5f));
    }

    [Test]
    public void Session_ComponentThrows_IsDisabledWithItsErrorAndTheSessionKeepsTicking()
    {
        using var session = EditorTestSupport.StartSwatchSession();
        session.InvokeAsync(doc => ((SwatchComponent)doc.Get("SwatchComponent")).FailNextUpdate = true).Wait();
        var failed = EditorTestSupport.WaitFor(session, s => s.Find("SwatchComponent")!.Error is not null, "the component error");
        var c = failed.Find("SwatchComponent")!;
        Assert.That(c.Error, Is.EqualTo("InvalidOperationException: swatch failed on purpose"));
        Assert.That(c.Enabled, Is.False);
        EditorTestSupport.WaitFor(session, s => s.Frame > failed.Frame + 2, "more frames after the failure");

        session.SetEnabledAsync("SwatchComponent", true).Wait();
        var back = EditorTestSupport.WaitFor(session, s => s.Find("SwatchComponent")!.Previews.Count == 3, "previews after re-enabling");
        Assert.That(back.Find("SwatchComponent")!.Error, Is.Null);
        Assert.That(back.Problems, Is.Empty);
    }

    [Test]
    public async Task Session_AfterDispose_RefusesWork()
    {
        var session = EditorTestSupport.StartSwatchSession();
        session.Dispose();
        var ex = (await Assert.ThrowsAsync<EditorException>(() => session.InvokeAsync(_ => 1)))!;
        Assert.That((ex.Status, ex.Message), Is.EqualTo((503, "the editor session has stopped")));
    }

    [Test]
    public void Session_NotAComponentType_Rejected()
    {
        var ex = Assert.Throws<ArgumentException>(() => new EditorSession(new[] { typeof(string) }))!;
        Assert.That(ex.Message, Does.Contain("System.String is not a non-abstract Component"));
    }

    [Test]
    public void Session_FailedComponent_EditingAParameterRetriesIt()
    {
        using var session = EditorTestSupport.StartSwatchSession();
        session.InvokeAsync(doc => ((SwatchComponent)doc.Get("SwatchComponent")).FailNextUpdate = true).Wait();
        EditorTestSupport.WaitFor(session, s => s.Find("SwatchComponent")!.Error is not null, "the component error");
        session.InvokeAsync(doc => doc.SetParameter("SwatchComponent", "Level", 0.25)).Wait();
        var back = EditorTestSupport.WaitFor(session, s => s.Find("SwatchComponent") is { Enabled: true, Error: null, Previews.Count: 3 }, "the retried component");
        Assert.That(back.Find("SwatchComponent")!.Values["Level"], Is.EqualTo(0.25f));
    }

    [Test]
    public void Session_UnchangedPreviewContent_KeepsItsVersion()
    {
        using var session = EditorTestSupport.StartSwatchSession();
        var first = EditorTestSupport.WaitFor(session, s => s.Find("SwatchComponent")?.Previews.Count == 3, "previews");
        var later = EditorTestSupport.WaitFor(session, s => s.Frame > first.Frame + 3, "more frames");
        Assert.That(later.Find("SwatchComponent")!.Previews.Select(p => p.Version),
            Is.EqualTo(first.Find("SwatchComponent")!.Previews.Select(p => p.Version)), "idle frames do not re-encode previews");
    }

    [Test]
    public void Session_TwoComponents_FailureAttributedToTheOneThatFailed()
    {
        using var session = new EditorSession(new[] { typeof(SwatchComponent), typeof(SwatchComponent) },
            new EditorSessionOptions(TickIntervalMilliseconds: 20, CreateGpu: () => FieldForge.Gpu.GpuContext.Create(GpuTestEnvironment.Options)));
        session.WaitUntilReadyAsync().Wait();
        session.InvokeAsync(doc =>
        {
            doc.SetParameter("SwatchComponent#2", "Stripes", 3);
            return ((SwatchComponent)doc.Get("SwatchComponent#2")).FailNextUpdate = true;
        }).Wait();
        var failed = EditorTestSupport.WaitFor(session, s => s.Find("SwatchComponent#2")!.Error is not null, "the second component's error");
        Assert.That((failed.Find("SwatchComponent")!.Enabled, failed.Find("SwatchComponent")!.Error), Is.EqualTo((true, (string?)null)), "the healthy one keeps running");
        Assert.That(failed.Find("SwatchComponent#2")!.Enabled, Is.False);
    }
}
