using FieldForge.Acoustics;

namespace FieldForge.Tests.Acoustics;

/// <summary>Shard selection from scheduler environments, the sbatch script, and dataset verification (no scheduler needed).</summary>
public sealed class DistributedBakeTests : GpuTest
{
    private static Func<string, string?> Env(params (string Key, string Value)[] vars) =>
        name => vars.FirstOrDefault(v => v.Key == name).Value;

    [Test]
    public void Resolve_SlurmArray_TakesTaskIdAndCount()
    {
        var s = BakeShard.Resolve(null, null, Env(("SLURM_ARRAY_TASK_ID", "2"), ("SLURM_ARRAY_TASK_COUNT", "4"), ("SLURM_ARRAY_TASK_MIN", "0"), ("SLURM_ARRAY_TASK_MAX", "3")));
        Assert.That((s.Index, s.Count, s.Origin), Is.EqualTo((2, 4, "SLURM_ARRAY_TASK_ID")));
    }

    [Test]
    public void Resolve_SlurmRerunOfOneTask_NeedsAndUsesTheExplicitCount()
    {
        var rerun = Env(("SLURM_ARRAY_TASK_ID", "2"), ("SLURM_ARRAY_TASK_COUNT", "1"), ("SLURM_ARRAY_TASK_MIN", "2"), ("SLURM_ARRAY_TASK_MAX", "2"));
        Assert.That(Assert.Throws<ArgumentException>(() => BakeShard.Resolve(null, null, rerun))!.Message, Does.Contain("pass it (--shards N)"));
        Assert.That(BakeShard.Resolve(null, 4, rerun), Is.EqualTo(new BakeShard(2, 4, "SLURM_ARRAY_TASK_ID")));
    }

    [Test]
    public void Resolve_KubernetesIndexedJob_TakesIndexAndCountVariable()
    {
        Assert.That(BakeShard.Resolve(null, null, Env(("JOB_COMPLETION_INDEX", "5"), (BakeShard.CountVariable, "8"))), Is.EqualTo(new BakeShard(5, 8, "JOB_COMPLETION_INDEX")));
        Assert.That(Assert.Throws<ArgumentException>(() => BakeShard.Resolve(null, null, Env(("JOB_COMPLETION_INDEX", "5"))))!.Message, Does.Contain(BakeShard.CountVariable));
        Assert.That(Assert.Throws<ArgumentException>(() => BakeShard.Resolve(null, 4, Env(("JOB_COMPLETION_INDEX", "4"))))!.Message, Does.Contain("must be 0..3"));
    }

    [Test]
    public void Resolve_ExplicitShardWinsAndNoSchedulerMeansOneShard()
    {
        Assert.That(BakeShard.Resolve("1/3", null, Env(("SLURM_ARRAY_TASK_ID", "2"), ("SLURM_ARRAY_TASK_COUNT", "4"))), Is.EqualTo(new BakeShard(1, 3, "--shard")));
        Assert.That(BakeShard.Resolve(null, null, Env()), Is.EqualTo(new BakeShard(0, 1, "single machine")));
        Assert.Throws<ArgumentException>(() => BakeShard.Resolve(null, 4, Env()));
        Assert.Throws<ArgumentException>(() => BakeShard.Resolve("3/3", null, Env()));
        Assert.Throws<ArgumentException>(() => BakeShard.Resolve("1/3", 4, Env()));
    }

    [Test]
    public void SlurmArrayJob_Render_HasArrayResourcesLogsAndRequeue()
    {
        var text = new SlurmArrayJob
        {
            Tasks = 8, BakeCommand = "ff acoustics bake --out /data/set", LogDirectory = "/data/set/logs", CpusPerTask = 4, MemoryMiB = 2048,
            TimeLimitMinutes = 90, GpusPerTask = 1, Partition = "gpu", MaxConcurrent = 3, MaxRequeues = 2, WorkingDirectory = "/home/me",
        }.Render();
        Assert.That(text, Does.StartWith("#!/bin/bash\n"));
        foreach (var line in new[] { "#SBATCH --array=0-7%3", "#SBATCH --cpus-per-task=4", "#SBATCH --mem=2048M", "#SBATCH --time=01:30:00", "#SBATCH --gres=gpu:1",
                     "#SBATCH --partition=gpu", "#SBATCH --output=/data/set/logs/bake-%A_%a.log", "#SBATCH --requeue", "#SBATCH --chdir=/home/me",
                     "ff acoustics bake --out /data/set --shards 8", "-lt 2 ]", "scontrol requeue \"${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}\"" })
            Assert.That(text, Does.Contain(line));
        Assert.Throws<ArgumentException>(() => new SlurmArrayJob { Tasks = 2, BakeCommand = "x", LogDirectory = "relative/logs" }.Render());
        Assert.Throws<ArgumentOutOfRangeException>(() => new SlurmArrayJob { Tasks = 0, BakeCommand = "x", LogDirectory = "/l" }.Render());
        Assert.That(SlurmArrayJob.Quote("box:1x2x3"), Is.EqualTo("box:1x2x3"));
        Assert.That(SlurmArrayJob.Quote("it's a path"), Is.EqualTo("'it'\\''s a path'"));
    }

