using FieldForge.Core;
using System.Buffers.Binary;
using System.Text;

namespace FieldForge.Acoustics;

/// <summary>
/// A mono or stereo WAV file with samples as floats in [-1, 1] per channel. Reads and writes 16-bit PCM and 32-bit
/// float (also inside WAVE_FORMAT_EXTENSIBLE); anything malformed or unsupported is an <see cref="InvalidDataException"/>
/// that says what is wrong.
/// </summary>
public sealed class WavFile
{
    /// <summary>Wraps per-channel sample arrays (all the same length).</summary>
    public WavFile(int sampleRate, float[][] channels)
    {
        if (sampleRate is < 1 or > 1_000_000) throw new ArgumentOutOfRangeException(nameof(sampleRate), sampleRate, $"sample rate must be 1..1000000 Hz, got {sampleRate}");
        ArgumentNullException.ThrowIfNull(channels);
        if (channels.Length is < 1 or > 2) throw new ArgumentException($"only mono and stereo are supported, got {channels.Length} channels", nameof(channels));
        if (channels.Any(c => c.Length != channels[0].Length)) throw new ArgumentException("all channels must have the same length", nameof(channels));
        SampleRate = sampleRate;
        Channels = channels;
    }

    /// <summary>Frames per second, Hz.</summary>
    public int SampleRate { get; }
    /// <summary>Samples per channel, nominally in [-1, 1].</summary>
    public float[][] Channels { get; }
    /// <summary>Frames (samples per channel).</summary>
    public int Length => Channels[0].Length;

