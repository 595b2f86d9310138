using System.Diagnostics;
using System.Numerics;
using FieldForge.Components;
using FieldForge.Editor;

namespace FieldForge.Tests.Editor;

/// <summary>Issue 15, problem 5 (a session that stays responsive) and the session side of 6 and 8 (status, fps, undo
/// steps). Timings here are generous bounds on events seconds apart, never performance targets.</summary>
public class EditorResponsivenessTests
{
    private static EditorSession Start(params Type[] types) => EditorTestSupport.StartSession(types);

    [Test]
    public void Edit_WhileAFrameTakesSeconds_AcceptedAtOnceAndAppliedOnlyAtTheNextFrame()
    {
        using var session = Start(typeof(SlowComponent), typeof(SwatchComponent));
        session.Edit(doc => doc.SetParameter("SlowComponent", "DelayMs", 1500));
        var before = EditorTestSupport.WaitFor(session, s => s.Find("SlowComponent")!.ParameterVersion >= 2, "the slow setting to reach the component");
        Thread.Sleep(300); // now inside a 1.5 s frame
        var sw = Stopwatch.StartNew();
        session.Edit(doc => doc.SetParameter("SwatchComponent", "Level", 0.9));
        session.Edit(doc => doc.SetParameter("SlowComponent", "Level", 0.25));
        double editMs = sw.Elapsed.TotalMilliseconds;
        var shown = session.Snapshot;
        TestContext.Out.WriteLine($"two edits during a 1.5 s frame took {editMs:F1} ms");
        Assert.That(editMs, Is.LessThan(500), "edits do not wait for the frame in progress");
        Assert.That(shown.Find("SwatchComponent")!.Values["Level"], Is.EqualTo(0.9f), "the session state shows the edit at once");
        Assert.That(shown.UndoCount, Is.EqualTo(3));
        var applied = EditorTestSupport.WaitFor(session, s => s.Find("SlowComponent")!.ParameterVersion > before.Find("SlowComponent")!.ParameterVersion, "the edit to reach the component");
        var slow = session.InvokeAsync(doc => (SlowComponent)doc.Get("SlowComponent")).Result;
        Assert.That((slow.Level, slow.ChangedMidFrame), Is.EqualTo((0.25f, false)), "components only see edits between frames");
        Assert.That(applied.Problems, Is.Empty);
        session.Edit(doc => doc.SetParameter("SlowComponent", "DelayMs", 0));
    }

    [Test]
    public void Fps_FollowsFramesThatBecomeSlow()
    {
        using var session = Start(typeof(SlowComponent));
        var fast = EditorTestSupport.WaitFor(session, s => s.Frame > 15, "fast frames");
        Assert.That(fast.FramesPerSecond, Is.GreaterThan(5));
        session.Edit(doc => doc.SetParameter("SlowComponent", "DelayMs", 400));
        var startFrame = session.Snapshot.Frame;
        var slow = EditorTestSupport.WaitFor(session, s => s.Frame >= startFrame + 4, "four slow frames");
        TestContext.Out.WriteLine($"fps {fast.FramesPerSecond:F1} while fast, {slow.FramesPerSecond:F2} after four 400 ms frames");
        Assert.That(slow.FramesPerSecond, Is.LessThan(1000.0 / 400 * 1.1), "the figure reflects the slow frames, not the earlier fast ones");
        session.Edit(doc => doc.SetParameter("SlowComponent", "DelayMs", 0));
    }

    [Test]
    public void Stop_DuringAFrameThatDoesNotEnd_ReturnsWithinItsTimeout()
    {
        var session = Start(typeof(SlowComponent));
        session.Edit(doc => doc.SetParameter("SlowComponent", "DelayMs", 3000));
        // The snapshot shows the new version once the first slow frame ended; the next one starts right after it.
        EditorTestSupport.WaitFor(session, s => s.Find("SlowComponent")!.ParameterVersion >= 2, "the first slow frame");
        Thread.Sleep(200);
        var sw = Stopwatch.StartNew();
        bool stopped = session.Stop(TimeSpan.FromMilliseconds(300));
        Assert.That((stopped, sw.Elapsed.TotalSeconds < 2), Is.EqualTo((false, true)), "a bounded stop reports the busy thread instead of hanging");
        Assert.Throws<EditorException>(() => session.Edit(doc => doc.SetParameter("SlowComponent", "Level", 0.1)), "no edits once stopping");
        Assert.That(session.Stop(TimeSpan.FromSeconds(10)), Is.True, "the thread ends after its frame");
        session.Dispose();
    }

