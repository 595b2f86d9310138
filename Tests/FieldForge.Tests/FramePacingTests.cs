using System.Numerics;
using FieldForge.Acoustics;
using FieldForge.Components;
using FieldForge.Core;
using FieldForge.Morphing;
using FieldForge.Tests.Morphing;

namespace FieldForge.Tests;

/// <summary>A pipelined host keeps two frames in flight and gives the same results a frame later; a game's steady-state
/// frame allocates no managed memory and reads nothing back, in either pacing.</summary>
public sealed class FramePacingTests : GpuTest
{
    [Test]
    public void Pipelined_SameMeshAsBlocking_OneFrameLater()
    {
        TriangleMeshSummary Run(FramePacing pacing)
        {
            using var host = new ComponentHost(Gpu, pacing);
            var morph = host.Add(new MorphComponent { ReadBackMesh = true, Resolution = 20, T = 0.35f });
            for (int i = 0; i < 3; i++) host.Tick(1 / 60.0); // the first extraction may only grow the output buffers
            host.CompleteFramesInFlight();
            Assert.That(morph.MeshIsCurrent, Is.True, $"{pacing}: the surface on the GPU is the one for t = {morph.CurrentT}");
            var mesh = morph.LastMesh!;
            Assert.That(MeshChecks.WatertightProblem(mesh), Is.Null);
            return new TriangleMeshSummary(mesh.TriangleCount, mesh.Positions.Sum(p => p.X + 2 * p.Y + 3 * p.Z));
        }
        var blocking = Run(FramePacing.Blocking);
        var pipelined = Run(FramePacing.Pipelined);
        Assert.That(pipelined.Triangles, Is.EqualTo(blocking.Triangles));
        Assert.That(pipelined.Checksum, Is.EqualTo(blocking.Checksum).Within(1e-3));
    }

    // A background collection running while we count can move the thread's allocation counter without the thread
    // allocating; a blocking collection before the last warm-up frames keeps the measurement about the frames.
    private static void Settle()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    private readonly record struct TriangleMeshSummary(int Triangles, double Checksum);

    [Test]
    public void Pipelined_CompletesEachFrameOneTickLater()
    {
        using var host = new ComponentHost(Gpu, FramePacing.Pipelined);
        var probe = host.Add(new CompletionProbe());
        host.Tick(0.01);
        Assert.That(probe.Completed, Is.Empty, "frame 0 is still in flight after its own Tick");
        host.Tick(0.01);
        Assert.That(probe.Completed, Is.EqualTo(new long[] { 0 }), "frame 0 completes during frame 1's Tick, after frame 1 was submitted");
        Assert.That(probe.UpdatedBeforeCompleted, Is.EqualTo(new long[] { 1 }), "frame 1 was recorded before frame 0 completed");
        host.Tick(0.01);
        host.CompleteFramesInFlight();
        Assert.That(probe.Completed, Is.EqualTo(new long[] { 0, 1, 2 }));
        Assert.That(probe.Slots, Is.EqualTo(new[] { 0, 1, 0 }), "two frames in flight alternate their slots");
        Assert.That(host.FramesInFlight, Is.EqualTo(2));
    }

    private sealed class CompletionProbe : Component
    {
        public readonly List<long> Completed = new(), UpdatedBeforeCompleted = new();
        public readonly List<int> Slots = new();
        private long _lastUpdated = -1;

        public override void Update(FrameContext frame, bool parametersChanged)
        {
            _lastUpdated = frame.Frame;
            Slots.Add(frame.Slot);
        }

        public override void OnFrameCompleted(FrameContext frame)
        {
            if (_lastUpdated > frame.Frame) UpdatedBeforeCompleted.Add(_lastUpdated);
            Completed.Add(frame.Frame);
        }
    }

