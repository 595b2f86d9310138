using System.Buffers.Binary;

namespace FieldForge.Core;

/// <summary>
/// The one file container every FieldForge model and dataset format uses: a 4-byte magic, an int32 format version,
/// a uint64 payload length, the payload, and a CRC-32 of everything before it. All numbers are little-endian on every
/// host. Reading checks magic, version, length and checksum before a single payload byte is interpreted, and every
/// failure is an <see cref="InvalidDataException"/> whose message starts with the file's name.
/// <code>
/// byte[] file = BinaryContainer.Write(Magic, Version, w => { w.WriteInt32(n); w.WriteFloats(values); });
/// var r = BinaryContainer.Open(file, Magic, Version, "model.ffnf", "neural field");
/// int n = r.ReadInt32(); float[] values = r.ReadFloats(n);
/// </code>
/// </summary>
public static class BinaryContainer
{
    /// <summary>Bytes before the payload: magic, version, payload length.</summary>
    public const int HeaderBytes = 16;

    /// <summary>Serialises a container whose payload <paramref name="body"/> writes.</summary>
    public static byte[] Write(uint magic, int version, Action<LittleEndianWriter> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var payload = new LittleEndianWriter();
        body(payload);
        var bytes = new byte[HeaderBytes + payload.Length + 4];
        var span = bytes.AsSpan();
        BinaryPrimitives.WriteUInt32LittleEndian(span, magic);
        BinaryPrimitives.WriteInt32LittleEndian(span[4..], version);
        BinaryPrimitives.WriteUInt64LittleEndian(span[8..], (ulong)payload.Length);
        payload.WrittenSpan.CopyTo(span[HeaderBytes..]);
        BinaryPrimitives.WriteUInt32LittleEndian(span[^4..], Crc32.Compute(span[..^4]));
        return bytes;
    }

    /// <summary>Checks a container and returns a reader over its payload.</summary>
    /// <param name="bytes">The whole file.</param>
    /// <param name="magic">The format's magic number.</param>
    /// <param name="version">The one format version this build reads.</param>
    /// <param name="source">Names the file in error messages (usually its path).</param>
    /// <param name="what">What the format holds, for messages ("neural field").</param>
    /// <exception cref="InvalidDataException">Truncated, padded, foreign, of another version, or corrupted.</exception>
    public static LittleEndianReader Open(ReadOnlyMemory<byte> bytes, uint magic, int version, string source, string what) =>
        Open(bytes, magic, version, version, source, what, out _);

    /// <summary>Checks a container of any version from <paramref name="oldestVersion"/> to <paramref name="newestVersion"/>
    /// (a format that still reads its older layouts) and returns a reader over its payload and the version found.</summary>
    /// <exception cref="InvalidDataException">Truncated, padded, foreign, of a version outside the range, or corrupted.</exception>
    public static LittleEndianReader Open(ReadOnlyMemory<byte> bytes, uint magic, int oldestVersion, int newestVersion, string source, string what, out int version)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(oldestVersion, newestVersion);
        var span = bytes.Span;
        if (span.Length < HeaderBytes + 4)
            throw new InvalidDataException($"{source}: truncated ({span.Length} bytes; a {what} file has at least {HeaderBytes + 4})");
        if (BinaryPrimitives.ReadUInt32LittleEndian(span) != magic)
            throw new InvalidDataException($"{source}: not a FieldForge {what} file (magic is not '{MagicText(magic)}')");
        int found = BinaryPrimitives.ReadInt32LittleEndian(span[4..]);
        if (found < oldestVersion || found > newestVersion)
            throw new InvalidDataException(oldestVersion == newestVersion
                ? $"{source}: unsupported {what} format version {found} (this build reads version {newestVersion})"
                : $"{source}: unsupported {what} format version {found} (this build reads versions {oldestVersion} to {newestVersion})");
        version = found;
        ulong length = BinaryPrimitives.ReadUInt64LittleEndian(span[8..]);
        if (length != (ulong)(span.Length - HeaderBytes - 4))
            throw new InvalidDataException($"{source}: truncated or padded ({span.Length} bytes; the header announces a {length}-byte payload)");
        uint stored = BinaryPrimitives.ReadUInt32LittleEndian(span[^4..]);
        uint actual = Crc32.Compute(span[..^4]);
        if (stored != actual)
            throw new InvalidDataException($"{source}: checksum mismatch (stored CRC-32 {stored:X8}, computed {actual:X8}); the file is corrupted");
        return new LittleEndianReader(bytes.Slice(HeaderBytes, (int)length), source);
    }

    /// <summary>Reads <paramref name="path"/> and opens it as a container (see <see cref="Open(ReadOnlyMemory{byte}, uint, int, string, string)"/>).</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    public static LittleEndianReader OpenFile(string path, uint magic, int version, string what, long maxBytes = 1L << 31)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var info = new FileInfo(path);
        if (!info.Exists) throw new FileNotFoundException($"{what} file '{path}' does not exist", path);
        if (info.Length > maxBytes) throw new InvalidDataException($"{path}: is {info.Length} bytes; a {what} file is at most {maxBytes}");
        return Open(File.ReadAllBytes(path), magic, version, path, what);
    }

    /// <summary>The magic as the four ASCII characters it spells ("FFNF").</summary>
    public static string MagicText(uint magic) => string.Create(4, magic, (s, m) =>
    {
        for (int i = 0; i < 4; i++) s[i] = (char)((m >> (8 * i)) & 0xFF);
    });
}
