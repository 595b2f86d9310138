using FieldForge.Components;
using FieldForge.Noise;

namespace FieldForge.Tests;

/// <summary>A GpuContext is shared across threads; a ComponentHost is single-threaded and says so when misused.</summary>
public sealed class ThreadSafetyTests : GpuTest
{
    [Test]
    public void NoiseOnAWorker_MorphTicksOnTheMainThread_200Frames_CorrectAndValid()
    {
        var settings = new NoiseSettings { Octaves = 2, Frequency = 3 };
        var grid = NoiseGrid.Plane(32, 32, 1f / 8);
        var expected = new float[grid.Count];
        new CpuNoise(settings).FillGrid(grid, expected);
        var noise = new GpuNoise(Gpu, settings);
        Exception? workerError = null;
        int noiseRuns = 0, stop = 0;
        var worker = new Thread(() =>
        {
            try
            {
                while (Volatile.Read(ref stop) == 0)
                {
                    var values = noise.FillGrid(grid);
                    // Same tolerance as the noise GPU-vs-CPU tests: float rounding of identical arithmetic.
                    for (int i = 0; i < values.Length; i++)
                        if (Math.Abs(values[i] - expected[i]) > 1e-5f) throw new InvalidOperationException($"noise[{i}] = {values[i]}, expected {expected[i]}");
                    noiseRuns++;
                }
            }
            catch (Exception e) { workerError = e; }
        });
        worker.Start();
        int meshes = 0;
        try
        {
            using var host = new ComponentHost(Gpu);
            var morph = host.Add(new MorphComponent { ReadBackMesh = true, SourceA = "sphere:r=0.5", SourceB = "box:0.8", Animate = true, PeriodSeconds = 1, Resolution = 16 });
            for (int frame = 0; frame < 200 && workerError is null; frame++)
            {
                host.Tick(1 / 60.0);
                if (morph.LastMesh is { TriangleCount: > 0 }) meshes++;
            }
        }
        finally
        {
            Volatile.Write(ref stop, 1);
            worker.Join();
        }
        Assert.That(workerError, Is.Null, workerError?.ToString());
        Assert.That(noiseRuns, Is.GreaterThan(0), "the worker ran noise while the host ticked");
        Assert.That(meshes, Is.GreaterThan(190), "almost every frame has a mesh");
    }

    private sealed class BlockingComponent : Component
    {
        public readonly ManualResetEventSlim Entered = new(), Release = new();
        public override void Update(FrameContext frame, bool parametersChanged)
        {
            Entered.Set();
            Release.Wait(TimeSpan.FromSeconds(10));
        }
    }

    [Test]
    public void Tick_WhileAnotherThreadTicks_ThrowsSayingTheHostIsSingleThreaded()
    {
        using var host = new ComponentHost(Gpu);
        var blocker = host.Add(new BlockingComponent());
        var first = Task.Run(() => host.Tick(0.01));
        Assert.That(blocker.Entered.Wait(TimeSpan.FromSeconds(10)), Is.True);
        var ex = Assert.Throws<InvalidOperationException>(() => host.Tick(0.01));
        Assert.That(ex!.Message, Does.Contain("single-threaded"));
        blocker.Release.Set();
        first.Wait();
        host.Tick(0.01); // the host is usable again once the first tick finished
    }

    [Test]
    public void Tick_AfterDispose_ThrowsInsteadOfReEnablingComponents()
    {
        var host = new ComponentHost(Gpu);
        var noise = host.Add(new NoiseComponent { Width = 16, Height = 16 });
        host.Tick(0.01);
        int live = Gpu.LiveBufferCount;
        host.Dispose();
        Assert.That(Gpu.LiveBufferCount, Is.LessThan(live), "disposing the host frees its components' buffers");
        int afterDispose = Gpu.LiveBufferCount;
        Assert.Throws<ObjectDisposedException>(() => host.Tick(0.01));
        Assert.That(Gpu.LiveBufferCount, Is.EqualTo(afterDispose), "nothing was allocated again");
        GC.KeepAlive(noise);
    }
}
