using Silk.NET.Vulkan;

namespace FieldForge.Gpu;

/// <summary>A piece of a <see cref="MemoryBlock"/>: where a buffer's bytes live.</summary>
internal readonly record struct MemoryAllocation(MemoryBlock Block, ulong Offset, ulong Size)
{
    public unsafe byte* Mapped => Block.Mapped == null ? null : Block.Mapped + Offset;
}

/// <summary>One vkAllocateMemory result, carved into allocations with a first-fit free list.</summary>
internal sealed unsafe class MemoryBlock
{
    private readonly List<(ulong Offset, ulong Size)> _free = new();

    public MemoryBlock(DeviceMemory memory, uint typeIndex, ulong size, byte* mapped, bool dedicated)
    {
        Memory = memory; TypeIndex = typeIndex; Size = size; Mapped = mapped; Dedicated = dedicated;
        _free.Add((0, size));
    }

    public DeviceMemory Memory { get; }
    public uint TypeIndex { get; }
    public ulong Size { get; }
    public byte* Mapped { get; }
    public bool Dedicated { get; }
    public ulong Used { get; private set; }

    public bool TryAllocate(ulong size, ulong alignment, out ulong offset)
    {
        for (int i = 0; i < _free.Count; i++)
        {
            var (start, length) = _free[i];
            ulong aligned = (start + alignment - 1) / alignment * alignment;
            if (aligned + size > start + length) continue;
            _free.RemoveAt(i);
            if (aligned > start) _free.Insert(i++, (start, aligned - start));
            ulong end = aligned + size;
            if (end < start + length) _free.Insert(i, (end, start + length - end));
            Used += size;
            offset = aligned;
            return true;
        }
        offset = 0;
        return false;
    }

    public void Free(ulong offset, ulong size)
    {
        Used -= size;
        int i = 0;
        while (i < _free.Count && _free[i].Offset < offset) i++;
        _free.Insert(i, (offset, size));
        // Coalesce with the neighbours so the block does not fragment into slivers.
        if (i + 1 < _free.Count && _free[i].Offset + _free[i].Size == _free[i + 1].Offset)
        {
            _free[i] = (_free[i].Offset, _free[i].Size + _free[i + 1].Size);
            _free.RemoveAt(i + 1);
        }
        if (i > 0 && _free[i - 1].Offset + _free[i - 1].Size == _free[i].Offset)
        {
            _free[i - 1] = (_free[i - 1].Offset, _free[i - 1].Size + _free[i].Size);
            _free.RemoveAt(i);
        }
    }
}

/// <summary>
/// Sub-allocates buffer memory from 64 MiB blocks per memory type, so creating a buffer is not a vkAllocateMemory
/// call (drivers cap those, and they are slow). Requests larger than half a block get a dedicated allocation.
/// Host-visible blocks stay mapped for their whole life.
/// </summary>
internal sealed unsafe class MemoryAllocator : IDisposable
{
    public const ulong BlockSize = 64ul << 20;
    private readonly Vk _vk;
    private readonly Device _device;
    private readonly PhysicalDeviceMemoryProperties _properties;
    private readonly List<MemoryBlock> _blocks = new();

    public MemoryAllocator(Vk vk, PhysicalDevice physical, Device device)
    {
        _vk = vk; _device = device;
        PhysicalDeviceMemoryProperties props;
        vk.GetPhysicalDeviceMemoryProperties(physical, &props);
        _properties = props;
    }

    public int BlockCount => _blocks.Count;
    public ulong BytesAllocated => _blocks.Aggregate(0ul, (s, b) => s + b.Size);

    /// <summary>Whether the memory type chosen for device-local buffers is also host-visible (UMA, ReBAR, CPU drivers):
    /// then uploads and downloads are plain copies with no staging buffer.</summary>
    public bool DeviceLocalIsHostVisible(uint typeBits) =>
        (_properties.MemoryTypes[(int)FindType(typeBits, MemoryPropertyFlags.DeviceLocalBit, MemoryPropertyFlags.None)].PropertyFlags
         & (MemoryPropertyFlags.HostVisibleBit | MemoryPropertyFlags.HostCoherentBit))
        == (MemoryPropertyFlags.HostVisibleBit | MemoryPropertyFlags.HostCoherentBit);