    private static readonly SoundFieldDatasetSpec Tiny = new()
    {
        Room = "box:1x0.8x0.6", MaxFrequencyHz = 400, SourceMin = [0.3, 0.3, 0.2], SourceMax = [0.7, 0.5, 0.4],
        SourceCount = 6, ReceiverSpacing = 0.3, DurationSeconds = 0.003, OutputEvery = 3,
    };

    [Test]
    public void Verify_FindsMissingTornForeignAndMisplacedRecords()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"ff-verify-{Guid.NewGuid():N}");
        try
        {
            SoundFieldDataset.Bake(Gpu, dir, Tiny, 0, 3);
            SoundFieldDataset.Bake(Gpu, dir, Tiny, 1, 3);
            var v = SoundFieldDataset.Verify(dir);
            Assert.That((v.ShardCount, v.PresentSources, v.IsComplete), Is.EqualTo((3, 4, false)));
            Assert.That(v.ShardsToRerun, Is.EqualTo(new[] { 2 }));
            Assert.That(v.Shards[2].Missing, Is.EqualTo(new[] { 2, 5 }));
            Assert.That(v.Shards[2].Problems, Has.Some.Contains("never started"));

            SoundFieldDataset.Bake(Gpu, dir, Tiny, 2, 3);
            Assert.That(SoundFieldDataset.Verify(dir).IsComplete, Is.True, SoundFieldDataset.Verify(dir).Describe());

            // A torn tail: shard 1 loses half of its last record.
            var shard1 = Path.Combine(dir, SoundFieldDataset.ShardFileName(1, 3));
            long length = new FileInfo(shard1).Length, record = (length - SoundFieldDataset.HeaderBytes) / 2;
            using (var f = new FileStream(shard1, FileMode.Open)) f.SetLength(length - record / 2);
            v = SoundFieldDataset.Verify(dir);
            Assert.That(v.ShardsToRerun, Is.EqualTo(new[] { 1 }));
            Assert.That((v.Shards[1].Present, v.Shards[1].TailBytes, v.Shards[1].Missing), Is.EqualTo((1, record - record / 2, new[] { 4 })));
            Assert.That(v.Describe(), Does.Contain("torn/corrupt tail"));
            SoundFieldDataset.Bake(Gpu, dir, Tiny, 1, 3);

            // A flipped bit inside shard 0's first record ends its valid prefix there (CRC).
            var shard0 = Path.Combine(dir, SoundFieldDataset.ShardFileName(0, 3));
            var bytes = File.ReadAllBytes(shard0);
            bytes[SoundFieldDataset.HeaderBytes + 40] ^= 0x10;
            File.WriteAllBytes(shard0, bytes);
            v = SoundFieldDataset.Verify(dir);
            Assert.That((v.Shards[0].Present, v.Shards[0].Missing), Is.EqualTo((0, new[] { 0, 3 })));
            bytes[SoundFieldDataset.HeaderBytes + 40] ^= 0x10;
            File.WriteAllBytes(shard0, bytes);

            // A shard renamed to another index holds sources that are not its own; a file of another shard count is flagged.
            File.Copy(shard0, Path.Combine(dir, SoundFieldDataset.ShardFileName(0, 2)));
            v = SoundFieldDataset.Verify(dir);
            Assert.That(v.Problems, Has.Some.Contains("belongs to a 2-shard bake"));
            Assert.That(v.IsComplete, Is.False);
            File.Delete(Path.Combine(dir, SoundFieldDataset.ShardFileName(0, 2)));
            File.Move(shard0, Path.Combine(dir, "moved.bin"));
            File.Copy(Path.Combine(dir, SoundFieldDataset.ShardFileName(2, 3)), shard0);
            v = SoundFieldDataset.Verify(dir);
            Assert.That(v.Shards[0].Problems, Has.Some.Contains("header says shard 2 of 3"));
            Assert.That(v.ShardsToRerun, Is.EqualTo(new[] { 0 }));
        }
        finally { if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true); }
    }

    [Test]
    public void Prepare_WritesTheManifestABakeWouldWrite_AndVerifyListsEveryShardToRun()
    {
        var prepared = Path.Combine(Path.GetTempPath(), $"ff-prepare-{Guid.NewGuid():N}");
        var baked = Path.Combine(Path.GetTempPath(), $"ff-prepare-{Guid.NewGuid():N}");
        try
        {
            SoundFieldDataset.Prepare(prepared, Tiny);
            var v = SoundFieldDataset.Verify(prepared, 3);
            Assert.That((v.PresentSources, v.IsComplete, v.ShardsToRerun), Is.EqualTo((0, false, new[] { 0, 1, 2 })));
            Assert.That(SoundFieldDataset.Verify(prepared).Problems, Has.Some.Contains("no shard file yet"));
            SoundFieldDataset.Bake(Gpu, baked, Tiny, 0, 3);
            Assert.That(File.ReadAllText(Path.Combine(prepared, "manifest.json")), Is.EqualTo(File.ReadAllText(Path.Combine(baked, "manifest.json"))),
                "the CPU voxelisation gives the solver's grid, receivers and time step");
            Assert.That(SoundFieldDataset.Bake(Gpu, prepared, Tiny, 0, 3), Is.EqualTo(2), "a bake continues a prepared directory");
            Assert.Throws<InvalidDataException>(() => SoundFieldDataset.Prepare(prepared, Tiny with { Seed = 9 }));
        }
        finally
        {
            foreach (var d in new[] { prepared, baked }) if (Directory.Exists(d)) Directory.Delete(d, recursive: true);
        }
    }
}
