using System.Net;
using System.Reflection;
using System.Text;
using System.Text.Json.Nodes;
using FieldForge.Components;
using FieldForge.Editor;
using StbImageSharp;

namespace FieldForge.Tests.Editor;

/// <summary>
/// The editor attached to a game's own <see cref="ComponentHost"/>, which the test ticks itself on the test thread
/// (the "game thread"): edits wait for the game's next frame and land on its thread, whole; the inspector shows the
/// game's instances; errors still reach the game; detaching leaves the game ticking with nothing subscribed; the game
/// view endpoint serves the frame the game published.
/// </summary>
public class EditorAttachTests : GpuTest
{
    private const double Dt = 1 / 60.0;

    private static EditorSession Attach(ComponentHost host)
    {
        var session = EditorSession.Attach(host, new EditorSessionOptions(TickIntervalMilliseconds: 20));
        Assert.That(session.WaitUntilReadyAsync().Wait(TimeSpan.FromSeconds(30)), Is.True, "the first snapshot is published");
        return session;
    }

    private static void SetPair(EditorSession session, float v) =>
        session.Edit(doc => { doc.SetParameter("PairComponent", "A", v); doc.SetParameter("PairComponent", "B", v); return 0; });

    [TestCase(FramePacing.Blocking)]
    [TestCase(FramePacing.Pipelined)]
    public void Attached_Edit_WaitsForTheGamesNextFrameAndLandsOnItsThread(FramePacing pacing)
    {
        using var host = new ComponentHost(Gpu, pacing);
        var pair = host.Add(new PairComponent());
        host.Tick(Dt);
        using var session = Attach(host);
        Assert.That((session.IsAttached, host.PreviewsWanted), Is.EqualTo((true, true)));
        int game = Environment.CurrentManagedThreadId;

        Task.Run(() => SetPair(session, 0.75f)).Wait(); // like a web request: another thread
        Assert.That((pair.A, pair.B), Is.EqualTo((0.5f, 0.5f)), "nothing reaches the game's component before its next frame");
        Assert.That(session.Snapshot.Find("PairComponent")!.Values["A"], Is.EqualTo(0.75f), "the inspector shows the edit at once");
        Assert.That(pair.SetterThreads, Is.Empty);

        host.Tick(Dt);
        Assert.That((pair.A, pair.B), Is.EqualTo((0.75f, 0.75f)));
        Assert.That(pair.Frames[^1], Is.EqualTo((0.75f, 0.75f)), "the frame that applied the edit already ran with it");
        Assert.That(pair.SetterThreads, Is.EqualTo(new[] { game, game }), "applied on the game's ticking thread");
        Assert.That(pair.Violations, Is.Empty);
    }

    [TestCase(FramePacing.Blocking)]
    [TestCase(FramePacing.Pipelined)]
    public void Attached_EditsRacingTheGameLoop_NoFrameSeesHalfAnEditOrAChangeMidFrame(FramePacing pacing)
    {
        using var host = new ComponentHost(Gpu, pacing);
        var pair = host.Add(new PairComponent());
        using var session = Attach(host);
        using var stop = new CancellationTokenSource();
        int edits = 0;
        var editor = Task.Run(() =>
        {
            for (int i = 1; !stop.IsCancellationRequested; i++)
            {
                SetPair(session, i % 100 / 100f);
                if (i % 7 == 0) session.Edit(doc => doc.Undo() && doc.Undo()); // both halves of the last pair, in one edit
                Interlocked.Increment(ref edits);
            }
        });
        for (int f = 0; f < 200; f++)
        {
            host.Tick(Dt);
            if (f % 20 == 0) Thread.Sleep(1);
        }
        stop.Cancel();
        editor.Wait();
        host.CompleteFramesInFlight();
        Assert.That(pair.Violations, Is.Empty, string.Join("\n", pair.Violations.Take(10)));
        Assert.That(pair.Frames.Select(v => v.A).Distinct().Count(), Is.GreaterThan(5), $"edits landed while the game ran ({edits} made)");
        Assert.That(pair.SetterThreads.Distinct(), Is.EqualTo(new[] { Environment.CurrentManagedThreadId }));
    }

