using FieldForge.Core;
using System.Buffers.Binary;
using System.Numerics;
using System.Text;
using System.Text.Json;
using FieldForge.Gpu;

namespace FieldForge.Acoustics;

/// <summary>
/// Pressure fields on a receiver grid over time for many source positions, baked with the FDTD solver: a directory
/// with <c>manifest.json</c> and shard files <c>shard-III-of-NNN.ffsd</c> (format in Runtime/Acoustics/DATASET.md).
/// Baking is shardable (source i belongs to shard i mod N) and resumable (complete records are kept, a torn last
/// record is cut off and redone).
/// </summary>
public sealed partial class SoundFieldDataset
{
    /// <summary>Format version written to the manifest and every shard header.</summary>
    public const int FormatVersion = 1;
    private const uint ShardMagic = 0x44534646; // "FFSD"
    private const uint RecordMagic = 0x52534646; // "FFSR"
    internal const int HeaderBytes = 32;
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    private SoundFieldDataset(SoundFieldDatasetSpec spec, Vector3[] receivers, double outputInterval, int outputs,
        int[] indices, Vector3[] sources, float[][] fields)
    {
        Spec = spec; Receivers = receivers; OutputInterval = outputInterval; Outputs = outputs;
        SourceIndices = indices; Sources = sources; Fields = fields;
    }

    /// <summary>The spec the dataset was generated from.</summary>
    public SoundFieldDatasetSpec Spec { get; }
    /// <summary>Receiver positions, metres.</summary>
    public Vector3[] Receivers { get; }
    /// <summary>Seconds between output rows.</summary>
    public double OutputInterval { get; }
    /// <summary>Output rows per source (t = 0 included).</summary>
    public int Outputs { get; }
    /// <summary>Index (0..SourceCount-1) of each loaded source, ascending.</summary>
    public int[] SourceIndices { get; }
    /// <summary>Source positions, metres.</summary>
    public Vector3[] Sources { get; }
    /// <summary>Per source: Outputs × Receivers pressures (Pa), row-major by output.</summary>
    public float[][] Fields { get; }
    /// <summary>True when every source of the spec is present.</summary>
    public bool IsComplete => Sources.Length == Spec.SourceCount;

    /// <summary>Values per source field.</summary>
    public int FieldLength => Outputs * Receivers.Length;

    /// <summary>Position of source <paramref name="index"/>: uniform in the source region, drawn from (Seed, index) so
    /// any shard computes it alone; rejected until it lies in air.</summary>
    public static Vector3 SourcePosition(SoundFieldDatasetSpec spec, Room room, RoomGrid grid, int index)
    {
        var rng = new Random(unchecked(spec.Seed * 1_000_003 + index));
        var min = spec.RegionMin; var size = spec.RegionMax - min;
        for (int attempt = 0; attempt < 10_000; attempt++)
        {
            var p = min + size * new Vector3(rng.NextSingle(), rng.NextSingle(), rng.NextSingle());
            if (room.Contains(p) && grid.ContainsPoint(p)) return p;
        }
        throw new ArgumentException($"the source region {RoomGrid.Format(min)}..{RoomGrid.Format(spec.RegionMax)} has no air in room {room.Description}");
    }

    /// <summary>Receiver grid: points Min + (a+½)·spacing inside the room's air cells.</summary>
    public static Vector3[] ReceiverGrid(Room room, RoomGrid grid, double spacing)
    {
        var size = room.Max - room.Min;
        int nx = Math.Max(1, (int)(size.X / spacing)), ny = Math.Max(1, (int)(size.Y / spacing)), nz = Math.Max(1, (int)(size.Z / spacing));
        var points = new List<Vector3>();
        for (int k = 0; k < nz; k++)
        for (int j = 0; j < ny; j++)
        for (int i = 0; i < nx; i++)
        {
            var p = room.Min + new Vector3(i + 0.5f, j + 0.5f, k + 0.5f) * (float)spacing;
            if (room.Contains(p) && grid.ContainsPoint(p)) points.Add(p);
        }
        if (points.Count == 0) throw new ArgumentException($"a receiver spacing of {spacing} m leaves no receiver inside {room.Description}");
        return points.ToArray();
    }

