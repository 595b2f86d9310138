using Silk.NET.Vulkan;
using VkBuffer = Silk.NET.Vulkan.Buffer;

namespace FieldForge.Gpu;

/// <summary>
/// The Vulkan compute core: one instance, device and queue, and everything they own — memory blocks, buffers, the
/// kernel cache (pipelines from the embedded SPIR-V), the pipeline cache persisted to disk, descriptor pools.
/// Disposing it frees all of it. Its parts live in their own types, one concern each: <see cref="VulkanDevice"/>
/// (instance, device, queue), <see cref="GpuMemory"/> (blocks, buffers, transfers), <see cref="KernelCache"/>
/// (pipelines and the persisted pipeline cache) and <see cref="QueueSubmitter"/> (submission and descriptor pools).
/// <code>
/// using var gpu = GpuContext.Create();
/// using var data = gpu.CreateBuffer&lt;float&gt;(values);
/// float total = gpu.Primitives.Sum(data);
/// </code>
/// </summary>
public sealed unsafe class GpuContext : IDisposable
{
    /// <summary>What to install when Vulkan is missing (Debian names; other systems ship the same pieces).</summary>
    public const string InstallHint =
        "FieldForge needs a Vulkan 1.2 loader and driver. On Debian/Ubuntu: apt-get install libvulkan1 mesa-vulkan-drivers " +
        "(lavapipe, a CPU driver, is enough), or your GPU vendor's Vulkan driver; ./ff test and ./ff demo install them.";

    private readonly VulkanDevice _vk;
    private readonly GpuMemory _memory;
    private readonly KernelCache _kernels;
    private readonly QueueSubmitter _submitter;
    private readonly bool _hostMappedDeviceLocal;
    private GpuPrimitives? _primitives;
    private bool _disposed;

    /// <summary>Builds the parts on <paramref name="vk"/>; when any step fails, frees what was built (and the device).</summary>
    private GpuContext(VulkanDevice vk, string? cacheDir)
    {
        _vk = vk;
        try
        {
            _submitter = new QueueSubmitter(vk);
            _memory = new GpuMemory(this, vk);
            _kernels = new KernelCache(vk, cacheDir);
            // Probe once whether device-local memory is host-visible, so transfers can skip staging.
            using (var probe = new GpuBuffer<byte>(this, 16, BufferLocation.DeviceLocal, "probe"))
                _hostMappedDeviceLocal = probe.MappedPointer != null;
        }
        catch
        {
            _kernels?.Dispose();
            _memory?.Dispose();
            _submitter?.Dispose();
            vk.Dispose();
            throw;
        }
    }

    /// <summary>Creates a context on the best device (or the one <paramref name="options"/>/<c>FIELDFORGE_DEVICE</c> names).</summary>
    /// <exception cref="GpuUnavailableException">No Vulkan loader, driver, matching device, or (when asked for) validation layer.</exception>
    public static GpuContext Create(GpuContextOptions? options = null)
    {
        options ??= new GpuContextOptions();
        return new GpuContext(VulkanDevice.Create(options), options.ResolveCacheDirectory());
    }

    /// <summary>
    /// Creates a context on Vulkan objects a game created (instance, physical device, device, queue). FieldForge never
    /// destroys them: disposing the context frees only what FieldForge created on the device. When the game submits
    /// to the same queue, it holds <see cref="QueueLock"/> (or the lock it passed in) around its own submissions.
    /// </summary>
    /// <exception cref="GpuUnavailableException">The device lacks what FieldForge needs (Vulkan 1.2, a compute queue);
    /// the message names it.</exception>
    public static GpuContext CreateShared(VulkanDeviceHandles device, GpuContextOptions? options = null)
    {
        options ??= new GpuContextOptions();
        return new GpuContext(VulkanDevice.Borrow(device, options), options.ResolveCacheDirectory());
    }

    /// <summary>The native handles this context runs on (the game's own when it lent them), for renderers that draw
    /// FieldForge's buffers (<see cref="GpuBuffer.NativeHandle"/>).</summary>
    public VulkanDeviceHandles NativeHandles => _vk.Handles;

    /// <summary>Held around every submission to the queue. A game sharing the queue takes the same lock around its own
    /// vkQueueSubmit/vkQueuePresentKHR/vkQueueWaitIdle.</summary>
    public object QueueLock => _vk.QueueLock;

    /// <summary>Whether the device, queue and instance belong to the game (<see cref="CreateShared"/>).</summary>
    public bool IsSharedDevice => _vk.IsBorrowed;

    internal Vk Api => _vk.Api;
    internal Instance Instance => _vk.Instance;
    internal PhysicalDevice PhysicalDevice => _vk.PhysicalDevice;
    internal Device Device => _vk.Device;
    internal Queue Queue => _vk.Queue;
    internal uint QueueFamily => _vk.QueueFamily;
    internal ThreadCommandPool CurrentCommandPool => _submitter.CurrentPool;
    internal PipelineCache PipelineCache => _kernels.PipelineCache;
    internal double TimestampPeriodNs => _vk.Limits.TimestampPeriod;
    internal uint MaxGroupCountX => _vk.MaxGroupCountX;
    internal uint MaxGroupCountY => _vk.MaxGroupCountY;