    [TestCase(FramePacing.Blocking)]
    [TestCase(FramePacing.Pipelined)]
    public void SteadyState_NoiseMorphSoundField_AllocateNothing_ReadNothingBack(FramePacing pacing)
    {
        using var host = new ComponentHost(Gpu, pacing);
        var noise = host.Add(new NoiseComponent { Width = 64, Height = 64, Dimensions = 3 });
        var morph = host.Add(new MorphComponent { Resolution = 24, Animate = true, PeriodSeconds = 1 });
        var sound = host.Add(new SoundFieldComponent { DurationSeconds = 0.01 });
        // Warm-up: two whole morph sweeps (the output buffers grow to the largest surface once; growing allocates) and
        // until the sound field finished simulating its impulse response.
        for (int i = 0; i < 500 && (i < 130 || sound.ImpulseResponse is null); i++) host.Tick(1 / 60.0);
        Assert.That(sound.ImpulseResponse, Is.Not.Null, "the sound field finished its simulation during warm-up");
        Settle();
        for (int i = 0; i < 5; i++)
        {
            noise.Slice += 0.01f; // the measured frames' path (a regenerated texture) runs once before counting
            host.Tick(1 / 60.0);
        }

        const int frames = 30;
        long readBefore = Gpu.BytesReadBack;
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < frames; i++)
        {
            noise.Slice += 0.01f; // evolving 3D noise: a parameter change, and new GPU work, every frame
            host.Tick(1 / 60.0);
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        long read = Gpu.BytesReadBack - readBefore;

        Assert.That(allocated, Is.EqualTo(0), $"{allocated / (double)frames:0} managed bytes allocated per frame");
        Assert.That(read, Is.EqualTo(0), $"{read / frames} bytes read back per frame");
        Assert.That(host.LastFrameDispatches, Is.GreaterThan(0), "the morph really recorded work every frame");
        host.CompleteFramesInFlight();
        Assert.That(morph.Surface!.TriangleCount, Is.GreaterThan(100), "the GPU surface exists (counts peeked, not read back)");
        Assert.That(noise.Rgba, Is.Null, "nobody wanted previews: the noise texture was never read back");
        Assert.That(noise.Generations, Is.GreaterThanOrEqualTo(frames + 1), "the noise was regenerated every measured frame");
    }

    [Test]
    public void PreviewsWanted_LateAttach_ReadsExistingResultsOnce()
    {
        using var host = new ComponentHost(Gpu);
        var noise = host.Add(new NoiseComponent { Width = 16, Height = 8 });
        var morph = host.Add(new MorphComponent { Resolution = 16, T = 0.5f });
        for (int i = 0; i < 3; i++) host.Tick(0.01);
        Assert.That((noise.Rgba, morph.LastMesh), Is.EqualTo((default(byte[]), default(TriangleMesh))));
        host.PreviewsWanted = true; // an editor attaches
        host.Tick(0.01);
        host.Tick(0.01);
        Assert.That(noise.Rgba, Has.Length.EqualTo(16 * 8 * 4));
        Assert.That(noise.Generations, Is.EqualTo(1), "the existing texture was read, not regenerated");
        Assert.That(morph.GetPreviews().OfType<MeshPreview>().Single().Indices, Is.Not.Empty);
    }

    [TestCase(FramePacing.Blocking)]
    [TestCase(FramePacing.Pipelined)]
    public void PreviewsWantedOnSomeFrames_ChangesMadeBetweenThemShowOnTheNextPreview(FramePacing pacing)
    {
        // An attached editor asks for previews at its refresh rate, not every frame: a change made on a frame without
        // previews must still reach the next preview, even when nothing changes on that frame itself.
        using var host = new ComponentHost(Gpu, pacing) { PreviewsWanted = true };
        var noise = host.Add(new NoiseComponent { Width = 16, Height = 8, Seed = 1 });
        var morph = host.Add(new MorphComponent { Resolution = 16, T = 0.2f });
        host.Tick(0.01);
        host.Tick(0.01);
        host.CompleteFramesInFlight();
        Assert.That(morph.GetPreviews().OfType<MeshPreview>().Single().Title, Does.Contain("t=0.20"));
        var before = noise.Rgba!.ToArray();

        host.PreviewsWanted = false;
        morph.T = 0.8f;
        noise.Seed = 2;
        host.Tick(0.01);
        host.Tick(0.01);
        host.CompleteFramesInFlight();
        Assert.That(morph.GetPreviews().OfType<MeshPreview>().Single().Title, Does.Contain("t=0.20"), "no preview was wanted");
        Assert.That(noise.Rgba, Is.EqualTo(before), "no pixels were wanted");
        int generations = noise.Generations;

        host.PreviewsWanted = true;
        host.Tick(0.01);
        host.Tick(0.01);
        host.CompleteFramesInFlight();
        Assert.That(morph.GetPreviews().OfType<MeshPreview>().Single().Title, Does.Contain("t=0.80"), "the preview caught up");
        Assert.That(noise.Rgba, Is.Not.EqualTo(before), "the pixels caught up with the new seed");
        Assert.That(noise.Generations, Is.EqualTo(generations), "by reading the existing texture, not regenerating it");
    }

