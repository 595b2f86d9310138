using Silk.NET.Vulkan;
using VkBuffer = Silk.NET.Vulkan.Buffer;

namespace FieldForge.Gpu;

/// <summary>
/// Memory and transfers: buffers sub-allocated from large blocks, the live-buffer registry (leak checks), and host
/// reads/writes (direct through a mapping where the device allows it, else through a staging buffer). Thread-safe.
/// </summary>
internal sealed unsafe class GpuMemory : IDisposable
{
    private readonly GpuContext _context;
    private readonly VulkanDevice _vk;
    private readonly MemoryAllocator _allocator;
    private readonly HashSet<GpuBuffer> _liveBuffers = new();
    private readonly object _gate = new();
    private readonly object _stagingGate = new();
    private GpuBuffer<byte>? _staging;

    public GpuMemory(GpuContext context, VulkanDevice vk)
    {
        _context = context; _vk = vk;
        _allocator = new MemoryAllocator(vk.Api, vk.PhysicalDevice, vk.Device);
    }

    private Vk Api => _vk.Api;
    private Device Device => _vk.Device;
    public int BlockCount { get { lock (_gate) return _allocator.BlockCount; } }
    public int LiveBufferCount { get { lock (_gate) return _liveBuffers.Count; } }
    public GpuBuffer[] LiveBuffers() { lock (_gate) return _liveBuffers.ToArray(); }

    internal (VkBuffer, MemoryAllocation) CreateBufferHandle(ulong bytes, BufferLocation location, GpuBufferUsage usage)
    {
        var flags = BufferUsageFlags.StorageBufferBit | BufferUsageFlags.TransferSrcBit | BufferUsageFlags.TransferDstBit;
        if ((usage & GpuBufferUsage.Vertex) != 0) flags |= BufferUsageFlags.VertexBufferBit;
        if ((usage & GpuBufferUsage.Index) != 0) flags |= BufferUsageFlags.IndexBufferBit;
        if ((usage & GpuBufferUsage.Indirect) != 0) flags |= BufferUsageFlags.IndirectBufferBit;
        if ((usage & GpuBufferUsage.TexelBuffer) != 0) flags |= BufferUsageFlags.UniformTexelBufferBit;
        var info = new BufferCreateInfo
        {
            SType = StructureType.BufferCreateInfo, Size = bytes, SharingMode = SharingMode.Exclusive,
            Usage = flags,
        };
        VkBuffer buffer;
        VulkanResult.Check(Api.CreateBuffer(Device, &info, null, &buffer));
        MemoryRequirements req;
        Api.GetBufferMemoryRequirements(Device, buffer, &req);
        MemoryAllocation allocation;
        try
        {
            lock (_gate) allocation = location == BufferLocation.HostVisible
                ? _allocator.Allocate(req, MemoryPropertyFlags.HostCachedBit, MemoryPropertyFlags.HostVisibleBit | MemoryPropertyFlags.HostCoherentBit)
                : _allocator.Allocate(req, MemoryPropertyFlags.DeviceLocalBit, MemoryPropertyFlags.None);
            VulkanResult.Check(Api.BindBufferMemory(Device, buffer, allocation.Block.Memory, allocation.Offset));
        }
        catch
        {
            Api.DestroyBuffer(Device, buffer, null);
            throw;
        }
        return (buffer, allocation);
    }

    public void Track(GpuBuffer buffer) { lock (_gate) _liveBuffers.Add(buffer); }

    /// <summary>An RGBA32F view of the whole buffer (whole 16-byte texels) for uniform texel buffer bindings.</summary>
    public BufferView CreateTexelView(GpuBuffer buffer)
    {
        var info = new BufferViewCreateInfo
        {
            SType = StructureType.BufferViewCreateInfo, Buffer = buffer.Handle, Format = Format.R32G32B32A32Sfloat,
            Offset = 0, Range = buffer.ByteSize / 16 * 16,
        };
        BufferView view;
        VulkanResult.Check(Api.CreateBufferView(Device, &info, null, &view));
        return view;
    }