    /// <summary>
    /// Bakes shard <paramref name="shard"/> of <paramref name="shardCount"/> into <paramref name="directory"/>, skipping
    /// sources already stored there. <paramref name="progress"/> gets (sources done in this shard, shard total).
    /// Returns the number of sources simulated now.
    /// </summary>
    public static int Bake(GpuContext gpu, string directory, SoundFieldDatasetSpec spec, int shard = 0, int shardCount = 1, Action<int, int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(gpu);
        spec = (spec ?? throw new ArgumentNullException(nameof(spec))).Validate();
        if (shardCount is < 1 or > 999) throw new ArgumentOutOfRangeException(nameof(shardCount), shardCount, $"shard count must be 1..999, got {shardCount}");
        if (shard < 0 || shard >= shardCount) throw new ArgumentOutOfRangeException(nameof(shard), shard, $"shard must be 0..{shardCount - 1}, got {shard}");
        var room = spec.BuildRoom();
        var settings = spec.Settings;
        using var solver = new FdtdSolver(gpu, room, settings);
        var receivers = ReceiverGrid(room, solver.Grid, spec.ReceiverSpacing);
        int steps = (int)Math.Ceiling(spec.DurationSeconds / solver.TimeStep - 1e-9);
        int outputs = steps / spec.OutputEvery + 1;
        ulong hash = SpecHash(spec);

        Directory.CreateDirectory(directory);
        WriteOrCheckManifest(directory, spec, hash, receivers, solver.Grid, solver.TimeStep, outputs);
        var path = Path.Combine(directory, ShardFileName(shard, shardCount));
        int fieldLength = outputs * receivers.Length;
        using var shardLock = LockShard(path);
        var done = OpenShard(path, hash, receivers.Length, outputs, shard, shardCount, truncateTornTail: true, new List<DamagedRecord>()).Keys.ToHashSet();

        var mine = Enumerable.Range(0, spec.SourceCount).Where(i => i % shardCount == shard).ToArray();
        int simulated = 0, completed = mine.Count(done.Contains);
        progress?.Invoke(completed, mine.Length);
        using var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
        var record = new byte[RecordBytes(fieldLength)];
        foreach (int index in mine)
        {
            if (done.Contains(index)) continue;
            var source = SourcePosition(spec, room, solver.Grid, index);
            var rec = solver.Simulate(source, receivers, spec.DurationSeconds, spec.OutputEvery);
            EncodeRecord(record, index, source, rec.Pressure);
            stream.Write(record);
            stream.Flush(flushToDisk: true);
            simulated++;
            progress?.Invoke(++completed, mine.Length);
        }
        return simulated;
    }

    /// <summary>
    /// Writes the manifest of a bake of <paramref name="spec"/> into <paramref name="directory"/> (or checks that the
    /// one there has the same spec) without a GPU: the room is voxelised on the CPU exactly as the solver does. A
    /// scheduler script calls this once before its tasks start, so <see cref="Verify"/> sees the dataset at once.
    /// </summary>
    public static void Prepare(string directory, SoundFieldDatasetSpec spec)
    {
        ArgumentNullException.ThrowIfNull(directory);
        spec = (spec ?? throw new ArgumentNullException(nameof(spec))).Validate();
        var room = spec.BuildRoom();
        var settings = spec.Settings;
        var grid = room.Voxelize(settings.Spacing);
        var receivers = ReceiverGrid(room, grid, spec.ReceiverSpacing);
        int steps = (int)Math.Ceiling(spec.DurationSeconds / settings.TimeStep - 1e-9);
        Directory.CreateDirectory(directory);
        WriteOrCheckManifest(directory, spec, SpecHash(spec), receivers, grid, settings.TimeStep, steps / spec.OutputEvery + 1);
    }

