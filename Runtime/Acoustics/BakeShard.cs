using System.Globalization;

namespace FieldForge.Acoustics;

/// <summary>
/// Which shard of a bake this process runs (source i belongs to shard i mod <see cref="Count"/>), decided from an
/// explicit <c>i/N</c>, a Slurm array task (<c>SLURM_ARRAY_TASK_ID</c>, <c>SLURM_ARRAY_TASK_COUNT</c>) or a
/// Kubernetes Indexed Job (<c>JOB_COMPLETION_INDEX</c> plus a count), so one command line serves every task.
/// </summary>
/// <param name="Index">Shard index, 0..Count-1.</param>
/// <param name="Count">Number of shards, 1..999.</param>
/// <param name="Origin">Where the index came from, for logs (e.g. <c>SLURM_ARRAY_TASK_ID</c>).</param>
public sealed record BakeShard(int Index, int Count, string Origin)
{
    /// <summary>Environment variable naming the shard count for schedulers that do not export one (Kubernetes).</summary>
    public const string CountVariable = "FIELDFORGE_SHARDS";

    /// <summary>
    /// Resolves the shard. Precedence: <paramref name="explicitShard"/> (<c>i/N</c>); then <c>SLURM_ARRAY_TASK_ID</c>
    /// with the count from <paramref name="explicitCount"/>, <c>FIELDFORGE_SHARDS</c> or <c>SLURM_ARRAY_TASK_COUNT</c>
    /// (the last only for an array that is exactly 0..N-1: a re-run of some tasks must say the count); then
    /// <c>JOB_COMPLETION_INDEX</c> with the count from <paramref name="explicitCount"/> or <c>FIELDFORGE_SHARDS</c>;
    /// otherwise shard 0 of 1. Throws <see cref="ArgumentException"/> with a message that says what to pass.
    /// </summary>
    public static BakeShard Resolve(string? explicitShard, int? explicitCount, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (explicitShard is not null)
        {
            var p = explicitShard.Split('/');
            if (p.Length != 2 || !TryInt(p[0], out int i) || !TryInt(p[1], out int n))
                throw new ArgumentException($"a shard must be i/N, got '{explicitShard}'");
            if (explicitCount is { } c && c != n) throw new ArgumentException($"shard '{explicitShard}' disagrees with a shard count of {c}");
            return Checked(i, n, "--shard");
        }
        int? namedCount = explicitCount ?? EnvInt(environment, CountVariable);
        if (environment("SLURM_ARRAY_TASK_ID") is { } slurmTask)
        {
            int task = Int(slurmTask, "SLURM_ARRAY_TASK_ID");
            if (namedCount is { } n) return Checked(task, n, "SLURM_ARRAY_TASK_ID");
            int arrayCount = EnvInt(environment, "SLURM_ARRAY_TASK_COUNT") ?? throw new ArgumentException("SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not; pass the shard count");
            int min = EnvInt(environment, "SLURM_ARRAY_TASK_MIN") ?? 0, max = EnvInt(environment, "SLURM_ARRAY_TASK_MAX") ?? arrayCount - 1;
            if (min != 0 || max != arrayCount - 1)
                throw new ArgumentException($"this array job runs tasks {min}..{max} ({arrayCount} of them), not 0..{arrayCount - 1}, so the shard count is unknown; pass it (--shards N)");
            return Checked(task, arrayCount, "SLURM_ARRAY_TASK_ID");
        }
        if (environment("JOB_COMPLETION_INDEX") is { } k8sIndex)
        {
            int index = Int(k8sIndex, "JOB_COMPLETION_INDEX");
            int n = namedCount ?? throw new ArgumentException($"JOB_COMPLETION_INDEX is set but the shard count is not; set {CountVariable} to the Indexed Job's completions or pass --shards N");
            return Checked(index, n, "JOB_COMPLETION_INDEX");
        }
        if (namedCount is { } only && only != 1)
            throw new ArgumentException($"a shard count of {only} needs a shard index: --shard i/{only}, or run inside a Slurm array or a Kubernetes Indexed Job");
        return new BakeShard(0, 1, "single machine");
    }

    /// <summary>Resolves the shard from the process environment.</summary>
    public static BakeShard Resolve(string? explicitShard = null, int? explicitCount = null) =>
        Resolve(explicitShard, explicitCount, Environment.GetEnvironmentVariable);

    private static BakeShard Checked(int index, int count, string origin)
    {
        if (count is < 1 or > 999) throw new ArgumentException($"the shard count must be 1..999, got {count} (from {origin})");
        if (index < 0 || index >= count) throw new ArgumentException($"shard index {index} (from {origin}) must be 0..{count - 1} for {count} shards");
        return new BakeShard(index, count, origin);
    }

    private static int? EnvInt(Func<string, string?> environment, string name) =>
        environment(name) is { } v ? Int(v, name) : null;

    private static int Int(string value, string name) =>
        TryInt(value, out int v) ? v : throw new ArgumentException($"{name} must be an integer, got '{value}'");

    private static bool TryInt(string s, out int v) => int.TryParse(s.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out v);

    /// <summary>"shard i/N (from origin)", for logs.</summary>
    public override string ToString() => $"shard {Index}/{Count} (from {Origin})";
}