    // Before destroying a resource: our batches in flight may use it, and on a lent device so may the game's own
    // submissions (it draws our vertex buffers and samples our images after our frame). Those are not ours to wait on
    // one by one, so a shared queue is drained under its lock. Destruction is rare (resize, source change), never per frame.
    private void WaitUntilUnused()
    {
        _context.WaitForPendingWork();
        if (_context.IsSharedDevice) _context.WaitForQueueIdle();
    }

    public void Release(GpuBuffer buffer, MemoryAllocation allocation)
    {
        WaitUntilUnused(); // a kernel in flight (or a sharing game's draw) may still use it
        if (buffer.TexelViewOrNull is { } view) Api.DestroyBufferView(Device, view, null);
        Api.DestroyBuffer(Device, buffer.Handle, null);
        lock (_gate)
        {
            _allocator.Free(allocation);
            _liveBuffers.Remove(buffer);
        }
    }

    public void Write(GpuBuffer buffer, ulong byteOffset, ReadOnlySpan<byte> bytes)
    {
        _context.WaitForPendingWork();
        if (buffer.MappedPointer != null)
        {
            bytes.CopyTo(new Span<byte>(buffer.MappedPointer + byteOffset, bytes.Length));
            return;
        }
        lock (_stagingGate)
        {
        var staging = Staging();
        for (int done = 0; done < bytes.Length;)
        {
            int chunk = (int)Math.Min((ulong)(bytes.Length - done), staging.ByteSize);
            bytes.Slice(done, chunk).CopyTo(new Span<byte>(staging.MappedPointer, chunk));
            using var batch = _context.BeginBatch();
            batch.CopyBytes(staging, 0, buffer, byteOffset + (ulong)done, (ulong)chunk);
            batch.Submit();
            done += chunk;
        }
        }
    }

    public void Read(GpuBuffer buffer, ulong byteOffset, Span<byte> bytes)
    {
        _context.WaitForPendingWork();
        if (buffer.MappedPointer != null)
        {
            new ReadOnlySpan<byte>(buffer.MappedPointer + byteOffset, bytes.Length).CopyTo(bytes);
            return;
        }
        lock (_stagingGate)
        {
        var staging = Staging();
        for (int done = 0; done < bytes.Length;)
        {
            int chunk = (int)Math.Min((ulong)(bytes.Length - done), staging.ByteSize);
            using (var batch = _context.BeginBatch())
            {
                batch.CopyBytes(buffer, byteOffset + (ulong)done, staging, 0, (ulong)chunk);
                batch.Submit();
            }
            new ReadOnlySpan<byte>(staging.MappedPointer, chunk).CopyTo(bytes.Slice(done, chunk));
            done += chunk;
        }
        }
    }

    // ---- images ---------------------------------------------------------------------------------------------------

    private readonly HashSet<GpuImage> _liveImages = new();
    private PipelineStageFlags _imageReadStages;

    public int LiveImageCount { get { lock (_gate) return _liveImages.Count; } }
    public GpuImage[] LiveImages() { lock (_gate) return _liveImages.ToArray(); }

    /// <summary>The shader stages an image write is made visible to: vertex, fragment and compute when the queue can do
    /// graphics (a game samples the image on it), compute only on a compute-only queue (naming graphics stages in a
    /// barrier there is invalid).</summary>
    public PipelineStageFlags ImageReadStages
    {
        get
        {
            if (_imageReadStages != 0) return _imageReadStages;
            uint count = 0;
            Api.GetPhysicalDeviceQueueFamilyProperties(_vk.PhysicalDevice, &count, null);
            var families = new QueueFamilyProperties[count];
            fixed (QueueFamilyProperties* f = families) Api.GetPhysicalDeviceQueueFamilyProperties(_vk.PhysicalDevice, &count, f);
            bool graphics = _vk.QueueFamily < count && (families[_vk.QueueFamily].QueueFlags & QueueFlags.GraphicsBit) != 0;
            return _imageReadStages = graphics
                ? PipelineStageFlags.VertexShaderBit | PipelineStageFlags.FragmentShaderBit | PipelineStageFlags.ComputeShaderBit
                : PipelineStageFlags.ComputeShaderBit;
        }
    }

