using System.Numerics;

namespace FieldForge.Acoustics;

public sealed partial class SoundFieldDataset
{
    /// <summary>
    /// Checks a (possibly distributed) bake without a GPU: the manifest parses and matches its spec hash; every shard
    /// 0..N-1 exists, carries the manifest's spec in its header, and holds each source it owns exactly once with a
    /// valid CRC-32, at the position the spec's seed gives, and nothing else. N comes from the shard file names unless
    /// <paramref name="shardCount"/> is given (needed when no shard has been written yet). Throws like
    /// <see cref="Load"/> when the manifest itself is missing or corrupt.
    /// </summary>
    public static DatasetVerification Verify(string directory, int? shardCount = null)
    {
        ArgumentNullException.ThrowIfNull(directory);
        var (m, spec, hash) = ReadManifest(directory);
        var problems = new List<string>();
        var notes = new List<string>();
        var files = System.IO.Directory.GetFiles(directory, "*.ffsd").Order(StringComparer.Ordinal).ToArray();
        var named = new List<(string File, int Shard, int Count)>();
        foreach (var f in files)
        {
            if (TryParseShardFileName(f, out int s, out int c)) named.Add((f, s, c));
            else problems.Add($"{Path.GetFileName(f)} is not named shard-III-of-NNN.ffsd; it is ignored by training");
        }
        int count = shardCount ?? (named.Count == 0 ? 0 : named.GroupBy(n => n.Count).OrderByDescending(g => g.Count()).ThenByDescending(g => g.Key).First().Key);
        if (count < 1)
            return new DatasetVerification(directory, spec.SourceCount, 0, Array.Empty<ShardVerification>(),
                problems.Append("no shard file yet: nothing has been baked (pass the shard count to list the shards to run)").ToList(), notes);
        foreach (var other in named.Where(n => n.Count != count))
            problems.Add($"{Path.GetFileName(other.File)} belongs to a {other.Count}-shard bake, the others to a {count}-shard bake; move it away or re-bake with one count");

        // Source positions follow from (seed, index) and the voxelised room, so a record at another position is foreign.
        Func<int, Vector3>? expectedPosition = null;
        try
        {
            var room = spec.BuildRoom();
            var grid = room.Voxelize(spec.Settings.Spacing);
            expectedPosition = i => SourcePosition(spec, room, grid, i);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or IOException or InvalidDataException)
        {
            notes.Add($"source positions not checked: the room '{spec.Room}' cannot be built here ({e.Message})");
        }

        int fieldLength = m.Outputs * m.Receivers.Length;
        var shards = new ShardVerification[count];
        for (int shard = 0; shard < count; shard++)
        {
            var name = ShardFileName(shard, count);
            var owned = Enumerable.Range(0, spec.SourceCount).Where(i => i % count == shard).ToArray();
            var path = Path.Combine(directory, name);
            var shardProblems = new List<string>();
            var seen = new HashSet<int>();
            long tail = 0;
            if (!File.Exists(path)) shardProblems.Add("never started (no file)");
            else
            {
                var bytes = File.ReadAllBytes(path);
                try
                {
                    CheckShardHeader(name, bytes, hash, m.Receivers.Length, m.Outputs, shard, count);
                    var records = new List<(int Index, Vector3 Source, int Offset)>();
                    tail = bytes.Length - ScanRecords(bytes, fieldLength, records);
                    foreach (var (index, source, _) in records)
                    {
                        if (index < 0 || index >= spec.SourceCount || index % count != shard)
                            shardProblems.Add($"holds source {index}, which is not one of this shard's");
                        else if (!seen.Add(index))
                            shardProblems.Add($"holds source {index} twice");
                        else if (expectedPosition is not null && Vector3.Distance(expectedPosition(index), source) > 1e-5f)
                        {
                            shardProblems.Add($"source {index} is at {RoomGrid.Format(source)}, the spec puts it at {RoomGrid.Format(expectedPosition(index))}");
                            seen.Remove(index);
                        }
                    }
                }
                catch (InvalidDataException e) { shardProblems.Add(e.Message); }
            }
            var missing = owned.Where(i => !seen.Contains(i)).ToArray();
            shards[shard] = new ShardVerification(shard, count, name, owned.Length, seen.Count, missing, tail, shardProblems);
        }
        return new DatasetVerification(directory, spec.SourceCount, count, shards, problems, notes);
    }
}