    [TestCase(FramePacing.Blocking)]
    [TestCase(FramePacing.Pipelined)]
    public async Task Attached_SnapshotAndWork_AreTheGamesOwnInstancesAndFrames(FramePacing pacing)
    {
        using var host = new ComponentHost(Gpu, pacing);
        var swatch = host.Add(new SwatchComponent());
        var pair = host.Add(new PairComponent());
        using var session = Attach(host);
        Assert.That(session.ComponentTypes.Select(c => c.Id), Is.EqualTo(new[] { "SwatchComponent", "PairComponent" }));

        var found = session.InvokeAsync(doc => (doc.Get("SwatchComponent"), doc.Get("PairComponent"), Environment.CurrentManagedThreadId));
        Assert.That(found.IsCompleted, Is.False, "work items wait for the game's frame");
        host.Tick(Dt);
        var (s, p, thread) = await found;
        Assert.That(ReferenceEquals(s, swatch) && ReferenceEquals(p, pair), Is.True, "the document edits the game's own objects");
        Assert.That(thread, Is.EqualTo(Environment.CurrentManagedThreadId));

        // The swatch's preview comes from the game's frame (Level 0.5 * Tint (1, 0.6, 0.2), as in the standalone test);
        // pipelined, frame 1 completes during the game's next Tick.
        if (pacing == FramePacing.Pipelined) host.Tick(Dt);
        var snap = EditorTestSupport.WaitFor(session, x => x.Find("SwatchComponent")?.Previews.Count == 3, "the game's previews");
        var image = ImageResult.FromMemory(snap.Find("SwatchComponent")!.Previews[0].Png!, ColorComponents.RedGreenBlueAlpha);
        Assert.That(image.Data[..4], Is.EqualTo(new byte[] { 127, 76, 25, 255 }));
        Assert.That(snap.Attached, Is.True);
        Assert.That(snap.Frame, Is.EqualTo(pacing == FramePacing.Pipelined ? 2 : 1));
        Assert.That(snap.Timings.Select(t => t.Region), Does.Contain("swatch fill"));
    }

    [Test]
    public void Attached_ComponentThrows_TheGameGetsTheExceptionAndTheEditorShowsIt()
    {
        using var host = new ComponentHost(Gpu);
        var swatch = host.Add(new SwatchComponent());
        host.Tick(Dt);
        using var session = Attach(host);
        swatch.FailNextUpdate = true;
        var thrown = Assert.Throws<ComponentException>(() => host.Tick(Dt))!;
        Assert.That(thrown.Component, Is.SameAs(swatch));
        var failed = EditorTestSupport.WaitFor(session, x => x.Find("SwatchComponent")!.Error is not null, "the error in the snapshot");
        Assert.That(failed.Find("SwatchComponent")!.Error, Is.EqualTo("InvalidOperationException: swatch failed on purpose"));
        Assert.That(failed.Find("SwatchComponent")!.Status.Activity, Is.EqualTo(ComponentActivity.Error));
        Assert.That(swatch.Enabled, Is.True, "the editor decides nothing for the game");

        host.Tick(Dt);
        EditorTestSupport.WaitFor(session, x => x.Find("SwatchComponent")!.Error is null, "the error to clear after a good frame");
    }

