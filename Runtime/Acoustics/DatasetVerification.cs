using System.Globalization;
using System.Text;

namespace FieldForge.Acoustics;

/// <summary>
/// The result of <see cref="SoundFieldDataset.Verify"/>: the manifest's state, one <see cref="ShardVerification"/> per
/// shard of the bake, and which shards to run again.
/// </summary>
/// <param name="Directory">The dataset directory.</param>
/// <param name="SourceCount">Sources the spec asks for.</param>
/// <param name="ShardCount">Shards of the bake (from the shard file names, or as given).</param>
/// <param name="Shards">Every shard 0..ShardCount-1, present or not.</param>
/// <param name="Problems">Dataset-wide inconsistencies (foreign files, shards of another count).</param>
/// <param name="Notes">Checks that could not run here (e.g. an OBJ room whose mesh path does not resolve).</param>
public sealed record DatasetVerification(string Directory, int SourceCount, int ShardCount,
    IReadOnlyList<ShardVerification> Shards, IReadOnlyList<string> Problems, IReadOnlyList<string> Notes)
{
    /// <summary>True when every shard is complete and nothing inconsistent was found.</summary>
    public bool IsComplete => Problems.Count == 0 && Shards.All(s => s.IsComplete);

    /// <summary>Sources with a valid record, over all shards.</summary>
    public int PresentSources => Shards.Sum(s => s.Present);

    /// <summary>Shards that need another run (a resumed bake redoes only their missing sources).</summary>
    public IReadOnlyList<int> ShardsToRerun => Shards.Where(s => !s.IsComplete).Select(s => s.Shard).ToArray();

    /// <summary>A human-readable report: one line per shard, then the verdict.</summary>
    public string Describe()
    {
        var sb = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        sb.AppendLine(inv, $"{Directory}: {PresentSources}/{SourceCount} sources in {ShardCount} shard(s)");
        foreach (var s in Shards)
        {
            sb.Append(inv, $"  shard {s.Shard}/{s.ShardCount} {s.FileName}: {s.Present}/{s.Expected}");
            if (s.IsComplete) { sb.AppendLine(" complete"); continue; }
            if (s.Missing.Count > 0)
                sb.Append(inv, $", missing {s.Missing.Count} (sources {string.Join(", ", s.Missing.Take(8))}{(s.Missing.Count > 8 ? ", ..." : "")})");
            if (s.TailBytes > 0) sb.Append(inv, $", {s.TailBytes} bytes of torn/corrupt tail");
            foreach (var p in s.Problems) sb.Append("; ").Append(p);
            sb.AppendLine();
        }
        foreach (var p in Problems) sb.AppendLine("  problem: " + p);
        foreach (var n in Notes) sb.AppendLine("  note: " + n);
        sb.Append(IsComplete ? "complete and consistent"
            : $"incomplete: re-run shard(s) {string.Join(",", ShardsToRerun)} of {ShardCount}");
        return sb.ToString();
    }
}