    /// <summary>Loads every complete record of every shard in <paramref name="directory"/>. Throws
    /// <see cref="InvalidDataException"/> on a missing/corrupt manifest or a shard of another spec.</summary>
    public static SoundFieldDataset Load(string directory)
    {
        var damaged = new List<DamagedRecord>();
        var (m, spec, hash) = ReadManifest(directory);
        var receivers = m.Receivers.Select(r => new Vector3((float)r[0], (float)r[1], (float)r[2])).ToArray();
        var all = new SortedDictionary<int, (Vector3, float[])>();
        foreach (var file in Directory.GetFiles(directory, "shard-*.ffsd").Order(StringComparer.Ordinal))
        {
            if (!TryParseShardFileName(file, out int shard, out int count))
                throw new InvalidDataException($"{file}: shard file names must be shard-III-of-NNN.ffsd");
            foreach (var (index, value) in OpenShard(file, hash, receivers.Length, m.Outputs, shard, count, truncateTornTail: false, damaged))
                all.TryAdd(index, value);
        }
        return new SoundFieldDataset(spec, receivers, m.OutputInterval, m.Outputs, all.Keys.ToArray(),
            all.Values.Select(v => v.Item1).ToArray(), all.Values.Select(v => v.Item2).ToArray())
        {
            // A damaged slot whose source has a valid copy elsewhere (re-baked) lost nothing.
            Damaged = damaged.Where(d => d.Source is not { } s || !all.ContainsKey(s)).ToArray(),
        };
    }

    /// <summary>The spec stored in <paramref name="directory"/>'s manifest (to resume or extend a bake without
    /// repeating its options). Throws like <see cref="Load"/> on a missing or corrupt manifest.</summary>
    public static SoundFieldDatasetSpec ReadSpec(string directory) => ReadManifest(directory).Spec;

    internal static (Manifest Manifest, SoundFieldDatasetSpec Spec, ulong Hash) ReadManifest(string directory)
    {
        var manifestPath = Path.Combine(directory, "manifest.json");
        if (!File.Exists(manifestPath)) throw new FileNotFoundException($"'{directory}' holds no dataset (manifest.json is missing)", manifestPath);
        Manifest m;
        try { m = JsonSerializer.Deserialize<Manifest>(File.ReadAllText(manifestPath)) ?? throw new InvalidDataException("empty"); }
        catch (JsonException e) { throw new InvalidDataException($"{manifestPath}: not a valid manifest ({e.Message})", e); }
        if (m.Format != "fieldforge-sound-field-dataset" || m.Version != FormatVersion)
            throw new InvalidDataException($"{manifestPath}: format '{m.Format}' version {m.Version}, expected 'fieldforge-sound-field-dataset' version {FormatVersion}");
        SoundFieldDatasetSpec spec;
        try { spec = (m.Spec ?? throw new InvalidDataException($"{manifestPath}: no spec")).Validate(); }
        catch (ArgumentException e) { throw new InvalidDataException($"{manifestPath}: invalid spec ({e.Message})", e); }
        ulong hash = SpecHash(spec);
        if (m.SpecHash != hash.ToString("x16")) throw new InvalidDataException($"{manifestPath}: spec hash {m.SpecHash} does not match its spec ({hash:x16}); the manifest was edited");
        CheckDerivedFields(manifestPath, m, spec);
        return (m, spec, hash);
    }

    /// <summary>Shard file name for shard <paramref name="shard"/> of <paramref name="count"/>.</summary>
    public static string ShardFileName(int shard, int count) => $"shard-{shard:D3}-of-{count:D3}.ffsd";

    /// <summary>Reads (shard, count) from a name made by <see cref="ShardFileName"/>.</summary>
    internal static bool TryParseShardFileName(string path, out int shard, out int count)
    {
        var name = Path.GetFileNameWithoutExtension(path).Split('-');
        shard = count = 0;
        if (name.Length != 4 || name[0] != "shard" || name[2] != "of") return false;
        return int.TryParse(name[1], out shard) && int.TryParse(name[3], out count) && count >= 1 && shard >= 0 && shard < count;
    }

