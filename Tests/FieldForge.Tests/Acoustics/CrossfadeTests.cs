using FieldForge.Acoustics;

namespace FieldForge.Tests.Acoustics;

/// <summary>IR updates in the partitioned convolver: cross-faded over one block, exact afterwards, allocation-free.</summary>
public sealed class CrossfadeTests
{
    private const int Rate = 48000, Block = 256;

    // A room-like IR: a delayed direct pulse plus a decaying noisy tail; delay and gain vary with k (a source moving).
    private static float[] Ir(int k, int length = 2000)
    {
        var rng = new Random(100 + k);
        var h = new float[length];
        int delay = 40 + 23 * k;
        h[delay] = 1.0f / (1 + 0.3f * k);
        for (int i = delay + 1; i < length; i++) h[i] = (float)((rng.NextDouble() * 2 - 1) * 0.3 * Math.Exp(-(i - delay) / 300.0));
        return h;
    }

    private static float[] Tone(int n) => Enumerable.Range(0, n).Select(i => (float)(0.5 * Math.Sin(2 * Math.PI * 220 * i / Rate))).ToArray();

    private static float[] Stream(PartitionedConvolver conv, float[] x, Action<int>? beforeBlock = null)
    {
        var y = new float[x.Length];
        for (int b = 0; b < x.Length / Block; b++)
        {
            beforeBlock?.Invoke(b);
            conv.ProcessBlock(x.AsSpan(b * Block, Block), y.AsSpan(b * Block, Block));
        }
        return y;
    }

    private static double MaxJump(float[] y, int from)
    {
        double m = 0;
        for (int i = Math.Max(1, from); i < y.Length; i++) m = Math.Max(m, Math.Abs(y[i] - y[i - 1]));
        return m;
    }

    [Test]
    public void UpdateImpulseResponse_FadesOverOneBlockThenEqualsTheNewIrAlone()
    {
        var x = Tone(Block * 40);
        var a = Stream(new PartitionedConvolver(Ir(0), Block), x);
        var b = Stream(new PartitionedConvolver(Ir(5), Block), x);
        var conv = new PartitionedConvolver(Ir(0), Block);
        var y = Stream(conv, x, block => { if (block == 20) conv.UpdateImpulseResponse(Ir(5)); });
        for (int i = 0; i < 20 * Block; i++) Assert.That(y[i], Is.EqualTo(a[i]).Within(1e-5), "before the update: the old IR");
        for (int i = 0; i < Block; i++)
        {
            float w = 0.5f - 0.5f * MathF.Cos(MathF.PI * (i + 0.5f) / Block);
            int n = 20 * Block + i;
            Assert.That(y[n], Is.EqualTo((1 - w) * a[n] + w * b[n]).Within(1e-5), "the fade block: raised cosine from old to new");
        }
        for (int i = 21 * Block; i < x.Length; i++) Assert.That(y[i], Is.EqualTo(b[i]).Within(1e-5), "after the fade: the new IR as if it had always been there");
        Assert.That(conv.UpdatePending, Is.False);
        Assert.Throws<ArgumentException>(() => conv.UpdateImpulseResponse(new float[conv.Capacity + 1]));
    }

    [Test]
    public void MovingIr_EveryBlock_LargestJumpStaysWithinTheStaticCase()
    {
        // The IR changes every block through 8 positions and back; the largest sample-to-sample jump of the output must
        // stay within 10 % of the largest jump any static IR produces; switching without a fade would click.
        const int positions = 8, blocks = 120;
        var x = Tone(Block * blocks);
        int Position(int block) => (block / 4) % (2 * positions - 2) is var p && p < positions ? p : 2 * positions - 2 - p;
        var statics = Enumerable.Range(0, positions).Select(k => Stream(new PartitionedConvolver(Ir(k), Block), x)).ToArray();
        int settled = 10 * Block; // past the IR length, so the static outputs are steady
        double staticJump = statics.Max(s => MaxJump(s, settled));

        var conv = new PartitionedConvolver(Ir(0), Block);
        var moving = Stream(conv, x, block => { if (block > 0 && Position(block) != Position(block - 1)) conv.UpdateImpulseResponse(Ir(Position(block))); });
        double movingJump = MaxJump(moving, settled);

        var hard = new float[x.Length]; // what swapping the IR without a fade gives: each block from its own IR alone
        for (int n = 0; n < x.Length; n++) hard[n] = statics[Position(n / Block)][n];
        double hardJump = MaxJump(hard, settled);
        TestContext.Out.WriteLine($"largest jump: static {staticJump:F5}, cross-faded moving {movingJump:F5}, hard switch {hardJump:F5}");
        Assert.That(movingJump, Is.LessThanOrEqualTo(1.10 * staticJump));
        Assert.That(hardJump, Is.GreaterThan(2 * staticJump), "the bound is tight enough to catch an unfaded switch");
    }

    [Test]
    public void ProcessBlock_WithUpdates_AllocatesNothing()
    {
        var conv = new PartitionedConvolver(Ir(0), Block);
        var x = Tone(Block);
        var y = new float[Block];
        conv.UpdateImpulseResponse(Ir(1));
        conv.ProcessBlock(x, y); // warm up (JIT, the lock's first use)
        conv.UpdateImpulseResponse(Ir(2));
        conv.UpdateImpulseResponse(Ir(3));
        long allocated = 0;
        for (int b = 0; b < 50; b++)
        {
            conv.UpdateImpulseResponse(Ir(b % 7));
            long before = GC.GetAllocatedBytesForCurrentThread();
            conv.ProcessBlock(x, y);
            conv.ProcessBlock(x, y);
            allocated += GC.GetAllocatedBytesForCurrentThread() - before;
        }
        Assert.That(allocated, Is.EqualTo(0));
    }

    [Test]
    public void UpdateImpulseResponse_FromAnotherThread_NeverTearsAnIr()
    {
        // A writer thread keeps swapping between two IRs while the audio loop runs; every output block must be one of
        // the allowed outputs (old, new, or their fade), which holds only if no block mixes a half-written IR.
        var x = Tone(Block * 200);
        var conv = new PartitionedConvolver(Ir(0), Block);
        using var stop = new CancellationTokenSource();
        var writer = Task.Run(() => { int k = 0; while (!stop.IsCancellationRequested) conv.UpdateImpulseResponse(Ir(k++ % 2 == 0 ? 0 : 4)); });
        var y = Stream(conv, x);
        stop.Cancel();
        writer.Wait();
        var a = Stream(new PartitionedConvolver(Ir(0), Block), x);
        var b = Stream(new PartitionedConvolver(Ir(4), Block), x);
        for (int blk = 0; blk < 200; blk++)
        {
            bool ok = false;
            foreach (var (from, to) in new[] { (a, a), (b, b), (a, b), (b, a) })
            {
                bool match = true;
                for (int i = 0; i < Block && match; i++)
                {
                    int n = blk * Block + i;
                    float w = from == to ? 1 : 0.5f - 0.5f * MathF.Cos(MathF.PI * (i + 0.5f) / Block);
                    match = Math.Abs(y[n] - ((1 - w) * from[n] + w * to[n])) < 1e-4;
                }
                ok |= match;
            }
            Assert.That(ok, $"block {blk} is neither IR nor a fade between them");
        }
    }
}