    [Test]
    public async Task Requests_WhoseClientHasGone_AreDropped()
    {
        using var session = Start(typeof(SwatchComponent));
        using var gone = new CancellationTokenSource();
        gone.Cancel();
        Assert.Throws<OperationCanceledException>(() => session.Edit(doc => doc.SetParameter("SwatchComponent", "Level", 0.1), gone.Token));
        bool ran = false;
        var queued = session.InvokeAsync(_ => ran = true, gone.Token);
        Assert.That(async () => await queued, Throws.InstanceOf<OperationCanceledException>());
        Assert.That(ran, Is.False);
        await session.InvokeAsync(_ => 0);
        Assert.That((session.Snapshot.Find("SwatchComponent")!.Values["Level"], session.Snapshot.UndoCount), Is.EqualTo((0.5f, 0)));
    }

    [Test]
    public void Status_DisabledComponent_ClearsItsPreviewsAndSaysDisabled()
    {
        using var session = Start(typeof(SwatchComponent));
        EditorTestSupport.WaitFor(session, s => s.Find("SwatchComponent")!.Previews.Count == 3, "previews");
        session.SetEnabledAsync("SwatchComponent", false).Wait();
        var off = EditorTestSupport.WaitFor(session, s => !s.Find("SwatchComponent")!.Enabled, "the component to be disabled");
        var c = off.Find("SwatchComponent")!;
        Assert.That((c.Previews.Count, c.Status.Message, c.Status.PreviewsStale), Is.EqualTo((0, "disabled", true)));
    }
}

/// <summary>Component-side status, budgets and file reads (problem 5 and 6) on the shared validated GPU context.</summary>
public class ComponentStatusTests : GpuTest
{
    [Test]
    public void SoundField_SourceOutsideTheRoom_IsAnErrorStatus()
    {
        using var host = new ComponentHost(Gpu);
        var sound = host.Add(new SoundFieldComponent { Source = new Vector3(10, 1, 1) });
        host.Tick(0.02);
        Assert.That(sound.Status.Activity, Is.EqualTo(ComponentActivity.Error));
        Assert.That(sound.Status.Message, Does.Contain("outside the room"));
        sound.Source = new Vector3(0.8f, 0.8f, 1.1f);
        host.Tick(0.02);
        Assert.That(sound.Status.Activity, Is.EqualTo(ComponentActivity.Computing), "a valid source starts a simulation");
        Assert.That(sound.Status.Progress, Is.GreaterThan(0).And.LessThan(1));
        Assert.That(sound.Status.Message, Does.StartWith("simulating: "));
    }

    private static NeuralFieldComponent SmallNeural(int stepsPerFrame) => new()
    {
        ProceduralSize = 16, Levels = 2, Log2TableSize = 10, Width = 16, HiddenLayers = 1, BatchSize = 2048, StepsPerFrame = stepsPerFrame, PreviewSize = 16,
    };

    [Test]
    public void NeuralField_FrameBudget_LimitsStepsPerFrame()
    {
        using var host = new ComponentHost(Gpu);
        var unlimited = host.Add(SmallNeural(8));
        host.Tick(0.02);
        Assert.That(unlimited.LastFrameSteps, Is.EqualTo(8), "no budget: StepsPerFrame as set");
        host.Remove(unlimited);

        host.FrameBudgetMilliseconds = 0.001; // far below one step's cost
        var budgeted = host.Add(SmallNeural(8));
        for (int i = 0; i < 3; i++) host.Tick(0.02);
        Assert.That(budgeted.LastFrameSteps, Is.EqualTo(1), "a budget smaller than a step leaves one step per frame");
        Assert.That(budgeted.Step, Is.EqualTo(3));
        Assert.That(budgeted.Status.Activity, Is.EqualTo(ComponentActivity.Computing));
    }

