using System.Buffers.Binary;
using System.Text;

namespace FieldForge.Core;

/// <summary>Reads what <see cref="LittleEndianWriter"/> wrote. Every read is bounds-checked: reading past the end or a
/// count that cannot fit is a <see cref="InvalidDataException"/> naming the source, never an index or memory error.</summary>
public sealed class LittleEndianReader(ReadOnlyMemory<byte> bytes, string source)
{
    private int _position;

    /// <summary>Bytes not yet read.</summary>
    public int Remaining => bytes.Length - _position;

    /// <summary>The file or stream being read, for messages.</summary>
    public string Source => source;

    /// <summary>Reads a little-endian 32-bit signed integer.</summary>
    public int ReadInt32() => BinaryPrimitives.ReadInt32LittleEndian(Take(4));
    /// <summary>Reads a little-endian 32-bit unsigned integer.</summary>
    public uint ReadUInt32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));
    /// <summary>Reads a little-endian 64-bit signed integer.</summary>
    public long ReadInt64() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));
    /// <summary>Reads a little-endian IEEE 754 single.</summary>
    public float ReadSingle() => BitConverter.UInt32BitsToSingle(ReadUInt32());
    /// <summary>Reads a little-endian IEEE 754 double.</summary>
    public double ReadDouble() => BitConverter.Int64BitsToDouble(ReadInt64());

    /// <summary>An int32 count in 0..<paramref name="max"/>, or a <see cref="InvalidDataException"/> naming <paramref name="what"/>.</summary>
    public int ReadCount(string what, int max = int.MaxValue)
    {
        int n = ReadInt32();
        if (n < 0 || n > max) throw Corrupt($"{what} count {n} is outside 0..{max}");
        return n;
    }

    /// <summary><paramref name="count"/> floats.</summary>
    public float[] ReadFloats(int count)
    {
        if (count < 0 || (long)count * 4 > Remaining) throw Corrupt($"announces {count} floats but only {Remaining} bytes remain");
        var values = new float[count];
        LittleEndian.ReadFloats(Take(count * 4), values);
        return values;
    }

    /// <summary>The bytes of a block written by <see cref="LittleEndianWriter.WriteBlock"/>.</summary>
    public ReadOnlyMemory<byte> ReadBlock()
    {
        int n = ReadInt32();
        if (n < 0 || n > Remaining) throw Corrupt($"announces a {n}-byte block but only {Remaining} bytes remain");
        var block = bytes.Slice(_position, n);
        _position += n;
        return block;
    }

    /// <summary>A UTF-8 string written by <see cref="LittleEndianWriter.WriteString"/>.</summary>
    public string ReadString()
    {
        try { return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(ReadBlock().Span); }
        catch (DecoderFallbackException e) { throw Corrupt($"holds invalid UTF-8 ({e.Message})"); }
    }

    /// <summary>Throws unless every payload byte was read (trailing bytes mean the writer and reader disagree).</summary>
    public void ExpectEnd()
    {
        if (Remaining != 0) throw Corrupt($"{Remaining} unexpected bytes after the last field");
    }

    /// <summary>An <see cref="InvalidDataException"/> naming this source.</summary>
    public InvalidDataException Corrupt(string why) => new($"{source}: {why}");

    private ReadOnlySpan<byte> Take(int n)
    {
        if (n > Remaining) throw Corrupt($"truncated: needs {n} more bytes, {Remaining} remain");
        var span = bytes.Span.Slice(_position, n);
        _position += n;
        return span;
    }
}