    /// <summary>The device this context runs on (print it next to every figure).</summary>
    public GpuDeviceInfo DeviceInfo => _vk.Info;
    /// <summary>Whether the Khronos validation layer and debug messenger are on.</summary>
    public bool ValidationEnabled => _vk.ValidationEnabled;
    /// <summary>Fill, copy, scan and reductions as kernels, shared by every feature.</summary>
    public GpuPrimitives Primitives => _primitives ?? LazyInitializer.EnsureInitialized(ref _primitives, () => new GpuPrimitives(this)); // the lambda allocates: only on first use
    /// <summary>Live buffers owned by this context (for leak checks and the HUD).</summary>
    public int LiveBufferCount => _memory.LiveBufferCount;
    /// <summary>Bytes of the live buffers owned by this context (what a memory estimate is checked against).</summary>
    public long LiveBufferBytes => _memory.LiveBuffers().Sum(b => (long)b.ByteSize);
    /// <summary>Memory blocks currently allocated from the driver.</summary>
    public int MemoryBlockCount => _memory.BlockCount;
    /// <summary>Whether device-local buffers are directly host-mapped on this device (UMA/CPU drivers).</summary>
    public bool DeviceLocalIsHostMapped => _hostMappedDeviceLocal;

    /// <summary>Messages queued by the validation layer (and by FieldForge's own leak checks) since the last drain.</summary>
    public IReadOnlyList<ValidationMessage> DrainValidationMessages()
    {
        var list = new List<ValidationMessage>();
        while (_vk.Messages.TryDequeue(out var m)) list.Add(m);
        return list;
    }

    /// <summary>Every device Vulkan reports, in enumeration order (what <c>FIELDFORGE_DEVICE</c> indexes).</summary>
    public static IReadOnlyList<GpuDeviceInfo> ListDevices()
    {
        using var context = Create(new GpuContextOptions(EnableValidation: false, CacheDirectory: ""));
        return DeviceSelection.Enumerate(context.Api, context.Instance).Select(d => d.Info).ToArray();
    }

    // ---- buffers -------------------------------------------------------------------------------------------------

    /// <summary>Allocates an uninitialised buffer of <paramref name="length"/> elements.</summary>
    public GpuBuffer<T> CreateBuffer<T>(long length, BufferLocation location = BufferLocation.DeviceLocal, string? label = null) where T : unmanaged
        => CreateBuffer<T>(length, location, label, GpuBufferUsage.Storage);

    /// <summary>Allocates an uninitialised buffer a renderer can also use as <paramref name="usage"/> (vertex, index,
    /// indirect arguments), so it draws FieldForge's output without a copy or a read-back.</summary>
    public GpuBuffer<T> CreateBuffer<T>(long length, BufferLocation location, string? label, GpuBufferUsage usage) where T : unmanaged
    {
        ThrowIfDisposed();
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        return new GpuBuffer<T>(this, length, location, label, usage);
    }

    /// <summary>Allocates a buffer holding a copy of <paramref name="data"/>.</summary>
    public GpuBuffer<T> CreateBuffer<T>(ReadOnlySpan<T> data, BufferLocation location = BufferLocation.DeviceLocal, string? label = null) where T : unmanaged
    {
        var buffer = CreateBuffer<T>(data.Length, location, label);
        buffer.Upload(data);
        return buffer;
    }

    internal (VkBuffer, MemoryAllocation) CreateBufferHandle(ulong bytes, BufferLocation location, GpuBufferUsage usage)
    {
        ThrowIfDisposed();
        return _memory.CreateBufferHandle(bytes, location, usage);
    }

    internal void Track(GpuBuffer buffer) => _memory.Track(buffer);

    internal Silk.NET.Vulkan.BufferView CreateTexelView(GpuBuffer buffer) => _memory.CreateTexelView(buffer);

    internal void Release(GpuBuffer buffer, MemoryAllocation allocation)
    {
        if (_disposed) return;
        _memory.Release(buffer, allocation);
    }

    internal void Write(GpuBuffer buffer, ulong byteOffset, ReadOnlySpan<byte> bytes) => _memory.Write(buffer, byteOffset, bytes);

    internal void Read(GpuBuffer buffer, ulong byteOffset, Span<byte> bytes)
    {
        _memory.Read(buffer, byteOffset, bytes);
        Interlocked.Add(ref _bytesReadBack, bytes.Length);
    }

    private long _bytesReadBack;

    /// <summary>Bytes copied from GPU buffers to the host through this context since it was created (every download
    /// path goes through here), so a game loop can measure that it reads nothing back in steady state.</summary>
    public long BytesReadBack => Interlocked.Read(ref _bytesReadBack);

