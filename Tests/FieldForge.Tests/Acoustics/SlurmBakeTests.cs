using System.Diagnostics;
using FieldForge.Acoustics;

namespace FieldForge.Tests.Acoustics;

/// <summary>
/// The distributed bake on a real (single-node, localhost) Slurm: `ff acoustics bake --emit-slurm 4` writes the array
/// script, sbatch runs it, one task is cancelled mid-shard and requeued, verify says exactly which shard to re-run and
/// then that the dataset is complete, and the surrogate trains from it. Takes about a minute on 2 CPU cores (plus the
/// apt-get install on a fresh machine).
/// </summary>
[NonParallelizable]
public sealed class SlurmBakeTests : GpuTest
{
    private static readonly SoundFieldDatasetSpec Small = new()
    {
        Room = "box:1x0.8x0.6", MaxFrequencyHz = 400, SourceMin = [0.3, 0.3, 0.2], SourceMax = [0.7, 0.5, 0.4],
        SourceCount = 24, ReceiverSpacing = 0.3, DurationSeconds = 0.1, OutputEvery = 3,
    };

    // A shard must last a few seconds so a task can be caught mid-shard: about a second per source on 2 CPU cores
    // (lavapipe, four tasks sharing them) gives 6 sources per shard; a fast GPU gets proportionally more sources.
    private static SoundFieldDatasetSpec SizedForThisDevice()
    {
        using var solver = new FdtdSolver(Gpu, Small.BuildRoom(), Small.Settings);
        var receivers = new[] { new System.Numerics.Vector3(0.5f, 0.4f, 0.3f) };
        solver.Simulate(new(0.4f, 0.4f, 0.3f), receivers, Small.DurationSeconds, Small.OutputEvery);
        var clock = Stopwatch.StartNew();
        solver.Simulate(new(0.4f, 0.4f, 0.3f), receivers, Small.DurationSeconds, Small.OutputEvery);
        int perShard = (int)Math.Clamp(Math.Ceiling(2.5 / clock.Elapsed.TotalSeconds), 6, 500);
        return Small with { SourceCount = 4 * perShard };
    }

