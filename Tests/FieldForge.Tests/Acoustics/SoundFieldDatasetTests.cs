using FieldForge.Acoustics;

namespace FieldForge.Tests.Acoustics;

public sealed class SoundFieldDatasetTests : GpuTest
{
    private static readonly SoundFieldDatasetSpec Tiny = new()
    {
        Room = "box:1x0.8x0.6", MaxFrequencyHz = 400, SourceMin = [0.3, 0.3, 0.2], SourceMax = [0.7, 0.5, 0.4],
        SourceCount = 5, ReceiverSpacing = 0.3, DurationSeconds = 0.004, OutputEvery = 3,
    };

    private static string TempDir()
    {
        var d = Path.Combine(Path.GetTempPath(), $"ff-dataset-{Guid.NewGuid():N}");
        Directory.CreateDirectory(d);
        return d;
    }

    [Test]
    public void Bake_TwoShardsThenLoad_HoldsEverySourceAndMatchesTheSolver()
    {
        var dir = TempDir();
        try
        {
            Assert.That(SoundFieldDataset.Bake(Gpu, dir, Tiny, shard: 1, shardCount: 2), Is.EqualTo(2));
            var partial = SoundFieldDataset.Load(dir);
            Assert.That(partial.SourceIndices, Is.EqualTo(new[] { 1, 3 }));
            Assert.That(partial.IsComplete, Is.False);
            Assert.That(SoundFieldDataset.Bake(Gpu, dir, Tiny, shard: 0, shardCount: 2), Is.EqualTo(3));
            var data = SoundFieldDataset.Load(dir);
            Assert.That(data.IsComplete, Is.True);
            Assert.That(data.SourceIndices, Is.EqualTo(new[] { 0, 1, 2, 3, 4 }));
            Assert.That(data.Receivers, Has.Length.EqualTo(3 * 2 * 2));

            using var solver = new FdtdSolver(Gpu, Tiny.BuildRoom(), Tiny.Settings);
            var expected = solver.Simulate(data.Sources[2], data.Receivers, Tiny.DurationSeconds, Tiny.OutputEvery);
            Assert.That(data.Outputs, Is.EqualTo(expected.Outputs));
            Assert.That(data.Fields[2], Is.EqualTo(expected.Pressure));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Test]
    public void Bake_AfterATornWrite_CutsTheTailAndRedoesOnlyMissingSources()
    {
        var dir = TempDir();
        try
        {
            SoundFieldDataset.Bake(Gpu, dir, Tiny);
            var shard = Path.Combine(dir, SoundFieldDataset.ShardFileName(0, 1));
            long full = new FileInfo(shard).Length;
            long record = (full - 32) / 5;
            using (var f = new FileStream(shard, FileMode.Open)) f.SetLength(full - record / 2); // last record torn
            Assert.That(SoundFieldDataset.Load(dir).Sources, Has.Length.EqualTo(4));
            Assert.That(SoundFieldDataset.Bake(Gpu, dir, Tiny), Is.EqualTo(1));
            Assert.That(new FileInfo(shard).Length, Is.EqualTo(full));
            Assert.That(SoundFieldDataset.Bake(Gpu, dir, Tiny), Is.EqualTo(0));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Test]
    public void Bake_IntoDirectoryOfAnotherSpec_IsRefused()
    {
        var dir = TempDir();
        try
        {
            SoundFieldDataset.Bake(Gpu, dir, Tiny with { SourceCount = 1 });
            var ex = Assert.Throws<InvalidDataException>(() => SoundFieldDataset.Bake(Gpu, dir, Tiny with { SourceCount = 1, Seed = 7 }));
            Assert.That(ex!.Message, Does.Contain("different spec"));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}