    public uint FindType(uint typeBits, MemoryPropertyFlags preferred, MemoryPropertyFlags required)
    {
        for (int pass = 0; pass < 2; pass++)
        {
            var want = pass == 0 ? preferred | required : required;
            for (uint i = 0; i < _properties.MemoryTypeCount; i++)
            {
                if ((typeBits & (1u << (int)i)) == 0) continue;
                if ((_properties.MemoryTypes[(int)i].PropertyFlags & want) == want) return i;
            }
        }
        throw new GpuException($"no memory type with {required} among type bits 0x{typeBits:x}");
    }

    /// <summary>Carves <paramref name="req"/> out of a block. <paramref name="granularity"/> &gt; 1 (an optimally tiled
    /// image: bufferImageGranularity) rounds the allocation's start and size to whole granularity pages, so no buffer
    /// shares a page with the image.</summary>
    public MemoryAllocation Allocate(MemoryRequirements req, MemoryPropertyFlags preferred, MemoryPropertyFlags required, ulong granularity = 1)
    {
        uint type = FindType(req.MemoryTypeBits, preferred, required);
        ulong alignment = Math.Max(Math.Max(req.Alignment, 16), granularity);
        if (granularity > 1) req.Size = (req.Size + granularity - 1) / granularity * granularity;
        if (req.Size > BlockSize / 2)
        {
            var dedicated = NewBlock(type, req.Size, dedicated: true);
            dedicated.TryAllocate(req.Size, 1, out _);
            return new MemoryAllocation(dedicated, 0, req.Size);
        }
        foreach (var block in _blocks)
            if (!block.Dedicated && block.TypeIndex == type && block.TryAllocate(req.Size, alignment, out var offset))
                return new MemoryAllocation(block, offset, req.Size);
        var fresh = NewBlock(type, BlockSize, dedicated: false);
        if (!fresh.TryAllocate(req.Size, alignment, out var off)) throw new GpuException("fresh memory block could not hold the allocation");
        return new MemoryAllocation(fresh, off, req.Size);
    }

    public void Free(MemoryAllocation allocation)
    {
        var block = allocation.Block;
        block.Free(allocation.Offset, allocation.Size);
        // Keep one empty shared block per type around to avoid allocate/free churn in loops.
        if (block.Used == 0 && (block.Dedicated || _blocks.Count(b => !b.Dedicated && b.TypeIndex == block.TypeIndex && b.Used == 0) > 1))
            Release(block);
    }

    private MemoryBlock NewBlock(uint type, ulong size, bool dedicated)
    {
        var info = new MemoryAllocateInfo { SType = StructureType.MemoryAllocateInfo, AllocationSize = size, MemoryTypeIndex = type };
        DeviceMemory memory;
        VulkanResult.Check(_vk.AllocateMemory(_device, &info, null, &memory));
        byte* mapped = null;
        if ((_properties.MemoryTypes[(int)type].PropertyFlags & MemoryPropertyFlags.HostVisibleBit) != 0)
        {
            void* p;
            VulkanResult.Check(_vk.MapMemory(_device, memory, 0, Vk.WholeSize, 0, &p));
            mapped = (byte*)p;
        }
        var block = new MemoryBlock(memory, type, size, mapped, dedicated);
        _blocks.Add(block);
        return block;
    }

    private void Release(MemoryBlock block)
    {
        if (block.Mapped != null) _vk.UnmapMemory(_device, block.Memory);
        _vk.FreeMemory(_device, block.Memory, null);
        _blocks.Remove(block);
    }

    public void Dispose()
    {
        foreach (var block in _blocks.ToArray()) Release(block);
    }
}
