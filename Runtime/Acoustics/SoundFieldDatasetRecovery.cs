using System.Buffers.Binary;
using System.Numerics;
using FieldForge.Core;

namespace FieldForge.Acoustics;

/// <summary>A run of shard record slots that failed their magic or CRC-32 check: which shard, where, how many slots,
/// and the source it held when the index field still names one of the shard's sources.</summary>
/// <param name="Shard">The shard file.</param>
/// <param name="Offset">Byte offset of the first damaged slot.</param>
/// <param name="Slots">Adjacent damaged slots in this run.</param>
/// <param name="Source">The source index the slot held, when still readable.</param>
public sealed record DamagedRecord(string Shard, long Offset, long Slots, int? Source)
{
    /// <summary>One line for reports: the shard, the source or the byte range.</summary>
    public override string ToString() =>
        Source is { } s ? $"{Path.GetFileName(Shard)}: source {s} (record at byte {Offset}) is damaged"
                        : $"{Path.GetFileName(Shard)}: {Slots} record(s) from byte {Offset} are damaged";
}

/// <summary>Damage containment for datasets: streaming shard scans that skip (and report) damaged records instead of
/// stopping at them, a lock per shard, and manifest fields checked against the spec that determines them.</summary>
public sealed partial class SoundFieldDataset
{
    /// <summary>Damaged record slots found while loading (skipped; the sources they held are absent unless another
    /// valid copy exists). Empty for an intact dataset.</summary>
    public IReadOnlyList<DamagedRecord> Damaged { get; private init; } = Array.Empty<DamagedRecord>();

    /// <summary>
    /// One pass over a shard's record slots with one reusable buffer (no whole-file array, so shards past 2 GiB work).
    /// Valid records go to <paramref name="onRecord"/> (index, source, offset, record bytes); damaged full-size slots
    /// are added to <paramref name="damaged"/>, adjacent unidentifiable ones merged. Returns where the last full slot
    /// ends; anything after it is a torn tail.
    /// </summary>
    internal static long ScanShard(FileStream file, string path, int shard, int count, int fieldLength,
        Action<int, Vector3, long, byte[]> onRecord, List<DamagedRecord> damaged)
    {
        int size = RecordBytes(fieldLength);
        var record = new byte[size];
        long pos = HeaderBytes, length = file.Length;
        file.Position = HeaderBytes;
        while (pos + size <= length)
        {
            file.ReadExactly(record);
            var r = record.AsSpan();
            int index = BinaryPrimitives.ReadInt32LittleEndian(r[4..]);
            if (BinaryPrimitives.ReadUInt32LittleEndian(r) == RecordMagic && BinaryPrimitives.ReadUInt32LittleEndian(r[^4..]) == Crc32.Compute(r[4..^4]))
            {
                var source = new Vector3(BinaryPrimitives.ReadSingleLittleEndian(r[8..]), BinaryPrimitives.ReadSingleLittleEndian(r[12..]), BinaryPrimitives.ReadSingleLittleEndian(r[16..]));
                onRecord(index, source, pos, record);
            }
            else
            {
                int? named = BinaryPrimitives.ReadUInt32LittleEndian(r) == RecordMagic && index >= 0 && index % count == shard ? index : null;
                if (named is null && damaged.Count > 0 && damaged[^1] is { Source: null } last && last.Shard == path && last.Offset + last.Slots * size == pos)
                    damaged[^1] = last with { Slots = last.Slots + 1 };
                else damaged.Add(new DamagedRecord(path, pos, 1, named));
            }
            pos += size;
        }
        return pos;
    }

    /// <summary>Rewrites a shard as its header and the valid records at <paramref name="keep"/> (in order), atomically:
    /// a failure leaves the old shard as it was. Used by bake so that a damaged slot is not reported forever once its
    /// source has been simulated again.</summary>
    internal static void RewriteWithout(string path, int fieldLength, IReadOnlyList<long> keep)
    {
        int size = RecordBytes(fieldLength);
        var buffer = new byte[Math.Max(size, HeaderBytes)];
        using var source = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        AtomicFile.Write(path, target =>
        {
            source.ReadExactly(buffer, 0, HeaderBytes);
            target.Write(buffer, 0, HeaderBytes);
            foreach (long offset in keep)
            {
                source.Position = offset;
                source.ReadExactly(buffer, 0, size);
                target.Write(buffer, 0, size);
            }
        });
    }

    /// <summary>Takes the shard's lock file (an exclusive lock the OS drops when the process dies), so two bakers of
    /// one shard cannot both do all the work and interleave records.</summary>
    /// <exception cref="IOException">Another process is baking this shard.</exception>
    internal static FileStream LockShard(string shardPath)
    {
        var lockPath = shardPath + ".lock";
        try { return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None); }
        catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException)
        {
            throw new IOException($"{Path.GetFileName(shardPath)} is being baked by another process (it holds {lockPath}); let it finish or stop it first", e);
        }
    }

    /// <summary>
    /// The manifest fields the spec determines, recomputed and compared: the spec hash covers the spec, and this covers
    /// the output interval, output count and receiver list, so an edited manifest is refused instead of silently
    /// training on a wrong time axis (an interval of -1 included).
    /// </summary>
    internal static void CheckDerivedFields(string manifestPath, Manifest m, SoundFieldDatasetSpec spec)
    {
        if (!(m.OutputInterval > 0) || !double.IsFinite(m.OutputInterval) || m.Outputs < 1 || m.Receivers is null || m.Receivers.Length == 0
            || m.Receivers.Any(r => r is null || r.Length != 3 || !r.All(double.IsFinite)))
            throw new InvalidDataException($"{manifestPath}: output interval {m.OutputInterval} s, {m.Outputs} outputs and {m.Receivers?.Length ?? 0} receivers do not describe a dataset; the manifest was edited");
        var settings = spec.Settings;
        double interval = settings.TimeStep * spec.OutputEvery;
        int steps = (int)Math.Ceiling(spec.DurationSeconds / settings.TimeStep - 1e-9);
        int outputs = steps / spec.OutputEvery + 1;
        if (Math.Abs(m.OutputInterval - interval) > 1e-9 * interval || m.Outputs != outputs)
            throw new InvalidDataException($"{manifestPath}: output interval {m.OutputInterval} s and {m.Outputs} outputs do not match its spec ({interval} s, {outputs}); the manifest was edited");
        if ((long)outputs * m.Receivers.Length > int.MaxValue / 4)
            throw new InvalidDataException($"{manifestPath}: {outputs} outputs x {m.Receivers.Length} receivers is more than one record can hold");
        Vector3[] expected;
        try
        {
            var room = spec.BuildRoom();
            expected = ReceiverGrid(room, room.Voxelize(settings.Spacing), spec.ReceiverSpacing);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or IOException or InvalidDataException)
        {
            return; // a mesh room that moved: the receivers cannot be recomputed here, the hash still covers the spec
        }
        bool same = expected.Length == m.Receivers.Length;
        for (int i = 0; same && i < expected.Length; i++)
            same = Vector3.Distance(expected[i], new Vector3((float)m.Receivers[i][0], (float)m.Receivers[i][1], (float)m.Receivers[i][2])) <= 1e-5f;
        if (!same)
            throw new InvalidDataException($"{manifestPath}: its {m.Receivers.Length} receivers are not the {expected.Length} its spec places; the manifest was edited");
    }
}