    // ---- images --------------------------------------------------------------------------------------------------

    /// <summary>Allocates a <paramref name="width"/> × <paramref name="height"/> 2D image a renderer samples (and
    /// FieldForge writes with <see cref="CommandBatch.CopyToImage"/>); its contents are undefined until then.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size below 1 or above the device's maxImageDimension2D, or an
    /// unknown format.</exception>
    public GpuImage CreateImage(int width, int height, GpuImageFormat format, string? label = null)
    {
        ThrowIfDisposed();
        uint max = _vk.Limits.MaxImageDimension2D;
        if (width < 1 || height < 1 || (uint)width > max || (uint)height > max)
            throw new ArgumentOutOfRangeException(width < 1 || (uint)width > max ? nameof(width) : nameof(height),
                $"image size must be 1..{max} texels per side (the device's maxImageDimension2D), got {width}x{height}");
        GpuImage.NativeFormatOf(format); // rejects values outside the enum with a clear message
        return new GpuImage(this, width, height, format, label ?? $"GpuImage[{width}x{height} {format}]");
    }

    /// <summary>Live images owned by this context (for leak checks).</summary>
    public int LiveImageCount => _memory.LiveImageCount;

    internal PipelineStageFlags ImageReadStages => _memory.ImageReadStages;

    internal (Image, ImageView, MemoryAllocation) CreateImageHandle(uint width, uint height, Format format) => _memory.CreateImageHandle(width, height, format);

    internal void Track(GpuImage image) => _memory.Track(image);

    internal void Release(GpuImage image, Image handle, ImageView view, MemoryAllocation allocation)
    {
        if (_disposed) return;
        _memory.Release(image, handle, view, allocation);
    }

    internal void ReadImage(GpuImage image, Span<byte> bytes)
    {
        _memory.ReadImage(image, bytes);
        Interlocked.Add(ref _bytesReadBack, bytes.Length);
    }

    // ---- kernels -------------------------------------------------------------------------------------------------

    /// <summary>The names of every kernel embedded in the FieldForge assemblies loaded so far (each layer embeds its own).</summary>
    public static IReadOnlyList<string> KernelNames => SpirvModules.Names;

    /// <summary>The compute pipeline for <paramref name="spec"/>, built once and cached. The shader's bindings and
    /// push-constant block are checked against the spec.</summary>
    public Kernel GetKernel(KernelSpec spec)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(spec);
        return _kernels.Get(spec);
    }

    // ---- batches -------------------------------------------------------------------------------------------------

    /// <summary>Starts recording a batch of dispatches that is submitted once.</summary>
    public CommandBatch BeginBatch()
    {
        ThrowIfDisposed();
        return new CommandBatch(this);
    }

    internal void SubmitCommands(CommandBuffer commands, Fence fence, CommandBatch owner) => _submitter.Submit(commands, fence, owner);

    internal void WaitFence(Fence fence, CommandBatch owner) => _submitter.Wait(fence);

    internal void WaitForQueueIdle()
    {
        lock (QueueLock) VulkanResult.Check(Api.QueueWaitIdle(Queue));
    }

    /// <summary>Blocks until every submitted batch finished.</summary>
    public void WaitForPendingWork() => _submitter.WaitForAll();

    internal DescriptorPool RentDescriptorPool() => _submitter.RentDescriptorPool();

    internal void ReturnDescriptorPool(DescriptorPool pool) => _submitter.ReturnDescriptorPool(pool);

    // ---- lifetime ------------------------------------------------------------------------------------------------

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    /// <summary>Waits for the GPU, reports buffers nobody disposed (as validation warnings), and frees everything this
    /// context created. A borrowed device (the game's) is left running.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        WaitForPendingWork();
        // Not vkDeviceWaitIdle: on a shared device that would race the game's queues. Our own work is on our queue.
        lock (QueueLock) VulkanResult.Check(Api.QueueWaitIdle(Queue));
        _memory.DisposeStaging();
        _primitives?.Dispose();
        foreach (var leaked in _memory.LiveImages())
        {
            _vk.Messages.Enqueue(new ValidationMessage(ValidationSeverity.Warning, $"FieldForge: image '{leaked.Label}' was not disposed before its GpuContext"));
            leaked.Dispose();
        }
        foreach (var leaked in _memory.LiveBuffers())
        {
            _vk.Messages.Enqueue(new ValidationMessage(ValidationSeverity.Warning, $"FieldForge: '{leaked.Label}' was not disposed before its GpuContext"));
            leaked.Dispose();
        }
        _disposed = true;
        _kernels.Dispose();
        _submitter.Dispose();
        _memory.Dispose();
        _vk.Dispose();
    }

    /// <summary>The device's description.</summary>
    public override string ToString() => DeviceInfo.ToString();
}
