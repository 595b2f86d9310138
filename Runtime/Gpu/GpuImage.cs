using Silk.NET.Vulkan;

namespace FieldForge.Gpu;

/// <summary>
/// A 2D Vulkan image that FieldForge writes and a renderer samples as a texture (a noise height map or its colour
/// ramp). Create with <see cref="GpuContext.CreateImage"/>, write it in a batch with
/// <see cref="CommandBatch.CopyToImage"/>, then bind <see cref="NativeView"/> in the game's descriptor sets.
/// <para>Synchronisation: every write ends with a barrier that moves the image to <see cref="Layout"/>
/// (VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL) and makes it visible to <see cref="ReadStages"/> with shader-read access,
/// so a renderer that submits on the same queue after the writing batch needs no barrier of its own. A renderer on
/// another queue waits (semaphore or fence) for that batch and, if it transfers ownership itself, uses
/// <see cref="WriteStage"/>/<see cref="WriteAccess"/> as the source scope. The next write waits for earlier reads at
/// <see cref="ReadStages"/> on the same queue.</para>
/// Owned by exactly one <see cref="GpuContext"/>; dispose it before the context (a leak is reported otherwise).
/// </summary>
public sealed unsafe class GpuImage : IDisposable
{
    private readonly MemoryAllocation _allocation;
    private readonly Image _image;
    private readonly ImageView _view;
    private bool _disposed;

    internal GpuImage(GpuContext context, int width, int height, GpuImageFormat format, string label)
    {
        Context = context;
        Width = width;
        Height = height;
        Format = format;
        Label = label;
        (_image, _view, _allocation) = context.CreateImageHandle((uint)width, (uint)height, NativeFormatOf(format));
        ReadStages = context.ImageReadStages;
        context.Track(this);
    }

    /// <summary>The context that owns the image's memory.</summary>
    public GpuContext Context { get; }
    /// <summary>Width in texels.</summary>
    public int Width { get; }
    /// <summary>Height in texels.</summary>
    public int Height { get; }
    /// <summary>The texel format.</summary>
    public GpuImageFormat Format { get; }
    /// <summary>The Vulkan format (<see cref="Format"/> as the renderer's image view and sampler see it).</summary>
    public Silk.NET.Vulkan.Format NativeFormat => NativeFormatOf(Format);
    /// <summary>Bytes per texel: 4 for both formats.</summary>
    public int BytesPerTexel => 4;
    /// <summary>Bytes of tightly packed texel data (Width × Height × <see cref="BytesPerTexel"/>): what a copy into the
    /// image reads and <see cref="Download{T}"/> writes.</summary>
    public ulong ByteSize => (ulong)Width * (ulong)Height * (ulong)BytesPerTexel;
    /// <summary>Free text used in error and leak messages.</summary>
    public string Label { get; }
    /// <summary>True once <see cref="Dispose"/> has run.</summary>
    public bool IsDisposed => _disposed;
    /// <summary>Whether a submitted batch has written the image (before that its contents are undefined). A batch that
    /// recorded a copy but was discarded without being submitted does not count.</summary>
    public bool HasContents { get; internal set; }

    /// <summary>The layout the image is in between FieldForge's batches: <c>Undefined</c> until a batch that writes it
    /// was submitted, <c>ShaderReadOnlyOptimal</c> from then on (what a renderer's descriptor names).</summary>
    public ImageLayout Layout => HasContents ? ImageLayout.ShaderReadOnlyOptimal : ImageLayout.Undefined;

    /// <summary>The pipeline stages a write is made visible to, and whose earlier reads the next write waits for:
    /// vertex, fragment and compute shaders, or compute only when the context's queue has no graphics support.</summary>
    public PipelineStageFlags ReadStages { get; }
    /// <summary>The access a write is made visible to at <see cref="ReadStages"/>: shader reads (sampling).</summary>
    public AccessFlags ReadAccess => AccessFlags.ShaderReadBit;
    /// <summary>The stage FieldForge's last write to the image happens in (a transfer), for a renderer that orders its
    /// reads itself, e.g. on another queue.</summary>
    public PipelineStageFlags WriteStage => PipelineStageFlags.TransferBit;
    /// <summary>The access of FieldForge's last write (transfer write), paired with <see cref="WriteStage"/>.</summary>
    public AccessFlags WriteAccess => AccessFlags.TransferWriteBit;

    /// <summary>The VkImage. Valid until <see cref="Dispose"/>.</summary>
    public Image NativeHandle { get { ThrowIfDisposed(); return _image; } }
    /// <summary>A 2D colour view of the whole image (one mip level, one layer), for a sampled-image descriptor.</summary>
    public ImageView NativeView { get { ThrowIfDisposed(); return _view; } }
    /// <summary>The VkDeviceMemory the image is bound to and its byte offset there (images are sub-allocated).</summary>
    public (DeviceMemory Memory, ulong Offset) NativeMemory { get { ThrowIfDisposed(); return (_allocation.Block.Memory, _allocation.Offset); } }

    internal Image Handle => _image;

    /// <summary>Reads the whole image back into <paramref name="destination"/> (exactly <see cref="ByteSize"/> bytes:
    /// float for R32Sfloat, four bytes or one packed uint per texel for RGBA8; rows top to bottom). Waits for pending
    /// GPU work and counts the bytes in <see cref="GpuContext.BytesReadBack"/>: for tests and tools, not per frame.</summary>
    /// <exception cref="InvalidOperationException">No batch has written the image yet.</exception>
    public void Download<T>(Span<T> destination) where T : unmanaged
    {
        ThrowIfDisposed();
        var bytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(destination);
        if ((ulong)bytes.Length != ByteSize)
            throw new ArgumentException($"'{Label}' holds {ByteSize} bytes ({Width}x{Height} {Format}), the destination has {bytes.Length}", nameof(destination));
        if (!HasContents) throw new InvalidOperationException($"'{Label}' has not been written yet; record a copy into it and submit before reading it back");
        Context.ReadImage(this, bytes);
    }

    /// <summary>Reads the whole image back into a new array of <see cref="ByteSize"/> / sizeof(<typeparamref name="T"/>)
    /// elements (see <see cref="Download{T}"/>).</summary>
    public T[] ToArray<T>() where T : unmanaged
    {
        if (ByteSize % (ulong)sizeof(T) != 0) throw new ArgumentException($"{ByteSize} bytes of '{Label}' are not a whole number of {typeof(T).Name}");
        var result = new T[ByteSize / (ulong)sizeof(T)];
        Download<T>(result);
        return result;
    }

    internal static Silk.NET.Vulkan.Format NativeFormatOf(GpuImageFormat format) => format switch
    {
        GpuImageFormat.R32Sfloat => Silk.NET.Vulkan.Format.R32Sfloat,
        GpuImageFormat.R8G8B8A8Unorm => Silk.NET.Vulkan.Format.R8G8B8A8Unorm,
        _ => throw new ArgumentOutOfRangeException(nameof(format), $"image format must be R32Sfloat or R8G8B8A8Unorm, got {format}"),
    };

    internal void ThrowIfDisposed()
    {
        if (_disposed) throw new ObjectDisposedException(Label, $"GPU image '{Label}' was used after Dispose()");
    }

    /// <summary>Waits for GPU work that may use the image, then frees it. Safe to call twice.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        Context.Release(this, _image, _view, _allocation);
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Label} ({Width}x{Height} {Format})";
}
