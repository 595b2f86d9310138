using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace FieldForge.Core;

/// <summary>Appends numbers, float arrays and strings as little-endian bytes on any host (the payload of a
/// <see cref="BinaryContainer"/>).</summary>
public sealed class LittleEndianWriter
{
    private readonly ArrayBufferWriter<byte> _buffer = new();

    /// <summary>Bytes written so far.</summary>
    public int Length => _buffer.WrittenCount;

    /// <summary>The bytes written so far.</summary>
    public ReadOnlySpan<byte> WrittenSpan => _buffer.WrittenSpan;

    /// <summary>Appends a 32-bit signed integer, little-endian.</summary>
    public void WriteInt32(int value) { BinaryPrimitives.WriteInt32LittleEndian(_buffer.GetSpan(4), value); _buffer.Advance(4); }
    /// <summary>Appends a 32-bit unsigned integer, little-endian.</summary>
    public void WriteUInt32(uint value) { BinaryPrimitives.WriteUInt32LittleEndian(_buffer.GetSpan(4), value); _buffer.Advance(4); }
    /// <summary>Appends a 64-bit signed integer, little-endian.</summary>
    public void WriteInt64(long value) { BinaryPrimitives.WriteInt64LittleEndian(_buffer.GetSpan(8), value); _buffer.Advance(8); }
    /// <summary>Appends an IEEE 754 single, little-endian.</summary>
    public void WriteSingle(float value) => WriteUInt32(BitConverter.SingleToUInt32Bits(value));
    /// <summary>Appends an IEEE 754 double, little-endian.</summary>
    public void WriteDouble(double value) => WriteInt64(BitConverter.DoubleToInt64Bits(value));

    /// <summary>The floats themselves (no count: write one first when the reader needs it).</summary>
    public void WriteFloats(ReadOnlySpan<float> values)
    {
        var target = _buffer.GetSpan(checked(values.Length * 4))[..(values.Length * 4)];
        LittleEndian.WriteFloats(target, values);
        _buffer.Advance(target.Length);
    }

    /// <summary>Raw bytes (no count).</summary>
    public void WriteBytes(ReadOnlySpan<byte> bytes) => _buffer.Write(bytes);

    /// <summary>An int32 byte count followed by the bytes.</summary>
    public void WriteBlock(ReadOnlySpan<byte> bytes) { WriteInt32(bytes.Length); WriteBytes(bytes); }

    /// <summary>A UTF-8 string as a block.</summary>
    public void WriteString(string value) => WriteBlock(Encoding.UTF8.GetBytes(value));
}

/// <summary>Little-endian float arrays, as one copy on little-endian hosts and element by element elsewhere.</summary>
public static class LittleEndian
{
    /// <summary>Writes <paramref name="values"/> into <paramref name="target"/> (4 bytes each).</summary>
    public static void WriteFloats(Span<byte> target, ReadOnlySpan<float> values)
    {
        if (target.Length < values.Length * 4) throw new ArgumentException($"target holds {target.Length} bytes, {values.Length} floats need {values.Length * 4}");
        if (BitConverter.IsLittleEndian) MemoryMarshal.AsBytes(values).CopyTo(target);
        else for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(target[(4 * i)..], values[i]);
    }

    /// <summary>Reads <paramref name="target"/>.Length floats from <paramref name="source"/>.</summary>
    public static void ReadFloats(ReadOnlySpan<byte> source, Span<float> target)
    {
        if (source.Length < target.Length * 4) throw new ArgumentException($"source holds {source.Length} bytes, {target.Length} floats need {target.Length * 4}");
        if (BitConverter.IsLittleEndian) source[..(target.Length * 4)].CopyTo(MemoryMarshal.AsBytes(target));
        else for (int i = 0; i < target.Length; i++) target[i] = BinaryPrimitives.ReadSingleLittleEndian(source[(4 * i)..]);
    }
}