    /// <summary>A 2D, single-mip, optimally tiled image (sampled, transfer source and destination) in device-local
    /// memory from the shared blocks, plus a colour view of it.</summary>
    internal (Image, ImageView, MemoryAllocation) CreateImageHandle(uint width, uint height, Format format)
    {
        FormatProperties properties;
        Api.GetPhysicalDeviceFormatProperties(_vk.PhysicalDevice, format, &properties);
        var needed = FormatFeatureFlags.SampledImageBit | FormatFeatureFlags.TransferSrcBit | FormatFeatureFlags.TransferDstBit;
        if ((properties.OptimalTilingFeatures & needed) != needed)
            throw new GpuException($"the device cannot sample, copy into and copy from optimally tiled {format} images (it supports {properties.OptimalTilingFeatures})");
        var info = new ImageCreateInfo
        {
            SType = StructureType.ImageCreateInfo, ImageType = ImageType.Type2D, Format = format, Extent = new Extent3D(width, height, 1),
            MipLevels = 1, ArrayLayers = 1, Samples = SampleCountFlags.Count1Bit, Tiling = ImageTiling.Optimal,
            Usage = ImageUsageFlags.SampledBit | ImageUsageFlags.TransferDstBit | ImageUsageFlags.TransferSrcBit,
            SharingMode = SharingMode.Exclusive, InitialLayout = ImageLayout.Undefined,
        };
        Image image;
        VulkanResult.Check(Api.CreateImage(Device, &info, null, &image));
        MemoryAllocation allocation = default;
        bool allocated = false;
        try
        {
            MemoryRequirements req;
            Api.GetImageMemoryRequirements(Device, image, &req);
            lock (_gate) allocation = _allocator.Allocate(req, MemoryPropertyFlags.DeviceLocalBit, MemoryPropertyFlags.None, Math.Max(_vk.Limits.BufferImageGranularity, 1));
            allocated = true;
            VulkanResult.Check(Api.BindImageMemory(Device, image, allocation.Block.Memory, allocation.Offset));
            var viewInfo = new ImageViewCreateInfo
            {
                SType = StructureType.ImageViewCreateInfo, Image = image, ViewType = ImageViewType.Type2D, Format = format,
                SubresourceRange = new ImageSubresourceRange(ImageAspectFlags.ColorBit, 0, 1, 0, 1),
            };
            ImageView view;
            VulkanResult.Check(Api.CreateImageView(Device, &viewInfo, null, &view));
            return (image, view, allocation);
        }
        catch
        {
            Api.DestroyImage(Device, image, null);
            if (allocated) lock (_gate) _allocator.Free(allocation);
            throw;
        }
    }

    public void Track(GpuImage image) { lock (_gate) _liveImages.Add(image); }

    public void Release(GpuImage image, Image handle, ImageView view, MemoryAllocation allocation)
    {
        WaitUntilUnused(); // a batch in flight (or a game's draw sampling it) may still use it
        Api.DestroyImageView(Device, view, null);
        Api.DestroyImage(Device, handle, null);
        lock (_gate)
        {
            _allocator.Free(allocation);
            _liveImages.Remove(image);
        }
    }

    /// <summary>Copies the whole image into <paramref name="bytes"/> through the staging buffer, in row bands that fit it.</summary>
    public void ReadImage(GpuImage image, Span<byte> bytes)
    {
        _context.WaitForPendingWork();
        lock (_stagingGate)
        {
            var staging = Staging();
            int rowBytes = image.Width * image.BytesPerTexel;
            int bandRows = (int)Math.Max(1, staging.ByteSize / (ulong)rowBytes);
            for (int row = 0; row < image.Height; row += bandRows)
            {
                int rows = Math.Min(bandRows, image.Height - row);
                using (var batch = _context.BeginBatch())
                {
                    batch.CopyImageRows(image, row, rows, staging, 0);
                    batch.Submit();
                }
                new ReadOnlySpan<byte>(staging.MappedPointer, rows * rowBytes).CopyTo(bytes.Slice(row * rowBytes, rows * rowBytes));
            }
        }
    }

    private GpuBuffer<byte> Staging() => _staging ??= new GpuBuffer<byte>(_context, 16 << 20, BufferLocation.HostVisible, "staging");

    /// <summary>Frees the staging buffer (before the leak check), then every block.</summary>
    public void DisposeStaging()
    {
        _staging?.Dispose();
        _staging = null;
    }

    public void Dispose() => _allocator.Dispose();
}
