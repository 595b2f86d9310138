using Silk.NET.Vulkan;

namespace FieldForge.Gpu;

/// <summary>
/// Submission: command pools (one per recording thread, since Vulkan pools are externally synchronised), fences of
/// batches in flight, and descriptor pools batches rent. Every queue operation happens under the device's queue lock,
/// so several threads (and a game sharing the queue) can submit.
/// </summary>
internal sealed unsafe class QueueSubmitter : IDisposable
{
    private readonly VulkanDevice _vk;
    // Keyed by the fence's handle: Silk's Fence struct is not IEquatable, so a Fence key would box on every lookup.
    private readonly Dictionary<ulong, CommandBatch> _pending = new();
    private readonly Stack<DescriptorPool> _freePools = new();
    private readonly List<DescriptorPool> _allPools = new();
    private readonly object _gate = new();
    private readonly ThreadLocal<ThreadCommandPool> _threadPools;

    public QueueSubmitter(VulkanDevice vk)
    {
        _vk = vk;
        _threadPools = new ThreadLocal<ThreadCommandPool>(CreatePool, trackAllValues: true);
    }

    private Vk Api => _vk.Api;
    private Device Device => _vk.Device;

    /// <summary>The calling thread's command pool. A batch allocates, records and frees its command buffer through it,
    /// under its <see cref="ThreadCommandPool.Lock"/> (a batch may be disposed on another thread).</summary>
    public ThreadCommandPool CurrentPool => _threadPools.Value!;

    private ThreadCommandPool CreatePool()
    {
        var poolInfo = new CommandPoolCreateInfo
        {
            SType = StructureType.CommandPoolCreateInfo, QueueFamilyIndex = _vk.QueueFamily, Flags = CommandPoolCreateFlags.ResetCommandBufferBit,
        };
        CommandPool pool;
        VulkanResult.Check(Api.CreateCommandPool(Device, &poolInfo, null, &pool));
        return new ThreadCommandPool(pool);
    }

    /// <summary>Submits <paramref name="commands"/> signalling <paramref name="fence"/> (the batch's own, reused
    /// across restarts, so a frame creates no Vulkan objects).</summary>
    public void Submit(CommandBuffer commands, Fence fence, CommandBatch owner)
    {
        var submit = new SubmitInfo { SType = StructureType.SubmitInfo, CommandBufferCount = 1, PCommandBuffers = &commands };
        lock (_vk.QueueLock) VulkanResult.Check(Api.QueueSubmit(_vk.Queue, 1, &submit, fence));
        lock (_gate) _pending[fence.Handle] = owner;
    }

    public void Wait(Fence fence)
    {
        lock (_gate) if (!_pending.Remove(fence.Handle)) return;
        VulkanResult.Check(Api.WaitForFences(Device, 1, &fence, true, ulong.MaxValue));
    }

    /// <summary>Blocks until every batch submitted so far finished.</summary>
    public void WaitForAll()
    {
        // A pooled snapshot: every read-back and upload passes here, and a game frame that reads back must not allocate.
        CommandBatch[] batches;
        int count;
        lock (_gate)
        {
            count = _pending.Count;
            if (count == 0) return;
            batches = System.Buffers.ArrayPool<CommandBatch>.Shared.Rent(count);
            _pending.Values.CopyTo(batches, 0);
        }
        try
        {
            for (int i = 0; i < count; i++) batches[i].Wait();
        }
        finally { System.Buffers.ArrayPool<CommandBatch>.Shared.Return(batches, clearArray: true); }
    }

    public DescriptorPool RentDescriptorPool()
    {
        lock (_gate)
        {
            if (_freePools.TryPop(out var pool)) return pool;
            var sizes = stackalloc DescriptorPoolSize[]
            {
                new() { Type = DescriptorType.StorageBuffer, DescriptorCount = 2048 },
                new() { Type = DescriptorType.UniformTexelBuffer, DescriptorCount = 256 },
            };
            var info = new DescriptorPoolCreateInfo { SType = StructureType.DescriptorPoolCreateInfo, MaxSets = 256, PoolSizeCount = 2, PPoolSizes = sizes };
            VulkanResult.Check(Api.CreateDescriptorPool(Device, &info, null, &pool));
            _allPools.Add(pool);
            return pool;
        }
    }

    public void ReturnDescriptorPool(DescriptorPool pool)
    {
        lock (_gate)
        {
            VulkanResult.Check(Api.ResetDescriptorPool(Device, pool, 0));
            _freePools.Push(pool);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var p in _allPools) Api.DestroyDescriptorPool(Device, p, null);
            _allPools.Clear();
            foreach (var pool in _threadPools.Values) Api.DestroyCommandPool(Device, pool.Pool, null);
            _threadPools.Dispose();
        }
    }
}

/// <summary>A command pool and the lock that guards it (Vulkan requires external synchronisation of a pool).</summary>
internal sealed record ThreadCommandPool(CommandPool Pool)
{
    public object Lock { get; } = new();
}