    [Test]
    public void ArrayBake_TaskCancelledMidShardThenRequeued_VerifiesCompleteAndTrains()
    {
        using var slurm = LocalSlurm.TryStart(out var reason);
        if (slurm is null) { Assert.Ignore($"no local Slurm: {reason}"); return; }
        var dir = Path.Combine(slurm.Root, "dataset");
        var cli = Path.Combine(AppContext.BaseDirectory, "FieldForge.Cli.dll");
        Assert.That(File.Exists(cli), $"the CLI is built next to the tests: {cli}");
        var clock = Stopwatch.StartNew();
        var spec = SizedForThisDevice();

        var emit = Cli($"acoustics bake --room {spec.Room} --fmax 400 --region 0.3,0.3,0.2,0.7,0.5,0.4 --sources {spec.SourceCount} --receiver-spacing 0.3 --duration 0.1 --output-every 3 --out {dir} --emit-slurm 4 --slurm-cpus 1 --slurm-mem 1024 --slurm-time 10");
        Assert.That(emit.ExitCode, Is.EqualTo(0), emit.Output);
        var script = Path.Combine(dir, "bake.sbatch");
        var text = File.ReadAllText(script);
        Assert.That(text, Does.Contain("#SBATCH --array=0-3").And.Contain("#SBATCH --requeue").And.Contain("#SBATCH --cpus-per-task=1")
            .And.Contain($"#SBATCH --output={dir}/logs/bake-%A_%a.log").And.Contain("--shards 4"));

        var jobId = slurm.Slurm("sbatch", $"--parsable {script}").Output.Trim().Split(';')[0];
        TestContext.Out.WriteLine($"submitted array job {jobId} ({clock.Elapsed.TotalSeconds:F1} s)");

        // Cancel task 2 once it has stored at least one source but not all of them.
        slurm.WaitFor(() => File.Exists(Path.Combine(dir, "manifest.json")) && SoundFieldDataset.Verify(dir, 4).Shards[2].Present >= 1, 120, "task 2's first record");
        slurm.Slurm("scancel", $"{jobId}_2");
        slurm.WaitFor(() => slurm.TaskState(jobId, 2) == "CANCELLED", 30, "task 2 to be cancelled");
        foreach (int t in new[] { 0, 1, 3 }) slurm.WaitFor(() => slurm.TaskState(jobId, t) == "COMPLETED", 120, $"task {t} to complete");
        TestContext.Out.WriteLine($"tasks 0,1,3 completed, 2 cancelled ({clock.Elapsed.TotalSeconds:F1} s)");

        var partial = SoundFieldDataset.Verify(dir);
        TestContext.Out.WriteLine(partial.Describe());
        Assert.That(partial.ShardCount, Is.EqualTo(4));
        Assert.That(partial.IsComplete, Is.False);
        Assert.That(partial.ShardsToRerun, Is.EqualTo(new[] { 2 }), "only the cancelled task's shard needs another run");
        var cancelled = partial.Shards[2];
        Assert.That(cancelled.Present, Is.InRange(1, cancelled.Expected - 1), "the task was cancelled mid-shard");
        var verifyCli = Cli($"acoustics verify {dir}");
        Assert.That(verifyCli.ExitCode, Is.EqualTo(1), verifyCli.Output);
        Assert.That(verifyCli.Output, Does.Contain($"re-run: sbatch --array=2 {script}"));

        // Requeue it; Slurm holds a requeued job back for two minutes, so make it eligible now.
        slurm.Slurm("scontrol", $"requeue {jobId}_2");
        slurm.Slurm("scontrol", $"update JobId={jobId}_2 StartTime=now");
        slurm.WaitFor(() => slurm.TaskState(jobId, 2) == "COMPLETED", 120, "the requeued task 2 to complete");
        TestContext.Out.WriteLine($"requeued task 2 completed ({clock.Elapsed.TotalSeconds:F1} s)");
        var log = File.ReadAllText(Directory.GetFiles(Path.Combine(dir, "logs"), $"bake-{jobId}_2.log").Single());
        Assert.That(log, Does.Contain("restart 0").And.Contain("restart 1"), "one log per task, appended across the requeue");
        Assert.That(log, Does.Contain($"simulated {cancelled.Missing.Count} sources"), "the requeued task redid only the missing sources");

        var final = SoundFieldDataset.Verify(dir);
        Assert.That(final.IsComplete, Is.True, final.Describe());
        Assert.That(Cli($"acoustics verify {dir}").ExitCode, Is.EqualTo(0));

        // The dataset is the one a single machine bakes: a source redone after the requeue matches a fresh solve exactly.
        var data = SoundFieldDataset.Load(dir);
        Assert.That(data.IsComplete, Is.True);
        int redone = cancelled.Missing[0];
        Assert.That(data.Spec.SourceCount, Is.EqualTo(spec.SourceCount));
        using (var solver = new FdtdSolver(Gpu, spec.BuildRoom(), spec.Settings))
            Assert.That(data.Fields[redone], Is.EqualTo(solver.Simulate(data.Sources[redone], data.Receivers, spec.DurationSeconds, spec.OutputEvery).Pressure));

        var settings = new SurrogateSettings { Modes = 12, EncodingLevels = 2, FinestResolution = 3, Width = 16, HiddenLayers = 1, BatchSize = 32, Steps = 300, FinalLearningRate = 1e-3f };
        int n = data.Sources.Length;
        using var model = SoundFieldSurrogate.Train(Gpu, data, settings, Enumerable.Range(0, n - 4).ToArray());
        var (rmse, rms) = model.MeasureError(data, Enumerable.Range(n - 4, 4));
        TestContext.Out.WriteLine($"trained from the Slurm bake: held-out RMSE {rmse:F4} Pa of field RMS {rms:F4} Pa; whole test {clock.Elapsed.TotalSeconds:F1} s");
        // Stated bound for this tiny budget: under 15 % of the field RMS (measured 6.7 %); predicting the mean alone scores about 100 %.
        Assert.That(rmse / rms, Is.LessThan(0.15));
    }

    private static (int ExitCode, string Output) Cli(string arguments) =>
        LocalSlurm.Run("dotnet", $"{Path.Combine(AppContext.BaseDirectory, "FieldForge.Cli.dll")} {arguments}", check: false, timeoutSeconds: 120);
}