    [Test]
    public void Attached_PreviewsAreWantedAtTheEditorsRefreshRate_NotEveryGameFrame()
    {
        using var host = new ComponentHost(Gpu);
        var morph = host.Add(new MorphComponent { Resolution = 16, Animate = true, PeriodSeconds = 0.5f });
        using var session = EditorSession.Attach(host, new EditorSessionOptions(PreviewIntervalMilliseconds: 400));
        Assert.That(session.WaitUntilReadyAsync().Wait(TimeSpan.FromSeconds(30)), Is.True);
        int wanted = 0;
        host.FrameStarting += h => { if (h.PreviewsWanted) wanted++; }; // after the editor's handler: sees its decision
        var clock = System.Diagnostics.Stopwatch.StartNew();
        int frames = 0;
        for (; frames < 12 && clock.ElapsedMilliseconds < 350; frames++) host.Tick(Dt); // within one refresh interval
        Assert.That(frames, Is.GreaterThanOrEqualTo(3), "the machine ran a few game frames inside one interval");
        Assert.That(wanted, Is.EqualTo(1), $"{frames} game frames inside one 400 ms interval asked for previews {wanted} times");

        Thread.Sleep(450);
        morph.Animate = false;
        morph.T = 0.9f;
        long read = Gpu.BytesReadBack;
        host.Tick(Dt);
        Assert.That(morph.GetPreviews().OfType<MeshPreview>().Single().Title, Does.Contain("t=0.90"), "the next due frame refreshes the preview");
        Assert.That(Gpu.BytesReadBack, Is.GreaterThan(read), "by reading the mesh back");
    }

