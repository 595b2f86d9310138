using System.Globalization;
using System.Text;

namespace FieldForge.Acoustics;

/// <summary>
/// An <c>sbatch</c> array script that runs one bake shard per task: array 0..Tasks-1, resources per task, one log
/// file per task, and requeue on failure (the bake resumes, so a requeued task redoes only its missing sources).
/// The command gets <c>--shards Tasks</c>; the shard index comes from <c>SLURM_ARRAY_TASK_ID</c> (see
/// <see cref="BakeShard"/>), so re-running a subset with <c>sbatch --array=2,5 script</c> stays correct.
/// </summary>
public sealed record SlurmArrayJob
{
    /// <summary>Array tasks = shards.</summary>
    public required int Tasks { get; init; }
    /// <summary>The bake command, already a valid shell word sequence (see <see cref="Quote"/>), without shard options.</summary>
    public required string BakeCommand { get; init; }
    /// <summary>Directory for the per-task logs <c>bake-JOB_TASK.log</c> (absolute; created before submitting).</summary>
    public required string LogDirectory { get; init; }
    /// <summary>Directory the tasks start in (absolute), so relative paths in the command (an <c>obj:</c> room) resolve
    /// as they did where the script was written; null = sbatch's default (the submission directory).</summary>
    public string? WorkingDirectory { get; init; }
    /// <summary>Slurm job name (one word).</summary>
    public string JobName { get; init; } = "ff-bake";
    /// <summary>CPU cores per task (lavapipe uses them all).</summary>
    public int CpusPerTask { get; init; } = 2;
    /// <summary>Memory per task in MiB.</summary>
    public int MemoryMiB { get; init; } = 4096;
    /// <summary>Wall-clock limit per task, minutes.</summary>
    public int TimeLimitMinutes { get; init; } = 240;
    /// <summary>GPUs per task (0 = CPU Vulkan driver, e.g. lavapipe).</summary>
    public int GpusPerTask { get; init; }
    /// <summary>Partition, or null for the cluster's default.</summary>
    public string? Partition { get; init; }
    /// <summary>At most this many tasks at once (the array's %N throttle); null = no limit.</summary>
    public int? MaxConcurrent { get; init; }
    /// <summary>How often a failed task requeues itself before it gives up.</summary>
    public int MaxRequeues { get; init; } = 3;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid field.</summary>
    public SlurmArrayJob Validate()
    {
        if (Tasks is < 1 or > 999) throw new ArgumentOutOfRangeException(nameof(Tasks), Tasks, $"Tasks must be 1..999, got {Tasks}");
        if (string.IsNullOrWhiteSpace(BakeCommand)) throw new ArgumentException("BakeCommand is empty");
        if (!Path.IsPathFullyQualified(LogDirectory)) throw new ArgumentException($"LogDirectory must be absolute (tasks start elsewhere), got '{LogDirectory}'");
        if (CpusPerTask is < 1 or > 1024) throw new ArgumentOutOfRangeException(nameof(CpusPerTask), CpusPerTask, $"CpusPerTask must be 1..1024, got {CpusPerTask}");
        if (MemoryMiB < 64) throw new ArgumentOutOfRangeException(nameof(MemoryMiB), MemoryMiB, $"MemoryMiB must be at least 64, got {MemoryMiB}");
        if (TimeLimitMinutes < 1) throw new ArgumentOutOfRangeException(nameof(TimeLimitMinutes), TimeLimitMinutes, $"TimeLimitMinutes must be at least 1, got {TimeLimitMinutes}");
        if (GpusPerTask is < 0 or > 64) throw new ArgumentOutOfRangeException(nameof(GpusPerTask), GpusPerTask, $"GpusPerTask must be 0..64, got {GpusPerTask}");
        if (MaxConcurrent is < 1) throw new ArgumentOutOfRangeException(nameof(MaxConcurrent), MaxConcurrent, "MaxConcurrent must be at least 1");
        if (MaxRequeues is < 0 or > 100) throw new ArgumentOutOfRangeException(nameof(MaxRequeues), MaxRequeues, $"MaxRequeues must be 0..100, got {MaxRequeues}");
        if (JobName.Any(c => char.IsWhiteSpace(c) || c is '\'' or '"')) throw new ArgumentException($"JobName must be one word, got '{JobName}'");
        if (Partition is not null && Partition.Any(c => char.IsWhiteSpace(c) || c is '\'' or '"')) throw new ArgumentException($"Partition must be one word, got '{Partition}'");
        if (WorkingDirectory is not null && (!Path.IsPathFullyQualified(WorkingDirectory) || WorkingDirectory.Any(char.IsWhiteSpace)))
            throw new ArgumentException($"WorkingDirectory must be absolute and without spaces, got '{WorkingDirectory}'");
        if (LogDirectory.Any(char.IsWhiteSpace)) throw new ArgumentException($"LogDirectory must not contain spaces (#SBATCH lines are not shell-quoted), got '{LogDirectory}'");
        return this;
    }

