using System.Runtime.CompilerServices;
using Silk.NET.Vulkan;
using VkBuffer = Silk.NET.Vulkan.Buffer;

namespace FieldForge.Gpu;

/// <summary>Untyped view of a GPU buffer: what kernels bind. Owned by exactly one <see cref="GpuContext"/>.</summary>
public abstract unsafe class GpuBuffer : IDisposable
{
    private readonly MemoryAllocation _allocation;
    private bool _disposed;

    private protected GpuBuffer(GpuContext context, ulong byteSize, BufferLocation location, string label, GpuBufferUsage usage = GpuBufferUsage.Storage)
    {
        Context = context;
        ByteSize = byteSize;
        Location = location;
        Label = label;
        Usage = usage;
        (Handle, _allocation) = context.CreateBufferHandle(Math.Max(byteSize, 16), location, usage);
        context.Track(this);
    }

    /// <summary>The context that owns the buffer's memory.</summary>
    public GpuContext Context { get; }
    /// <summary>Size in bytes.</summary>
    public ulong ByteSize { get; }
    /// <summary>Whether the buffer lives in device-local or host-visible memory.</summary>
    public BufferLocation Location { get; }
    /// <summary>Free text used in error and leak messages.</summary>
    public string Label { get; }
    /// <summary>True once <see cref="Dispose"/> has run; a disposed buffer may not be bound or copied.</summary>
    public bool IsDisposed => _disposed;
    internal VkBuffer Handle { get; }

    /// <summary>The uses beyond compute storage this buffer was created for.</summary>
    public GpuBufferUsage Usage { get; }

    /// <summary>The VkBuffer, for a renderer that binds it (a game sharing the device). Valid until <see cref="Dispose"/>.</summary>
    public VkBuffer NativeHandle { get { ThrowIfDisposed(); return Handle; } }

    /// <summary>The VkDeviceMemory the buffer is bound to and its byte offset there (buffers are sub-allocated).</summary>
    public (DeviceMemory Memory, ulong Offset) NativeMemory { get { ThrowIfDisposed(); return (_allocation.Block.Memory, _allocation.Offset); } }
    internal byte* MappedPointer => _allocation.Mapped;

    private readonly object _viewGate = new();
    private BufferView? _texelView;
    internal BufferView? TexelViewOrNull => _texelView;

    /// <summary>The RGBA32F view kernels bind for a texel-buffer binding, created on first use and destroyed with the buffer.</summary>
    internal BufferView TexelView
    {
        get
        {
            lock (_viewGate)
            {
                ThrowIfDisposed();
                if ((Usage & GpuBufferUsage.TexelBuffer) == 0)
                    throw new InvalidOperationException($"GPU buffer '{Label}' is bound as a texel buffer but was not created with GpuBufferUsage.TexelBuffer");
                if (ByteSize / 16 > Context.DeviceInfo.MaxTexelBufferElements)
                    throw new InvalidOperationException($"GPU buffer '{Label}' ({ByteSize} B) spans more texels than the device's maxTexelBufferElements ({Context.DeviceInfo.MaxTexelBufferElements})");
                return _texelView ??= Context.CreateTexelView(this);
            }
        }
    }

    internal void ThrowIfDisposed()
    {
        if (_disposed) throw new ObjectDisposedException(Label, $"GPU buffer '{Label}' was used after Dispose()");
    }

    /// <summary>Returns the buffer's memory to its allocator. Safe to call twice.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        Context.Release(this, _allocation);
        GC.SuppressFinalize(this);
    }
}

/// <summary>
/// A typed GPU buffer of <typeparamref name="T"/> (an unmanaged struct laid out like the shader's std430 data).
/// Upload and Download are bounds-checked and wait for in-flight GPU work, so the host never races a kernel.
/// </summary>
public sealed unsafe class GpuBuffer<T> : GpuBuffer where T : unmanaged
{
    internal GpuBuffer(GpuContext context, long length, BufferLocation location, string? label, GpuBufferUsage usage = GpuBufferUsage.Storage)
        : base(context, checked((ulong)length * (ulong)sizeof(T)), location, label ?? $"GpuBuffer<{typeof(T).Name}>[{length}]", usage)
    {
        Length = length;
    }

    /// <summary>Number of elements.</summary>
    public long Length { get; }

    /// <summary>Copies <paramref name="data"/> into the buffer starting at element <paramref name="offset"/>.</summary>
    public void Upload(ReadOnlySpan<T> data, long offset = 0)
    {
        ThrowIfDisposed();
        CheckRange(offset, data.Length, "Upload");
        if (data.Length == 0) return;
        Context.Write(this, (ulong)offset * (ulong)sizeof(T), MemoryMarshalBytes(data));
    }

    /// <summary>Copies elements starting at <paramref name="offset"/> into <paramref name="destination"/> (its whole length).</summary>
    public void Download(Span<T> destination, long offset = 0)
    {
        ThrowIfDisposed();
        CheckRange(offset, destination.Length, "Download");
        if (destination.Length == 0) return;
        Context.Read(this, (ulong)offset * (ulong)sizeof(T), System.Runtime.InteropServices.MemoryMarshal.AsBytes(destination));
    }

    /// <summary>
    /// Reads element <paramref name="index"/> of a <see cref="BufferLocation.HostVisible"/> buffer straight from its
    /// mapped memory: no copy, no transfer, no wait. For small status words (counts, overflow flags) that a batch which
    /// has already completed wrote; the caller guarantees that ordering. Not counted in
    /// <see cref="GpuContext.BytesReadBack"/>, which counts downloads (copies through the context).
    /// </summary>
    public T ReadMapped(long index)
    {
        ThrowIfDisposed();
        CheckRange(index, 1, "ReadMapped");
        if (MappedPointer == null) throw new InvalidOperationException($"'{Label}' is not host-mapped; create it with BufferLocation.HostVisible to read it in place");
        return ((T*)MappedPointer)[index];
    }

    /// <summary>Downloads the whole buffer into a new array.</summary>
    public T[] ToArray()
    {
        if (Length > Array.MaxLength) throw new InvalidOperationException($"'{Label}' has {Length} elements, more than one array can hold; use Download with an offset");
        var result = new T[Length];
        Download(result);
        return result;
    }

    private void CheckRange(long offset, int count, string operation)
    {
        if (offset < 0 || offset > Length || count > Length - offset)
            throw new ArgumentOutOfRangeException(nameof(offset),
                $"{operation} of {count} elements at offset {offset} is outside '{Label}' (length {Length})");
    }

    private static ReadOnlySpan<byte> MemoryMarshalBytes(ReadOnlySpan<T> data) => System.Runtime.InteropServices.MemoryMarshal.AsBytes(data);

    /// <inheritdoc/>
    public override string ToString() => Label;
}