    /// <summary>Reads a WAV file.</summary>
    public static WavFile Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"WAV file '{path}' does not exist", path);
        return Parse(File.ReadAllBytes(path), path);
    }

    /// <summary>Parses WAV bytes; <paramref name="source"/> names the data in error messages.</summary>
    public static WavFile Parse(ReadOnlySpan<byte> data, string source = "WAV data")
    {
        string Err(string why) => throw new InvalidDataException($"{source}: {why}");
        if (data.Length < 12 || !data[..4].SequenceEqual("RIFF"u8) || !data.Slice(8, 4).SequenceEqual("WAVE"u8))
            Err("not a RIFF/WAVE file");
        int pos = 12, formatTag = -1, channels = 0, rate = 0, bits = 0, blockAlign = 0;
        while (pos + 8 <= data.Length)
        {
            var id = Encoding.ASCII.GetString(data.Slice(pos, 4));
            long size = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(pos + 4, 4));
            int body = pos + 8;
            if (body + size > data.Length) Err($"chunk '{id}' claims {size} bytes but only {data.Length - body} remain (truncated file)");
            var chunk = data.Slice(body, (int)size);
            if (id == "fmt ")
            {
                if (size < 16) Err($"fmt chunk is {size} bytes, expected at least 16");
                formatTag = BinaryPrimitives.ReadUInt16LittleEndian(chunk);
                channels = BinaryPrimitives.ReadUInt16LittleEndian(chunk[2..]);
                rate = BinaryPrimitives.ReadInt32LittleEndian(chunk[4..]);
                blockAlign = BinaryPrimitives.ReadUInt16LittleEndian(chunk[12..]);
                bits = BinaryPrimitives.ReadUInt16LittleEndian(chunk[14..]);
                if (formatTag == 0xFFFE)
                {
                    if (size < 40) Err("WAVE_FORMAT_EXTENSIBLE fmt chunk is shorter than 40 bytes");
                    formatTag = BinaryPrimitives.ReadUInt16LittleEndian(chunk[24..]);
                }
            }
            else if (id == "data")
            {
                if (formatTag < 0) Err("data chunk comes before the fmt chunk");
                WavSampleFormat format = (formatTag, bits) switch
                {
                    (1, 16) => WavSampleFormat.Pcm16,
                    (3, 32) => WavSampleFormat.Float32,
                    _ => throw new InvalidDataException($"{source}: unsupported sample format (tag {formatTag}, {bits} bits); only 16-bit PCM and 32-bit float are supported"),
                };
                if (channels is < 1 or > 2) Err($"{channels} channels; only mono and stereo are supported");
                if (rate < 1 || rate > 1_000_000) Err($"sample rate {rate} Hz is invalid");
                int bytesPerSample = bits / 8;
                if (blockAlign != channels * bytesPerSample) Err($"block align {blockAlign} does not match {channels} channels of {bits} bits");
                if (size % blockAlign != 0) Err($"data chunk of {size} bytes is not a whole number of {blockAlign}-byte frames");
                int frames = (int)(size / blockAlign);
                var result = new float[channels][];
                for (int c = 0; c < channels; c++) result[c] = new float[frames];
                for (int f = 0; f < frames; f++)
                for (int c = 0; c < channels; c++)
                {
                    var s = chunk.Slice(f * blockAlign + c * bytesPerSample, bytesPerSample);
                    result[c][f] = format == WavSampleFormat.Pcm16
                        ? Math.Max(-1f, BinaryPrimitives.ReadInt16LittleEndian(s) / 32767f)
                        : BinaryPrimitives.ReadSingleLittleEndian(s);
                    if (!float.IsFinite(result[c][f])) Err($"sample {f} of channel {c} is not finite");
                }
                return new WavFile(rate, result);
            }
            pos = body + (int)size + (int)(size & 1); // chunks are padded to even sizes
        }
        return formatTag < 0 ? throw new InvalidDataException($"{source}: no fmt chunk") : throw new InvalidDataException($"{source}: no data chunk");
    }

    /// <summary>Writes the file; PCM samples are clipped to [-1, 1].</summary>
    public void Write(string path, WavSampleFormat format = WavSampleFormat.Pcm16) => AtomicFile.WriteAllBytes(path, ToBytes(format));

    /// <summary>The file's bytes in <paramref name="format"/>.</summary>
    public byte[] ToBytes(WavSampleFormat format = WavSampleFormat.Pcm16)
    {
        int bytesPerSample = format == WavSampleFormat.Pcm16 ? 2 : 4;
        int channels = Channels.Length, blockAlign = channels * bytesPerSample;
        long dataBytes = (long)Length * blockAlign;
        if (dataBytes > uint.MaxValue - 44) throw new InvalidOperationException($"{Length} frames exceed the 4 GiB WAV limit");
        var bytes = new byte[44 + dataBytes];
        var s = bytes.AsSpan();
        "RIFF"u8.CopyTo(s);
        BinaryPrimitives.WriteUInt32LittleEndian(s[4..], (uint)(36 + dataBytes));
        "WAVE"u8.CopyTo(s[8..]);
        "fmt "u8.CopyTo(s[12..]);
        BinaryPrimitives.WriteUInt32LittleEndian(s[16..], 16);
        BinaryPrimitives.WriteUInt16LittleEndian(s[20..], (ushort)(format == WavSampleFormat.Pcm16 ? 1 : 3));
        BinaryPrimitives.WriteUInt16LittleEndian(s[22..], (ushort)channels);
        BinaryPrimitives.WriteInt32LittleEndian(s[24..], SampleRate);
        BinaryPrimitives.WriteInt32LittleEndian(s[28..], SampleRate * blockAlign);
        BinaryPrimitives.WriteUInt16LittleEndian(s[32..], (ushort)blockAlign);
        BinaryPrimitives.WriteUInt16LittleEndian(s[34..], (ushort)(bytesPerSample * 8));
        "data"u8.CopyTo(s[36..]);
        BinaryPrimitives.WriteUInt32LittleEndian(s[40..], (uint)dataBytes);
        int pos = 44;
        for (int f = 0; f < Length; f++)
        for (int c = 0; c < channels; c++, pos += bytesPerSample)
        {
            float v = Channels[c][f];
            if (format == WavSampleFormat.Pcm16)
                BinaryPrimitives.WriteInt16LittleEndian(s[pos..], (short)Math.Clamp(MathF.Round(v * 32767f), -32768f, 32767f));
            else
                BinaryPrimitives.WriteSingleLittleEndian(s[pos..], v);
        }
        return bytes;
    }
}
