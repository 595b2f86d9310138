using System.Numerics;
using FieldForge.Acoustics;

namespace FieldForge.Tests.Acoustics;

/// <summary>A source moving through a trained surrogate's room: no clicks, no allocations in the audio call, and
/// exactly the static result once it stops.</summary>
public sealed class MovingSourceRendererTests : GpuTest
{
    private static readonly SoundFieldDatasetSpec Small = new()
    {
        Room = "box:1x0.8x0.6", MaxFrequencyHz = 300, SourceMin = [0.25, 0.2, 0.3], SourceMax = [0.75, 0.6, 0.3],
        SourceCount = 24, ReceiverSpacing = 0.3, DurationSeconds = 0.02, OutputEvery = 2,
    };

    private static readonly SurrogateSettings Quick = new()
    {
        Modes = 8, EncodingLevels = 2, FinestResolution = 3, Width = 16, HiddenLayers = 1, BatchSize = 32, Steps = 300,
        LearningRate = 1e-2f, FinalLearningRate = 1e-3f,
    };

    private static double MaxJump(float[] y, int from, int to)
    {
        double m = 0;
        for (int i = Math.Max(1, from); i < Math.Min(to, y.Length); i++) m = Math.Max(m, Math.Abs(y[i] - y[i - 1]));
        return m;
    }

    [Test]
    public void Render_SourceWalkingThenStopping_NoClicksNoAllocationsAndStaticAtTheEnd()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"ff-moving-{Guid.NewGuid():N}");
        try
        {
            SoundFieldDataset.Bake(Gpu, dir, Small);
            using var model = SoundFieldSurrogate.Train(Gpu, SoundFieldDataset.Load(dir), Quick);
            const int rate = 48000, block = 256;
            var dry = Enumerable.Range(0, rate).Select(i => (float)(0.5 * Math.Sin(2 * Math.PI * 220 * i / rate))).ToArray();
            var listener = model.Receivers[3];
            Vector3 start = new(0.3f, 0.25f, 0.3f), end = new(0.7f, 0.55f, 0.3f);
            var path = new SourcePath([start, end], durationSeconds: 0.5); // walks for half a second, then stands at the end

            var moving = MovingSourceRenderer.Render(model, listener, dry, rate, path, block);
            TestContext.Out.WriteLine($"{moving.Updates} IR updates, {moving.MeanUpdateMilliseconds:F2} ms each, {moving.CallbackAllocatedBytes} bytes allocated in audio calls");
            Assert.That(moving.CallbackAllocatedBytes, Is.EqualTo(0), "the audio call allocates nothing, IR updates included");
            Assert.That(moving.Updates, Is.GreaterThan(80), "the IR follows the source every block while it walks");

            // Once the source stands still (and one fade block has passed), the output is the static render's exactly.
            var still = MovingSourceRenderer.Render(model, listener, dry, rate, new SourcePath([end], 1), block);
            int settled = ((int)(0.5 * rate / block) + 2) * block;
            double peak = still.Wet.Max(MathF.Abs);
            for (int i = settled; i < dry.Length; i++) Assert.That(moving.Wet[i], Is.EqualTo(still.Wet[i]).Within(1e-5 * peak));

            // While it walks, the largest sample-to-sample jump stays within 25 % of the largest any static position gives.
            int irLength = moving.Wet.Length - dry.Length + 1, from = irLength + block, to = (int)(0.5 * rate);
            double staticJump = Enumerable.Range(0, 9).Select(k => Vector3.Lerp(start, end, k / 8f))
                .Max(p => MaxJump(MovingSourceRenderer.Render(model, listener, dry.AsSpan(0, to), rate, new SourcePath([p], 1), block).Wet, from, to));
            double movingJump = MaxJump(moving.Wet, from, to);
            TestContext.Out.WriteLine($"largest jump while walking {movingJump:E3}, static positions {staticJump:E3}");
            Assert.That(movingJump, Is.LessThanOrEqualTo(1.25 * staticJump));
        }
        finally { if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true); }
    }

    [Test]
    public void SourcePath_ParsesAndWalksAtConstantSpeed()
    {
        var p = SourcePath.Parse("0,0,0 -> 3,0,0 -> 3,1,0", 4);
        Assert.That(p.Length, Is.EqualTo(4).Within(1e-6));
        Assert.That(p.PositionAt(0), Is.EqualTo(Vector3.Zero));
        Assert.That(Vector3.Distance(p.PositionAt(1.5), new Vector3(1.5f, 0, 0)), Is.LessThan(1e-5));
        Assert.That(Vector3.Distance(p.PositionAt(3.5), new Vector3(3, 0.5f, 0)), Is.LessThan(1e-5));
        Assert.That(p.PositionAt(99), Is.EqualTo(new Vector3(3, 1, 0)));
        Assert.That(SourcePath.Parse("1,2,3", 1).PositionAt(0.5), Is.EqualTo(new Vector3(1, 2, 3)));
        Assert.That(Assert.Throws<FormatException>(() => SourcePath.Parse("1,2 -> 3,4,5", 1))!.Message, Does.Contain("must be x,y,z"));
        Assert.Throws<ArgumentOutOfRangeException>(() => SourcePath.Parse("1,2,3", 0));
    }
}
