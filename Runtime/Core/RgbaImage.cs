using StbImageSharp;
using StbImageWriteSharp;

namespace FieldForge.Core;

/// <summary>
/// An RGBA8 image, row-major with row 0 at the top (the layout PNG files, GIF frames and editor previews use).
/// Renderers return it; <see cref="SavePng"/> and <see cref="LoadPng"/> move it to and from disk.
/// </summary>
public sealed class RgbaImage
{
    /// <summary>Wraps existing pixels (not copied): <paramref name="rgba"/> must hold exactly width*height*4 bytes.</summary>
    public RgbaImage(int width, int height, byte[] rgba)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentNullException.ThrowIfNull(rgba);
        if ((long)width * height * 4 != rgba.Length)
            throw new ArgumentException($"rgba must hold width*height*4 = {(long)width * height * 4} bytes for {width}x{height}, got {rgba.Length}", nameof(rgba));
        Width = width; Height = height; Pixels = rgba;
    }

    /// <summary>A new image filled with one colour.</summary>
    public RgbaImage(int width, int height, RgbaColor fill) : this(width, height, NewPixels(width, height)) => Clear(fill);

    /// <summary>Width in pixels.</summary>
    public int Width { get; }
    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>The pixels, 4 bytes (R, G, B, A) per pixel, top row first. Writable: renderers draw into it.</summary>
    public byte[] Pixels { get; }

    /// <summary>The pixel at column <paramref name="x"/> and row <paramref name="y"/> (row 0 is the top); bounds-checked.</summary>
    public RgbaColor this[int x, int y]
    {
        get
        {
            CheckInside(x, y);
            int i = (y * Width + x) * 4;
            return new RgbaColor(Pixels[i], Pixels[i + 1], Pixels[i + 2], Pixels[i + 3]);
        }
        set
        {
            CheckInside(x, y);
            int i = (y * Width + x) * 4;
            Pixels[i] = value.R; Pixels[i + 1] = value.G; Pixels[i + 2] = value.B; Pixels[i + 3] = value.A;
        }
    }

    /// <summary>Sets every pixel to <paramref name="color"/>.</summary>
    public void Clear(RgbaColor color)
    {
        var span = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, uint>(Pixels.AsSpan());
        span.Fill(BitConverter.IsLittleEndian
            ? (uint)(color.R | color.G << 8 | color.B << 16 | color.A << 24)
            : (uint)(color.A | color.B << 8 | color.G << 16 | color.R << 24));
    }

    /// <summary>The image as PNG file bytes (RGBA, 8 bits per channel).</summary>
    public byte[] EncodePng()
    {
        using var stream = new MemoryStream();
        new ImageWriter().WritePng(Pixels, Width, Height, StbImageWriteSharp.ColorComponents.RedGreenBlueAlpha, stream);
        return stream.ToArray();
    }

    /// <summary>Writes the image as a PNG file atomically (an existing file survives any failure), creating the folder.</summary>
    public void SavePng(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        AtomicFile.WriteAllBytes(path, EncodePng());
    }

    /// <summary>An opaque image from RGB floats in [0, 1] (clamped; row-major, interleaved, top row first).</summary>
    public static RgbaImage FromRgbFloats(int width, int height, ReadOnlySpan<float> rgb)
    {
        if (rgb.Length != (long)width * height * 3) throw new ArgumentException($"rgb must hold {width}x{height}x3 floats, got {rgb.Length}", nameof(rgb));
        var pixels = NewPixels(width, height);
        for (int i = 0, o = 0; i < rgb.Length; i += 3, o += 4)
        {
            pixels[o] = ToByte(rgb[i]); pixels[o + 1] = ToByte(rgb[i + 1]); pixels[o + 2] = ToByte(rgb[i + 2]); pixels[o + 3] = 255;
        }
        return new RgbaImage(width, height, pixels);

        static byte ToByte(float v) => (byte)Math.Clamp(MathF.Round(v * 255f), 0f, 255f); // NaN clamps to 0
    }

    /// <summary>The RGB channels as floats in [0, 1] (row-major, interleaved): what image fitting trains on.</summary>
    public float[] ToRgbFloats()
    {
        var rgb = new float[Width * Height * 3];
        for (int i = 0, o = 0; o < rgb.Length; i += 4, o += 3)
        {
            rgb[o] = Pixels[i] / 255f; rgb[o + 1] = Pixels[i + 1] / 255f; rgb[o + 2] = Pixels[i + 2] / 255f;
        }
        return rgb;
    }

    /// <summary>Reads a PNG (or any format StbImageSharp decodes: JPEG, BMP, TGA, first GIF frame) as RGBA8.</summary>
    /// <exception cref="InvalidDataException">The file is not a readable image.</exception>
    public static RgbaImage LoadPng(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return DecodeImage(File.ReadAllBytes(path), path);
    }

    /// <summary>Decodes image file bytes (PNG, JPEG, BMP, TGA, first GIF frame) to RGBA8.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a readable image.</exception>
    public static RgbaImage DecodeImage(byte[] fileBytes, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(fileBytes);
        ImageResult result;
        try { result = ImageResult.FromMemory(fileBytes, StbImageSharp.ColorComponents.RedGreenBlueAlpha); }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InvalidDataException($"'{name ?? "image"}' is not a readable image ({e.Message})", e);
        }
        return new RgbaImage(result.Width, result.Height, result.Data);
    }

    /// <summary>A deep copy (renderers reuse their buffers; copy a frame before keeping it).</summary>
    public RgbaImage Clone() => new(Width, Height, (byte[])Pixels.Clone());

    private static byte[] NewPixels(int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        return new byte[checked(width * height * 4)];
    }

    private void CheckInside(int x, int y)
    {
        if ((uint)x >= (uint)Width) throw new ArgumentOutOfRangeException(nameof(x), x, $"x must be 0..{Width - 1}");
        if ((uint)y >= (uint)Height) throw new ArgumentOutOfRangeException(nameof(y), y, $"y must be 0..{Height - 1}");
    }
}
