using FieldForge.Core;
namespace FieldForge.Rendering;

/// <summary>
/// Writes an animated GIF (GIF89a) frame by frame: 256 colours per frame (median cut or a fixed 6x7x6 cube, optional
/// ordered dithering), LZW-compressed, with a per-frame delay and the NETSCAPE2.0 loop extension. Written here so
/// previews and demos need no image packages. Dispose to finish the file.
/// <code>
/// using (var gif = new GifWriter("morph.gif", 256, 256, new GifOptions(FrameDelayMs: 50)))
///     foreach (var frame in frames) gif.AddFrame(frame);
/// </code>
/// </summary>
public sealed class GifWriter : IAnimationWriter
{
    private readonly Stream _stream;
    private readonly bool _ownsStream;
    private readonly byte[]? _fixedPalette;
    private readonly byte[] _indices;
    private bool _finished;

    /// <summary>Creates (or overwrites) a GIF file, creating its folder if needed.</summary>
    public GifWriter(string path, int width, int height, GifOptions? options = null)
        : this(OpenFile(path), width, height, options, ownsStream: true) { }

    /// <summary>Writes to <paramref name="stream"/> (left open on dispose).</summary>
    public GifWriter(Stream stream, int width, int height, GifOptions? options = null) : this(stream, width, height, options, ownsStream: false) { }

    private GifWriter(Stream stream, int width, int height, GifOptions? options, bool ownsStream)
    {
        try
        {
            ArgumentNullException.ThrowIfNull(stream);
            if (width is < 1 or > 65535) throw new ArgumentOutOfRangeException(nameof(width), width, $"width must be 1..65535, got {width}");
            if (height is < 1 or > 65535) throw new ArgumentOutOfRangeException(nameof(height), height, $"height must be 1..65535, got {height}");
            Options = options ?? new GifOptions();
            Options.Validate();
        }
        catch
        {
            if (ownsStream) stream?.Dispose();
            throw;
        }
        _stream = stream; _ownsStream = ownsStream; Width = width; Height = height;
        _indices = new byte[checked(width * height)];
        if (Options.Palette == GifPalette.Fixed676) _fixedPalette = ColorQuantizer.FixedPalette();
        WriteHeader();
    }

    /// <summary>Frame width in pixels.</summary>
    public int Width { get; }
    /// <summary>Frame height in pixels.</summary>
    public int Height { get; }
    /// <summary>The palette, dithering and timing options.</summary>
    public GifOptions Options { get; }
    /// <summary>Frames written so far.</summary>
    public int FrameCount { get; private set; }

    /// <summary>Appends a frame shown for <see cref="GifOptions.FrameDelayMs"/>.</summary>
    public void AddFrame(RgbaImage frame) => AddFrame(frame, Options.FrameDelayMs);

    /// <summary>Appends a frame shown for <paramref name="delayMs"/> milliseconds (rounded to 10 ms, at least 20).</summary>
    public void AddFrame(RgbaImage frame, int delayMs)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        ArgumentNullException.ThrowIfNull(frame);
        if (frame.Width != Width || frame.Height != Height)
            throw new ArgumentException($"frame {FrameCount} is {frame.Width}x{frame.Height} but the GIF is {Width}x{Height}", nameof(frame));
        if (delayMs is < 20 or > 655350) throw new ArgumentOutOfRangeException(nameof(delayMs), delayMs, $"frame delay must be 20..655350 ms, got {delayMs}");

        byte[]? localPalette = null;
        if (_fixedPalette is not null) ColorQuantizer.MapFixed(frame.Pixels, Width, Options.Dither, _indices);
        else
        {
            localPalette = ColorQuantizer.MedianCutPalette(frame.Pixels);
            ColorQuantizer.MapToPalette(frame.Pixels, Width, localPalette, Options.Dither, _indices);
        }

        // Graphic control extension: delay in 1/100 s, disposal 1 (leave the frame; the next one covers it fully).
        int centiseconds = (delayMs + 5) / 10;
        _stream.Write([0x21, 0xF9, 0x04, 0x04, (byte)centiseconds, (byte)(centiseconds >> 8), 0x00, 0x00]);
        // Image descriptor: the whole canvas, with a local 256-entry colour table when the palette is per frame.
        _stream.Write([0x2C, 0, 0, 0, 0, (byte)Width, (byte)(Width >> 8), (byte)Height, (byte)(Height >> 8), (byte)(localPalette is null ? 0x00 : 0x87)]);
        if (localPalette is not null) _stream.Write(localPalette);
        GifLzw.Encode(_indices, _stream);
        FrameCount++;
    }

    private void WriteHeader()
    {
        _stream.Write("GIF89a"u8);
        // Logical screen: 8-bit colour resolution; a global table only for the fixed palette.
        byte packed = (byte)(_fixedPalette is null ? 0x70 : 0xF7);
        _stream.Write([(byte)Width, (byte)(Width >> 8), (byte)Height, (byte)(Height >> 8), packed, 0, 0]);
        if (_fixedPalette is not null) _stream.Write(_fixedPalette);
        if (Options.LoopCount >= 0)
        {
            _stream.Write([0x21, 0xFF, 0x0B]);
            _stream.Write("NETSCAPE2.0"u8);
            _stream.Write([0x03, 0x01, (byte)Options.LoopCount, (byte)(Options.LoopCount >> 8), 0x00]);
        }
    }

    /// <summary>Writes the trailer and closes the file. (With no frames added the file is structurally complete but
    /// shows nothing; it does not throw here, so an exception that stopped the frames is not masked.)</summary>
    public void Dispose()
    {
        if (_finished) return;
        _finished = true;
        try
        {
            _stream.WriteByte(0x3B);
            _stream.Flush();
        }
        finally
        {
            if (_ownsStream) _stream.Dispose();
        }
    }

    /// <summary>Writes all <paramref name="frames"/> to a GIF file in one call.</summary>
    public static void Write(string path, IReadOnlyList<RgbaImage> frames, GifOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(frames);
        if (frames.Count == 0) throw new ArgumentException("a GIF needs at least one frame, got none", nameof(frames));
        using var gif = new GifWriter(path, frames[0].Width, frames[0].Height, options);
        foreach (var frame in frames) gif.AddFrame(frame);
    }

    private static FileStream OpenFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        return new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
    }
}