    [TestCase(double.NaN)]
    [TestCase(-1.0)]
    [TestCase(20_000.0)]
    public void Attach_BadPreviewInterval_IsRejectedBeforeSubscribing(double interval)
    {
        using var host = new ComponentHost(Gpu);
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => EditorSession.Attach(host, new EditorSessionOptions(PreviewIntervalMilliseconds: interval)))!;
        Assert.That(ex.Message, Does.Contain("preview interval must be 0..10000 ms"));
        Assert.That(host.PreviewsWanted, Is.False, "nothing was attached");
    }

    [Test]
    public async Task Detach_UnsubscribesRestoresPreviewsAndTheGameTicksOn()
    {
        using var host = new ComponentHost(Gpu);
        var pair = host.Add(new PairComponent());
        var session = Attach(host);
        host.Tick(Dt);
        SetPair(session, 0.25f);
        var queued = session.InvokeAsync(_ => 1);
        session.Dispose();

        foreach (var name in new[] { nameof(ComponentHost.FrameStarting), nameof(ComponentHost.FrameFinished), nameof(ComponentHost.FrameFailed) })
        {
            var field = typeof(ComponentHost).GetField(name, BindingFlags.Instance | BindingFlags.NonPublic)
                        ?? throw new InvalidOperationException($"no backing field for {name}");
            Assert.That(field.GetValue(host), Is.Null, $"{name} has no subscribers after detach");
        }
        Assert.That(host.PreviewsWanted, Is.False, "restored to what the game had");
        var ex = (await Assert.ThrowsAsync<EditorException>(async () => await queued))!;
        Assert.That(ex.Status, Is.EqualTo(503));
        Assert.That(Assert.Throws<EditorException>(() => SetPair(session, 0.9f))!.Status, Is.EqualTo(503));

        for (int i = 0; i < 3; i++) host.Tick(Dt);
        Assert.That(pair.A, Is.EqualTo(0.5f), "an edit still pending at detach never reaches the game");
        Assert.That(pair.Frames, Has.Count.EqualTo(4));
    }

    // Components the game adds or removes after attaching join or leave the inspectors at its next frame: the schema and
    // the session list them, edits reach a new one, an undo step for a removed one is skipped, and its id is not reused.
    [Test]
    public async Task Attached_ComponentsAddedOrRemovedLater_JoinAndLeaveTheInspectors()
    {
        using var host = new ComponentHost(Gpu);
        var first = host.Add(new PairComponent());
        host.Tick(Dt);
        using var session = Attach(host);
        await using var server = await EditorServer.StartAsync(session, new EditorServerOptions(Port: 0,
            PresetDirectory: Path.Combine(Path.GetTempPath(), $"ff-attach-{Guid.NewGuid():N}")));
        using var http = new HttpClient { BaseAddress = server.Url };
        async Task<string[]> SchemaIds() =>
            JsonNode.Parse(await http.GetStringAsync("/api/schema"))!["components"]!.AsArray().Select(c => c!["id"]!.GetValue<string>()).ToArray();
        Assert.That(await SchemaIds(), Is.EqualTo(new[] { "PairComponent" }));

        var second = host.Add(new PairComponent());
        var swatch = host.Add(new SwatchComponent());
        Assert.That(await SchemaIds(), Is.EqualTo(new[] { "PairComponent" }), "nothing changes between the game's frames");
        host.Tick(Dt);
        Assert.That(await SchemaIds(), Is.EqualTo(new[] { "PairComponent", "PairComponent#2", "SwatchComponent" }));
        EditorTestSupport.WaitFor(session, x => x.Find("PairComponent#2") is not null && x.Find("SwatchComponent") is not null, "the new components in the session");

        var post = await http.PostAsync("/api/components/PairComponent%232/parameters",
            new StringContent("{\"name\":\"A\",\"value\":0.25}", Encoding.UTF8, "application/json"));
        Assert.That(post.StatusCode, Is.EqualTo(HttpStatusCode.OK), await post.Content.ReadAsStringAsync());
        host.Tick(Dt);
        Assert.That((first.A, second.A), Is.EqualTo((0.5f, 0.25f)), "the edit reached the component added after attaching");

        host.Remove(second);
        host.Tick(Dt);
        Assert.That(await SchemaIds(), Is.EqualTo(new[] { "PairComponent", "SwatchComponent" }));
        EditorTestSupport.WaitFor(session, x => x.Find("PairComponent#2") is null, "the removed component to leave the session");
        var undo = await http.PostAsync("/api/undo", new StringContent("", Encoding.UTF8, "application/json"));
        Assert.That(undo.StatusCode, Is.EqualTo(HttpStatusCode.OK), "undoing an edit of a removed component is skipped, not an error: " + await undo.Content.ReadAsStringAsync());
        host.Tick(Dt);
        Assert.That((first.A, second.A), Is.EqualTo((0.5f, 0.25f)), "the undo touched neither the removed component nor another one");

        var third = host.Add(new PairComponent());
        host.Tick(Dt);
        Assert.That(await SchemaIds(), Is.EqualTo(new[] { "PairComponent", "SwatchComponent", "PairComponent#3" }), "a removed component's id is not given again");
        Assert.That(swatch.Enabled, Is.True);
        Assert.That(third.Violations, Is.Empty);
        Assert.That(session.Snapshot.Problems, Is.Empty, "reading frames with a changed component list");
    }

    [Test]
    public async Task Attached_Http_EditLandsAtTheNextFrameAndGameViewServesThePublishedFrame()
    {
        using var host = new ComponentHost(Gpu);
        var pair = host.Add(new PairComponent());
        host.Tick(Dt);
        using var session = Attach(host);
        await using var server = await EditorServer.StartAsync(session, new EditorServerOptions(Port: 0,
            PresetDirectory: Path.Combine(Path.GetTempPath(), $"ff-attach-{Guid.NewGuid():N}")));
        using var http = new HttpClient { BaseAddress = server.Url };

        var post = await http.PostAsync("/api/components/PairComponent/parameters",
            new StringContent("{\"name\":\"A\",\"value\":0.3}", Encoding.UTF8, "application/json"));
        Assert.That(post.StatusCode, Is.EqualTo(HttpStatusCode.OK), await post.Content.ReadAsStringAsync());
        Assert.That(pair.A, Is.EqualTo(0.5f), "the request returned without waiting for (or running) a frame");
        host.Tick(Dt);
        Assert.That(pair.A, Is.EqualTo(0.3f));
        Assert.That(pair.SetterThreads, Is.EqualTo(new[] { Environment.CurrentManagedThreadId }));

        var none = await http.GetAsync("/api/gameview.png");
        Assert.That(none.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "no frame published yet");
        var session0 = JsonNode.Parse(await http.GetStringAsync("/api/session"))!;
        Assert.That((session0["attached"]!.GetValue<bool>(), session0["gameView"]), Is.EqualTo((true, (JsonNode?)null)));

        var frame = new byte[4 * 2 * 4];
        for (int i = 0; i < frame.Length; i++) frame[i] = (byte)(i * 7);
        session.PublishGameView(4, 2, frame);
        var png = await http.GetByteArrayAsync("/api/gameview.png");
        var decoded = ImageResult.FromMemory(png, ColorComponents.RedGreenBlueAlpha);
        Assert.That((decoded.Width, decoded.Height), Is.EqualTo((4, 2)));
        Assert.That(decoded.Data, Is.EqualTo(frame));
        var view = JsonNode.Parse(await http.GetStringAsync("/api/session"))!["gameView"]!;
        Assert.That((view["width"]!.GetValue<int>(), view["height"]!.GetValue<int>(), view["version"]!.GetValue<long>()), Is.EqualTo((4, 2, 1L)));

        frame.AsSpan().Fill(200); // the game reuses its buffer: the editor holds its own copy
        Assert.That(ImageResult.FromMemory(await http.GetByteArrayAsync("/api/gameview.png"), ColorComponents.RedGreenBlueAlpha).Data[5], Is.EqualTo(35));
        session.PublishGameView(4, 2, frame);
        Assert.That(ImageResult.FromMemory(await http.GetByteArrayAsync("/api/gameview.png"), ColorComponents.RedGreenBlueAlpha).Data, Is.All.EqualTo(200));
        Assert.That(session.GameView.Version, Is.EqualTo(2));
        Assert.Throws<ArgumentException>(() => session.PublishGameView(4, 3, frame));
    }

    /// <summary>The game publishes while requests encode: every PNG served is one whole frame (never half of two, never
    /// a size from one frame with pixels from another), and versions only move forward.</summary>
    [Test]
    public void GameView_PublishingWhileServing_EveryImageIsOneWholeFrame()
    {
        using var host = new ComponentHost(Gpu);
        using var session = Attach(host);
        var big = new byte[16 * 8 * 4];
        var small = new byte[5 * 3 * 4];
        using var stop = new CancellationTokenSource();
        var game = Task.Run(() =>
        {
            for (int i = 1; !stop.IsCancellationRequested; i++)
            {
                byte value = (byte)(i % 250 + 1);
                if (i % 2 == 0) { Array.Fill(big, value); session.PublishGameView(16, 8, big); }
                else { Array.Fill(small, value); session.PublishGameView(5, 3, small); }
            }
        });
        long last = 0;
        int checkedFrames = 0;
        var wrong = new List<string>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (checkedFrames < 200 && clock.Elapsed < TimeSpan.FromSeconds(20))
        {
            if (session.GameViewPng() is not { } view || view.Version == last) continue;
            if (view.Version < last) wrong.Add($"version went back from {last} to {view.Version}");
            last = view.Version;
            var image = ImageResult.FromMemory(view.Png, ColorComponents.RedGreenBlueAlpha);
            byte first = image.Data[0];
            bool evenFrame = (first - 1) % 2 == 0; // value = i % 250 + 1, i even for the 16x8 frames (250 is even)
            if (image.Data.Any(b => b != first)) wrong.Add($"v{view.Version}: mixed pixel values");
            if ((image.Width, image.Height) != (evenFrame ? (16, 8) : (5, 3))) wrong.Add($"v{view.Version}: value {first} in a {image.Width}x{image.Height} image");
            checkedFrames++;
        }
        stop.Cancel();
        game.Wait();
        Assert.That(wrong, Is.Empty, string.Join("\n", wrong.Take(10)));
        Assert.That(checkedFrames, Is.GreaterThan(20), "frames were served while the game published");
    }
}
