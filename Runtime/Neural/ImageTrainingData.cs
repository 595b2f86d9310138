using FieldForge.Core;
using System.Runtime.InteropServices;
using FieldForge.Gpu;

namespace FieldForge.Neural;

/// <summary>
/// Image fitting data: uniform random positions in [0,1]^2 with the bilinearly interpolated colour there (texel
/// centres at (i + 0.5) / width, y down). Holds the image as floats in [0, 1] on the GPU.
/// </summary>
public sealed class ImageTrainingData : ITrainingData
{
    internal static readonly KernelSpec SampleSpec = new("fit_image_sample", Buffers: 3, PushConstantBytes: 24);

    [StructLayout(LayoutKind.Sequential)]
    private record struct SamplePush(uint Count, uint Width, uint Height, uint Channels, uint Seed, uint Step);

    private readonly GpuBuffer<float> _image;

    /// <summary>Uploads a row-major, channel-interleaved image with values in [0, 1].</summary>
    public ImageTrainingData(GpuContext gpu, int width, int height, int channels, ReadOnlySpan<float> pixels)
    {
        ArgumentNullException.ThrowIfNull(gpu);
        if (width < 1 || height < 1) throw new ArgumentOutOfRangeException(nameof(width), $"image must be at least 1x1, got {width}x{height}");
        if (channels is < 1 or > 4) throw new ArgumentOutOfRangeException(nameof(channels), $"channels must be 1..4, got {channels}");
        if (pixels.Length != (long)width * height * channels)
            throw new ArgumentException($"pixels must hold {width}x{height}x{channels} = {(long)width * height * channels} floats, got {pixels.Length}");
        for (int i = 0; i < pixels.Length; i++)
            if (!float.IsFinite(pixels[i])) throw new ArgumentException($"pixel value {i} is {pixels[i]}; pixels must be finite");
        Width = width; Height = height; Channels = channels;
        Pixels = pixels.ToArray();
        _image = gpu.CreateBuffer(pixels, BufferLocation.DeviceLocal, "training image");
    }

    /// <summary>Loads a PNG/JPEG/BMP/TGA (<see cref="RgbaImage.LoadPng"/>) as RGB floats in [0, 1].</summary>
    public static ImageTrainingData FromFile(GpuContext gpu, string path)
    {
        var (w, h, rgb) = LoadRgb(path);
        return new ImageTrainingData(gpu, w, h, 3, rgb);
    }

    /// <summary>Reads an image file as RGB floats in [0, 1] (row-major, interleaved); clear errors for missing or unreadable files.</summary>
    public static (int Width, int Height, float[] Rgb) LoadRgb(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"image '{path}' does not exist", path);
        var image = RgbaImage.LoadPng(path);
        return (image.Width, image.Height, image.ToRgbFloats());
    }

    /// <summary>Image width in pixels.</summary>
    public int Width { get; }
    /// <summary>Image height in pixels.</summary>
    public int Height { get; }
    /// <summary>Channels per pixel.</summary>
    public int Channels { get; }
    /// <summary>The image on the CPU (row-major, interleaved, [0, 1]).</summary>
    public float[] Pixels { get; }

    /// <inheritdoc/>
    public int InputDimensions => 2;
    /// <inheritdoc/>
    public int OutputDimensions => Channels;

    /// <inheritdoc/>
    public void RecordSample(CommandBatch batch, GpuBuffer<float> points, GpuBuffer<float> targets, int count, uint seed, int step)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (points.Length < 2L * count || targets.Length < (long)Channels * count)
            throw new ArgumentException($"points/targets buffers too small for a batch of {count}");
        if (count == 0) return;
        var push = new SamplePush((uint)count, (uint)Width, (uint)Height, (uint)Channels, seed, (uint)step);
        batch.DispatchThreads(batch.Context.GetKernel(SampleSpec), push, count, _image, points, targets);
    }

    /// <summary>Frees the image buffer on the GPU.</summary>
    public void Dispose() => _image.Dispose();
}