    [Test]
    public void NeuralField_Paused_RecordsNoWork()
    {
        using var host = new ComponentHost(Gpu);
        var neural = host.Add(SmallNeural(2));
        host.Tick(0.02);
        neural.Paused = true;
        host.Tick(0.02);
        int step = neural.Step;
        host.Tick(0.02);
        host.Tick(0.02);
        Assert.That((neural.Step, neural.LastFrameSteps, host.LastFrameDispatches), Is.EqualTo((step, 0, 0)));
        Assert.That(neural.Status.Message, Does.StartWith("paused at step"));
        neural.Paused = false;
        host.Tick(0.02);
        Assert.That(neural.Step, Is.EqualTo(step + 2));
    }

    [Test]
    public void Morph_SourceIsAFifo_ErrorStatusWithoutBlockingTheFrame()
    {
        var dir = Directory.CreateTempSubdirectory("ff-fifo-");
        var fifo = Path.Combine(dir.FullName, "shape.obj");
        try
        {
            using (var mk = Process.Start("mkfifo", fifo)) mk.WaitForExit();
            Assert.That(File.Exists(fifo), Is.True, "mkfifo made the FIFO");
            using var host = new ComponentHost(Gpu);
            var morph = host.Add(new MorphComponent { Resolution = 16 });
            host.Tick(0.02);
            host.Tick(0.02);
            Assert.That(morph.MeshIsCurrent, Is.True);
            morph.SourceA = fifo;
            var sw = Stopwatch.StartNew();
            for (int i = 0; i < 50 && morph.Status.Activity != ComponentActivity.Error; i++) { host.Tick(0.02); Thread.Sleep(20); }
            TestContext.Out.WriteLine($"status after {sw.Elapsed.TotalMilliseconds:F0} ms: {morph.Status}");
            Assert.That(morph.Status.Activity, Is.EqualTo(ComponentActivity.Error));
            Assert.That(morph.Status.Message, Does.Contain("SourceA").And.Contain("not a regular file"));
            Assert.That(morph.Status.PreviewsStale, Is.True, "the previous mesh stays, marked stale");
            Assert.That(sw.Elapsed.TotalSeconds, Is.LessThan(5));
        }
        finally { dir.Delete(recursive: true); }
    }

    [Test]
    public void PreviewScaling_LargeImage_BoxDownscaledToTheLimit()
    {
        int w = 1024, h = 512;
        var rgba = new byte[w * h * 4];
        for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
        {
            int o = (y * w + x) * 4;
            rgba[o] = (byte)((x & 1) * 200); rgba[o + 1] = 80; rgba[o + 2] = (byte)(y < h / 2 ? 0 : 255); rgba[o + 3] = 255;
        }
        var small = PreviewScaling.Fit(new ImagePreview("big", w, h, rgba), 256);
        Assert.That((small.Width, small.Height, small.Rgba.Length), Is.EqualTo((256, 128, 256 * 128 * 4)));
        Assert.That(small.Rgba[..4], Is.EqualTo(new byte[] { 100, 80, 0, 255 }), "a 4x4 block of alternating 0/200 averages to 100");
        Assert.That(small.Rgba[^4..], Is.EqualTo(new byte[] { 100, 80, 255, 255 }));
        var tiny = new ImagePreview("tiny", 4, 4, new byte[64]);
        Assert.That(PreviewScaling.Fit(tiny, 256), Is.SameAs(tiny));
    }
}

/// <summary>Undo-step rules of problem 8: no-op edits and drags closed by time.</summary>
public class EditHistoryRulesTests
{
    private sealed class ManualClock : TimeProvider
    {
        public long Ticks;
        public override long TimestampFrequency => TimeSpan.TicksPerSecond;
        public override long GetTimestamp() => Ticks;
    }

