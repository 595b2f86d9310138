namespace FieldForge.Acoustics;

/// <summary>
/// What <see cref="SoundFieldDataset.Verify"/> found in one shard of a bake: how many of its sources are stored, which
/// are missing, how many bytes of a torn or corrupt tail follow the last valid record, and any inconsistency (a foreign
/// header, a record of another shard, a duplicate, a source position that the spec does not produce).
/// </summary>
/// <param name="Shard">Shard index, 0..ShardCount-1.</param>
/// <param name="ShardCount">Shards of the bake.</param>
/// <param name="FileName">Its file name in the dataset directory (it may not exist).</param>
/// <param name="Expected">Sources the shard owns (source i belongs to shard i mod ShardCount).</param>
/// <param name="Present">Valid records of owned sources, duplicates not counted.</param>
/// <param name="Missing">Owned source indices with no valid record, ascending.</param>
/// <param name="TailBytes">Bytes after the last valid record (a torn write or corruption; the next bake cuts them off).</param>
/// <param name="Problems">Inconsistencies found, one sentence each.</param>
public sealed record ShardVerification(int Shard, int ShardCount, string FileName, int Expected, int Present,
    IReadOnlyList<int> Missing, long TailBytes, IReadOnlyList<string> Problems)
{
    /// <summary>True when every owned source is stored exactly once, valid, with nothing after it.</summary>
    public bool IsComplete => Present == Expected && Missing.Count == 0 && TailBytes == 0 && Problems.Count == 0;
}