    /// <summary>The script text.</summary>
    public string Render()
    {
        Validate();
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine("#!/bin/bash");
        sb.AppendLine("# FieldForge sound-field bake as a Slurm array: one dataset shard per task (written by ff acoustics bake --emit-slurm).");
        sb.AppendLine("# Submit: sbatch THIS_FILE. Re-run some shards: sbatch --array=2,5 THIS_FILE. Check: ff acoustics verify DATASET.");
        sb.AppendLine(inv, $"#SBATCH --job-name={JobName}");
        sb.AppendLine(inv, $"#SBATCH --array=0-{Tasks - 1}{(MaxConcurrent is { } m ? "%" + m.ToString(inv) : "")}");
        sb.AppendLine("#SBATCH --ntasks=1");
        sb.AppendLine(inv, $"#SBATCH --cpus-per-task={CpusPerTask}");
        sb.AppendLine(inv, $"#SBATCH --mem={MemoryMiB}M");
        sb.AppendLine(inv, $"#SBATCH --time={TimeLimitMinutes / 60:D2}:{TimeLimitMinutes % 60:D2}:00");
        if (GpusPerTask > 0) sb.AppendLine(inv, $"#SBATCH --gres=gpu:{GpusPerTask}");
        if (Partition is not null) sb.AppendLine(inv, $"#SBATCH --partition={Partition}");
        sb.AppendLine(inv, $"#SBATCH --output={LogDirectory.TrimEnd('/')}/bake-%A_%a.log");
        if (WorkingDirectory is not null) sb.AppendLine(inv, $"#SBATCH --chdir={WorkingDirectory}");
        sb.AppendLine("#SBATCH --open-mode=append");
        sb.AppendLine("#SBATCH --requeue");
        sb.AppendLine("set -uo pipefail");
        sb.AppendLine("echo \"[$(date -u +%FT%TZ)] task ${SLURM_ARRAY_TASK_ID} of job ${SLURM_ARRAY_JOB_ID} on $(hostname), restart ${SLURM_RESTART_COUNT:-0}\"");
        sb.AppendLine(inv, $"{BakeCommand} --shards {Tasks}");
        sb.AppendLine("rc=$?");
        sb.AppendLine("if [ $rc -ne 0 ]; then");
        sb.AppendLine(inv, $"  if [ \"${{SLURM_RESTART_COUNT:-0}}\" -lt {MaxRequeues} ]; then");
        sb.AppendLine("    echo \"bake failed (exit $rc); requeueing this task (the bake resumes where it stopped)\"");
        sb.AppendLine("    scontrol requeue \"${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}\"");
        sb.AppendLine("  else");
        sb.AppendLine(inv, $"    echo \"bake failed (exit $rc) after {MaxRequeues} requeue(s); giving up\"");
        sb.AppendLine("  fi");
        sb.AppendLine("fi");
        sb.AppendLine("exit $rc");
        return sb.ToString();
    }

    /// <summary>Quotes one word for bash (single quotes; an embedded quote becomes '\'').</summary>
    public static string Quote(string word)
    {
        ArgumentNullException.ThrowIfNull(word);
        if (word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '.' or '-' or '_' or ':' or ',' or '=' or '+'))
            return word;
        return "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
    }
}
