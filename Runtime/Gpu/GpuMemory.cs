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

    public void Release(GpuBuffer buffer, MemoryAllocation allocation)
    {
        _context.WaitForPendingWork(); // a kernel in flight may still use it
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

    private GpuBuffer<byte> Staging() => _staging ??= new GpuBuffer<byte>(_context, 16 << 20, BufferLocation.HostVisible, "staging");

    /// <summary>Frees the staging buffer (before the leak check), then every block.</summary>
    public void DisposeStaging()
    {
        _staging?.Dispose();
        _staging = null;
    }

    public void Dispose() => _allocator.Dispose();
}