    [TestCase(FramePacing.Blocking)]
    [TestCase(FramePacing.Pipelined)]
    public void MovingListener_Surrogate_AllocatesNothing_ReadsBackOnlyTheImpulseResponse(FramePacing pacing)
    {
        var dir = Path.Combine(Path.GetTempPath(), $"ff-listener-{Guid.NewGuid():N}");
        try
        {
            var spec = new SoundFieldDatasetSpec
            {
                Room = "box:1x0.8x0.6", MaxFrequencyHz = 300, SourceMin = [0.3, 0.25, 0.2], SourceMax = [0.7, 0.55, 0.4],
                SourceCount = 12, ReceiverSpacing = 0.3, DurationSeconds = 0.006, OutputEvery = 2,
            };
            SoundFieldDataset.Bake(Gpu, Path.Combine(dir, "data"), spec);
            var settings = new SurrogateSettings { Modes = 4, EncodingLevels = 2, FinestResolution = 3, Width = 16, HiddenLayers = 1, BatchSize = 8, Steps = 20 };
            string path = Path.Combine(dir, "listener.ffsg");
            using (var trained = SoundFieldSurrogate.Train(Gpu, SoundFieldDataset.Load(Path.Combine(dir, "data")), settings)) trained.Save(path);
            using var reference = SoundFieldSurrogate.Load(Gpu, path);

            using var host = new ComponentHost(Gpu, pacing);
            var sound = host.Add(new SoundFieldComponent { SurrogatePath = path, Source = new(0.5f, 0.4f, 0.3f) });
            Vector3 ListenerAt(int i) => new(0.5f + 0.2f * MathF.Cos(i * 0.1f), 0.4f + 0.15f * MathF.Sin(i * 0.1f), 0.3f);
            int frame = 0;
            Settle();
            for (; frame < 10; frame++) { sound.Listener = ListenerAt(frame); host.Tick(1 / 60.0); }
            const int frames = 30;
            long readBefore = Gpu.BytesReadBack, allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            int versionBefore = sound.ImpulseResponseVersion;
            for (int i = 0; i < frames; i++, frame++) { sound.Listener = ListenerAt(frame); host.Tick(1 / 60.0); }
            long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore, read = Gpu.BytesReadBack - readBefore;
            host.CompleteFramesInFlight();
            Assert.That(sound.Problem, Is.Empty);
            Assert.That(allocated, Is.EqualTo(0), $"{allocated / (double)frames:0} managed bytes per frame");
            Assert.That(sound.ImpulseResponseVersion - versionBefore, Is.InRange(frames - 1, frames + 1), "one prediction per frame");
            Assert.That(read, Is.EqualTo((long)(sound.ImpulseResponseVersion - versionBefore) * reference.Outputs * sizeof(float)).Within((long)reference.Outputs * sizeof(float)),
                "the only read-back is the impulse response itself");
            var expected = reference.PredictImpulseResponse(sound.Source, sound.Listener).Samples;
            Assert.That(sound.ImpulseResponse!.Samples, Is.EqualTo(expected).Within(1e-5f), "the per-frame path predicts what the blocking API predicts");
        }
        finally { if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true); }
    }

    [Test]
    public void Pipelined_FdtdSimulation_StepsEveryFrame_SameImpulseResponseAsBlocking()
    {
        (float[] Samples, int Frames) Run(FramePacing pacing)
        {
            using var host = new ComponentHost(Gpu, pacing);
            var sound = host.Add(new SoundFieldComponent { DurationSeconds = 0.02 });
            int frames = 0;
            double progress = -1;
            while (sound.ImpulseResponse is null && frames < 1000)
            {
                host.Tick(1 / 60.0);
                frames++;
                if (sound.Progress < 1)
                {
                    Assert.That(sound.Progress, Is.GreaterThan(progress), $"{pacing}: frame {frames} advanced the simulation");
                    progress = sound.Progress;
                }
            }
            host.CompleteFramesInFlight();
            Assert.That(sound.Problem, Is.Empty);
            return (sound.ImpulseResponse!.Samples.ToArray(), frames);
        }
        var blocking = Run(FramePacing.Blocking);
        var pipelined = Run(FramePacing.Pipelined);
        Assert.That(blocking.Frames, Is.GreaterThan(2), "the simulation spans several frames");
        Assert.That(pipelined.Frames, Is.LessThanOrEqualTo(blocking.Frames + 1), "pipelined, results arrive one frame later, not at half the rate");
        Assert.That(pipelined.Samples, Is.EqualTo(blocking.Samples), "the same simulation, bit for bit");
    }
}