    [Test]
    public void Edit_ThatChangesNothing_IsNoUndoStep()
    {
        var doc = new EditorDocument(new Component[] { new SwatchComponent() });
        doc.SetParameter("SwatchComponent", "Level", 0.5);
        doc.SetParameter("SwatchComponent", "Pattern", "Stripes");
        Assert.That(doc.History.UndoCount, Is.Zero);
        doc.SetParameter("SwatchComponent", "Level", 0.6);
        doc.SetParameter("SwatchComponent", "Level", 0.6);
        Assert.That(doc.History.UndoCount, Is.EqualTo(1));
    }

    [Test]
    public void Drag_WhoseFinalEditNeverArrives_ClosesAfterTheTimeout()
    {
        var clock = new ManualClock();
        var swatch = new SwatchComponent();
        var doc = new EditorDocument(new Component[] { swatch }, history: new EditHistory(dragTimeout: TimeSpan.FromSeconds(1), clock: clock));
        doc.SetParameter("SwatchComponent", "Level", 0.6, final: false);
        clock.Ticks += TimeSpan.FromMilliseconds(300).Ticks;
        doc.SetParameter("SwatchComponent", "Level", 0.7, final: false); // still the same drag
        Assert.That(doc.History.UndoCount, Is.EqualTo(1));
        clock.Ticks += TimeSpan.FromSeconds(5).Ticks; // the final edit was lost
        doc.SetParameter("SwatchComponent", "Level", 0.2);
        Assert.That(doc.History.UndoCount, Is.EqualTo(2), "a later edit is a step of its own");
        doc.Undo();
        Assert.That(swatch.Level, Is.EqualTo(0.7f), "undo takes back only the later edit");
        doc.Undo();
        Assert.That(swatch.Level, Is.EqualTo(0.5f));
    }

    [Test]
    public void DeferredDocument_AppliesEditsOnlyInApplyPending()
    {
        var swatch = new SwatchComponent();
        var doc = new EditorDocument(new Component[] { swatch }, deferApply: true);
        doc.SetParameter("SwatchComponent", "Level", 0.8);
        doc.SetParameter("SwatchComponent", "Stripes", 4);
        Assert.That((swatch.Level, swatch.Stripes, doc.ValuesOf("SwatchComponent")["Level"]), Is.EqualTo((0.5f, 6, (object)0.8f)));
        Assert.That(doc.ApplyPending(), Is.EqualTo(2));
        Assert.That((swatch.Level, swatch.Stripes, doc.PendingCount), Is.EqualTo((0.8f, 4, 0)));
        doc.Undo();
        Assert.That(swatch.Stripes, Is.EqualTo(4), "undo is deferred too");
        doc.ApplyPending();
        Assert.That(swatch.Stripes, Is.EqualTo(6));
    }
}

/// <summary>The sound field's simulation is sliced by the host's frame budget like training is.</summary>
public class SoundFieldBudgetTests : GpuTest
{
    [Test]
    public void SoundField_FrameBudget_LimitsTimeStepsPerFrame()
    {
        using var host = new ComponentHost(Gpu);
        var free = host.Add(new SoundFieldComponent { Room = "box:1x1x1", Source = new(0.3f, 0.3f, 0.3f), Listener = new(0.6f, 0.6f, 0.6f) });
        host.Tick(0.02);
        int chunk = free.LastFrameSteps;
        Assert.That(chunk, Is.GreaterThan(1), "no budget: the solver's whole chunk");
        host.Remove(free);

        host.FrameBudgetMilliseconds = 0.001;
        var sliced = host.Add(new SoundFieldComponent { Room = "box:1x1x1", Source = new(0.3f, 0.3f, 0.3f), Listener = new(0.6f, 0.6f, 0.6f) });
        for (int i = 0; i < 3; i++)
        {
            host.Tick(0.02);
            Assert.That(sliced.LastFrameSteps, Is.EqualTo(1), $"frame {i}: a budget below one step's cost leaves one step per frame");
        }
        Assert.That(sliced.Status.Activity, Is.EqualTo(ComponentActivity.Computing));
        Assert.That(sliced.Status.Message, Does.StartWith("simulating: 3 of "));
    }
}