    internal static int RecordBytes(int fieldLength) => 4 + 4 + 12 + fieldLength * 4 + 4;

    private static void EncodeRecord(byte[] record, int index, Vector3 source, ReadOnlySpan<float> field)
    {
        var s = record.AsSpan();
        BinaryPrimitives.WriteUInt32LittleEndian(s, RecordMagic);
        BinaryPrimitives.WriteInt32LittleEndian(s[4..], index);
        BinaryPrimitives.WriteSingleLittleEndian(s[8..], source.X);
        BinaryPrimitives.WriteSingleLittleEndian(s[12..], source.Y);
        BinaryPrimitives.WriteSingleLittleEndian(s[16..], source.Z);
        LittleEndian.WriteFloats(s[20..], field);
        BinaryPrimitives.WriteUInt32LittleEndian(s[^4..], Crc32.Compute(s[4..^4]));
    }

    // Reads a shard record by record (creating it, or starting it again when it is shorter than its header, when
    // baking); returns its valid records and adds damaged slots to `damaged`. When baking, damaged slots and a torn
    // tail are dropped by an atomic rewrite that keeps every valid record, so only the damaged sources are redone.
    private static Dictionary<int, (Vector3, float[])> OpenShard(string path, ulong hash, int receivers, int outputs, int shard, int count, bool truncateTornTail, List<DamagedRecord> damaged)
    {
        var result = new Dictionary<int, (Vector3, float[])>();
        // A file shorter than its header (disk full while it was written) holds no record: nothing to lose.
        if (!File.Exists(path) || new FileInfo(path).Length < HeaderBytes)
        {
            if (!truncateTornTail) return result;
            var header = new byte[HeaderBytes];
            BinaryPrimitives.WriteUInt32LittleEndian(header, ShardMagic);
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(4), FormatVersion);
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(8), (uint)receivers);
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(12), (uint)outputs);
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(16), (uint)shard);
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(20), (uint)count);
            BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan(24), hash);
            AtomicFile.WriteAllBytes(path, header);
            return result;
        }
        int fieldLength = checked(receivers * outputs);
        var keep = new List<long>();
        int damagedBefore = damaged.Count;
        long end, length;
        using (var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 20))
        {
            var header = new byte[HeaderBytes];
            file.ReadExactly(header);
            CheckShardHeader(path, header, hash, receivers, outputs, shard, count);
            end = ScanShard(file, path, shard, count, fieldLength, (index, source, offset, record) =>
            {
                if (result.ContainsKey(index)) return;
                var values = new float[fieldLength];
                LittleEndian.ReadFloats(record.AsSpan(20, fieldLength * 4), values);
                result[index] = (source, values);
                keep.Add(offset);
            }, damaged);
            length = file.Length;
        }
        if (truncateTornTail)
        {
            if (damaged.Count > damagedBefore) RewriteWithout(path, fieldLength, keep);
            else if (end != length) using (var f = new FileStream(path, FileMode.Open, FileAccess.Write)) f.SetLength(end);
        }
        return result;
    }

    /// <summary>Throws <see cref="InvalidDataException"/> unless <paramref name="h"/> starts with the header of
    /// shard <paramref name="shard"/> of <paramref name="count"/> baked from the spec with <paramref name="hash"/>.</summary>
    internal static void CheckShardHeader(string path, ReadOnlySpan<byte> h, ulong hash, int receivers, int outputs, int shard, int count)
    {
        if (h.Length < HeaderBytes || BinaryPrimitives.ReadUInt32LittleEndian(h) != ShardMagic)
            throw new InvalidDataException($"{path}: not a sound-field dataset shard");
        uint version = BinaryPrimitives.ReadUInt32LittleEndian(h[4..]);
        if (version != FormatVersion) throw new InvalidDataException($"{path}: format version {version}, expected {FormatVersion}");
        if (BinaryPrimitives.ReadUInt64LittleEndian(h[24..]) != hash || BinaryPrimitives.ReadUInt32LittleEndian(h[8..]) != receivers ||
            BinaryPrimitives.ReadUInt32LittleEndian(h[12..]) != outputs)
            throw new InvalidDataException($"{path}: shard was baked from a different spec than the manifest");
        if (BinaryPrimitives.ReadUInt32LittleEndian(h[16..]) != shard || BinaryPrimitives.ReadUInt32LittleEndian(h[20..]) != count)
            throw new InvalidDataException($"{path}: header says shard {BinaryPrimitives.ReadUInt32LittleEndian(h[16..])} of {BinaryPrimitives.ReadUInt32LittleEndian(h[20..])}, the file name says {shard} of {count}");
    }

    /// <summary>Collects the records after the header up to the first one with a bad magic or CRC (a torn or corrupt
    /// tail); returns the byte offset where valid records end.</summary>
    internal static int ScanRecords(ReadOnlySpan<byte> bytes, int fieldLength, List<(int Index, Vector3 Source, int Offset)> records)
    {
        int size = RecordBytes(fieldLength), pos = HeaderBytes;
        while (pos + size <= bytes.Length)
        {
            var r = bytes.Slice(pos, size);
            if (BinaryPrimitives.ReadUInt32LittleEndian(r) != RecordMagic || BinaryPrimitives.ReadUInt32LittleEndian(r[^4..]) != Crc32.Compute(r[4..^4])) break;
            int index = BinaryPrimitives.ReadInt32LittleEndian(r[4..]);
            var source = new Vector3(BinaryPrimitives.ReadSingleLittleEndian(r[8..]), BinaryPrimitives.ReadSingleLittleEndian(r[12..]), BinaryPrimitives.ReadSingleLittleEndian(r[16..]));
            records.Add((index, source, pos));
            pos += size;
        }
        return pos;
    }

    private static void WriteOrCheckManifest(string directory, SoundFieldDatasetSpec spec, ulong hash, Vector3[] receivers, RoomGrid grid, double timeStep, int outputs)
    {
        var path = Path.Combine(directory, "manifest.json");
        if (File.Exists(path))
        {
            Manifest? existing;
            try { existing = JsonSerializer.Deserialize<Manifest>(File.ReadAllText(path)); }
            catch (JsonException e) { throw new InvalidDataException($"{path}: not a valid manifest ({e.Message})", e); }
            if (existing?.SpecHash != hash.ToString("x16"))
                throw new InvalidDataException($"{path}: this directory holds a dataset of a different spec; bake into a new directory");
            return;
        }
        var m = new Manifest
        {
            Spec = spec, SpecHash = hash.ToString("x16"),
            Grid = [grid.Nx, grid.Ny, grid.Nz], Spacing = grid.Spacing, TimeStep = timeStep,
            OutputInterval = timeStep * spec.OutputEvery, Outputs = outputs,
            Receivers = receivers.Select(r => new double[] { r.X, r.Y, r.Z }).ToArray(),
        };
        // Every task of an array job may get here at once: each writes its own temporary file and renames it over the
        // manifest (atomic on one file system); the contents are identical because the spec determines them.
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(m, Json));
    }

    private static ulong SpecHash(SoundFieldDatasetSpec spec)
    {
        ulong h = 14695981039346656037UL;
        foreach (var b in Encoding.UTF8.GetBytes(JsonSerializer.Serialize(spec))) h = (h ^ b) * 1099511628211UL;
        return h;
    }

    internal sealed class Manifest
    {
        public string Format { get; set; } = "fieldforge-sound-field-dataset";
        public int Version { get; set; } = FormatVersion;
        public SoundFieldDatasetSpec Spec { get; set; } = new();
        public string SpecHash { get; set; } = "";
        public int[] Grid { get; set; } = [];
        public double Spacing { get; set; }
        public double TimeStep { get; set; }
        public double OutputInterval { get; set; }
        public int Outputs { get; set; }
        public double[][] Receivers { get; set; } = [];
    }
}
