using Silk.NET.Vulkan;
using VkBuffer = Silk.NET.Vulkan.Buffer;

namespace FieldForge.Gpu;

/// <summary>
/// Records many dispatches and submits them once. Barriers are inserted automatically: the batch knows which
/// bindings each kernel writes (from its SPIR-V), so a dispatch that reads what an earlier one wrote (or writes
/// what an earlier one touched) gets a memory barrier, and independent dispatches get none.
/// A batch is recorded, <see cref="Submit"/>ted, its <see cref="Timings"/> read, then disposed, or <see cref="Restart"/>ed to
/// record again: a game loop keeps one batch per frame in flight and restarts it each frame, so its command buffer,
/// fence, timestamp pool and bookkeeping are reused and recording a frame allocates nothing. Record it on the thread
/// that began it (each thread records into its own command pool); several threads may each record their own batches.
/// Every batch starts with a barrier on everything submitted before it on the queue (FieldForge's earlier batches
/// and a sharing game's draws), so batches in flight together never race on the buffers they share.
/// </summary>
public sealed unsafe class CommandBatch : IDisposable
{
    private readonly GpuContext _context;
    private readonly CommandBuffer _commands;
    private readonly ThreadCommandPool _pool;
    private readonly GpuTimer _timer;
    private readonly List<DescriptorPool> _pools = new();
    private readonly List<IDisposable> _deferred = new();
    private readonly HashSet<GpuBuffer> _written = new();
    private readonly HashSet<GpuBuffer> _read = new();
    // Images copied into by this batch; they get GpuImage.HasContents when it is submitted. Sized up front so a reused
    // batch that first writes images in steady state (a noise that starts evolving) does not allocate then.
    private readonly List<GpuImage> _imagesWritten = new(8);
    private readonly object _completion = new(); // Wait may come from the owner and from WaitForPendingWork on another thread
    private readonly Fence _fence;
    private State _state = State.Recording;
    private IReadOnlyList<GpuTiming>? _timings;

    private enum State { Recording, Submitted, Completed, Disposed }

    internal CommandBatch(GpuContext context)
    {
        _context = context;
        var alloc = new CommandBufferAllocateInfo
        {
            SType = StructureType.CommandBufferAllocateInfo, CommandPool = (_pool = context.CurrentCommandPool).Pool,
            Level = CommandBufferLevel.Primary, CommandBufferCount = 1,
        };
        CommandBuffer cb;
        lock (_pool.Lock) VulkanResult.Check(context.Api.AllocateCommandBuffers(context.Device, &alloc, &cb));
        _commands = cb;
        var fenceInfo = new FenceCreateInfo { SType = StructureType.FenceCreateInfo };
        Fence fence;
        VulkanResult.Check(context.Api.CreateFence(context.Device, &fenceInfo, null, &fence));
        _fence = fence;
        BeginRecording();
        _timer = new GpuTimer(context, _commands);
    }

    private void BeginRecording()
    {
        var api = _context.Api;
        var begin = new CommandBufferBeginInfo { SType = StructureType.CommandBufferBeginInfo, Flags = CommandBufferUsageFlags.OneTimeSubmitBit };
        VulkanResult.Check(api.BeginCommandBuffer(_commands, &begin));
        // Orders this batch after everything submitted earlier on the queue: a previous frame still in flight, and the
        // game's draws reading our vertex buffers (write-after-read). Cheap: one barrier per batch.
        var barrier = new MemoryBarrier
        {
            SType = StructureType.MemoryBarrier,
            SrcAccessMask = AccessFlags.MemoryWriteBit,
            DstAccessMask = AccessFlags.ShaderReadBit | AccessFlags.ShaderWriteBit | AccessFlags.TransferReadBit | AccessFlags.TransferWriteBit,
        };
        api.CmdPipelineBarrier(_commands, PipelineStageFlags.AllCommandsBit, PipelineStageFlags.ComputeShaderBit | PipelineStageFlags.TransferBit,
            0, 1, &barrier, 0, null, 0, null);
    }

    /// <summary>Makes a submitted batch record again (waiting for it first if it is still running), keeping its command
    /// buffer, fence and timestamp pool: the next frame's work goes into the same objects, so a game loop allocates
    /// nothing per frame. Only the thread that began the batch may restart it.</summary>
    public void Restart()
    {
        lock (_completion)
        {
            if (_state == State.Disposed) throw new ObjectDisposedException(nameof(CommandBatch));
            if (_state == State.Recording) throw new InvalidOperationException("this CommandBatch is still recording: Submit it before Restart");
            if (_state == State.Submitted) Wait();
            var api = _context.Api;
            lock (_pool.Lock) VulkanResult.Check(api.ResetCommandBuffer(_commands, 0));
            var fence = _fence;
            VulkanResult.Check(api.ResetFences(_context.Device, 1, &fence));
            _written.Clear(); _read.Clear();
            DispatchCount = 0; BarrierCount = 0;
            _timings = null;
            BeginRecording();
            _timer.Reset(_commands);
            _state = State.Recording;
        }
    }

    /// <summary>True once the submitted work finished (non-blocking; false while recording or running).</summary>
    public bool IsCompleted
    {
        get
        {
            if (_state is State.Completed) return true;
            if (_state is not State.Submitted) return false;
            return _context.Api.GetFenceStatus(_context.Device, _fence) == Result.Success;
        }
    }

    /// <summary>The context this batch records for.</summary>
    public GpuContext Context => _context;
    /// <summary>Number of dispatches recorded so far.</summary>
    public int DispatchCount { get; private set; }
    /// <summary>Number of barriers the hazard tracking inserted (exposed for tests and the HUD).</summary>
    public int BarrierCount { get; private set; }

    /// <summary>GPU time per named region; available after the batch completed.</summary>
    public IReadOnlyList<GpuTiming> Timings
    {
        get
        {
            if (_state == State.Submitted) Wait();
            if (_state != State.Completed) return Array.Empty<GpuTiming>();
            if (_timings is null)
            {
                var sums = _timer.Sums;
                var list = new GpuTiming[sums.Length];
                for (int i = 0; i < sums.Length; i++) list[i] = new GpuTiming(sums[i].Region, sums[i].Milliseconds, sums[i].Count);
                _timings = list;
            }
            return _timings;
        }
    }

    /// <summary>GPU milliseconds from the start of the first timed region to the end of the last one (NaN when nothing
    /// was timed or the device has no timestamps); available after the batch completed, without allocating.</summary>
    public double GpuMilliseconds
    {
        get
        {
            if (_state == State.Submitted) Wait();
            return _state == State.Completed ? _timer.ElapsedMilliseconds : double.NaN;
        }
    }

    /// <summary>Times everything recorded until the returned scope is disposed as <paramref name="region"/>. The scope is
    /// a struct: <c>using (batch.Time("x")) ...</c> allocates nothing. Dispose it once.</summary>
    public GpuTimer.Scope Time(string region)
    {
        ThrowIfNotRecording();
        return _timer.Begin(_commands, region);
    }

    /// <summary>Records a dispatch of <paramref name="groups"/> workgroups with no push constants.</summary>
    public void Dispatch(Kernel kernel, GroupCount groups, params ReadOnlySpan<GpuBuffer> buffers) =>
        DispatchCore(kernel, null, 0, groups, buffers);

    /// <summary>Records a dispatch with push constants <paramref name="push"/> (must match the kernel's declared size).</summary>
    public void Dispatch<TPush>(Kernel kernel, in TPush push, GroupCount groups, params ReadOnlySpan<GpuBuffer> buffers) where TPush : unmanaged
    {
        fixed (TPush* p = &push) DispatchCore(kernel, p, sizeof(TPush), groups, buffers);
    }

    /// <summary>Records a 1-D dispatch covering <paramref name="threads"/> invocations (rounded up to whole workgroups and
    /// folded into Y when X would exceed the device limit; shaders use <c>ff_global_index()</c> and bound-check).</summary>
    public void DispatchThreads<TPush>(Kernel kernel, in TPush push, long threads, params ReadOnlySpan<GpuBuffer> buffers) where TPush : unmanaged =>
        Dispatch(kernel, push, GroupsFor(kernel, threads), buffers);

    /// <summary>Workgroups needed for <paramref name="threads"/> 1-D invocations of <paramref name="kernel"/>.</summary>
    public GroupCount GroupsFor(Kernel kernel, long threads)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(threads);
        ulong groups = ((ulong)threads + kernel.LocalSize.X - 1) / kernel.LocalSize.X;
        uint maxX = _context.MaxGroupCountX;
        if (groups <= maxX) return new GroupCount((uint)Math.Max(groups, 1));
        ulong y = (groups + maxX - 1) / maxX;
        if (y > _context.MaxGroupCountY) throw new ArgumentOutOfRangeException(nameof(threads), $"{threads} threads exceed the device's dispatch limits");
        return new GroupCount(maxX, (uint)y);
    }

    private void DispatchCore(Kernel kernel, void* push, int pushBytes, GroupCount groups, ReadOnlySpan<GpuBuffer> buffers)
    {
        ThrowIfNotRecording();
        ArgumentNullException.ThrowIfNull(kernel);
        if (pushBytes != kernel.Spec.PushConstantBytes)
            throw new ArgumentException($"kernel '{kernel.Name}' expects {kernel.Spec.PushConstantBytes} bytes of push constants, got {pushBytes}");
        if (buffers.Length != kernel.Spec.Buffers)
            throw new ArgumentException($"kernel '{kernel.Name}' binds {kernel.Spec.Buffers} buffers, got {buffers.Length}");
        if (groups.X == 0 || groups.Y == 0 || groups.Z == 0) return;

        bool hazard = false;
        for (int i = 0; i < buffers.Length; i++)
        {
            var b = buffers[i] ?? throw new ArgumentNullException(nameof(buffers), $"kernel '{kernel.Name}' binding {i} is null");
            b.ThrowIfDisposed();
            if (b.Context != _context) throw new ArgumentException($"buffer '{b.Label}' belongs to another GpuContext");
            if (b.ByteSize > _context.DeviceInfo.MaxStorageBufferBytes)
                throw new ArgumentException($"buffer '{b.Label}' ({b.ByteSize} B) exceeds the device's maxStorageBufferRange ({_context.DeviceInfo.MaxStorageBufferBytes} B) and cannot be bound");
            bool writesBuffer = kernel.Writes(i);
            if (_written.Contains(b) || (writesBuffer && _read.Contains(b))) hazard = true;
        }
        if (hazard) Barrier();
        for (int i = 0; i < buffers.Length; i++)
            (kernel.Writes(i) ? _written : _read).Add(buffers[i]);

        var api = _context.Api;
        var set = AllocateSet(kernel);
        int n = buffers.Length;
        var infos = stackalloc DescriptorBufferInfo[Math.Max(n, 1)];
        var writes = stackalloc WriteDescriptorSet[Math.Max(n, 1)];
        var views = stackalloc BufferView[Math.Max(n, 1)];
        for (int i = 0; i < n; i++)
        {
            infos[i] = new DescriptorBufferInfo { Buffer = buffers[i].Handle, Offset = 0, Range = Vk.WholeSize };
            writes[i] = new WriteDescriptorSet
            {
                SType = StructureType.WriteDescriptorSet, DstSet = set, DstBinding = (uint)i, DescriptorCount = 1,
                DescriptorType = DescriptorType.StorageBuffer, PBufferInfo = &infos[i],
            };
            if (kernel.Spec.IsTexelBuffer(i))
            {
                views[i] = buffers[i].TexelView;
                writes[i].DescriptorType = DescriptorType.UniformTexelBuffer;
                writes[i].PBufferInfo = null;
                writes[i].PTexelBufferView = &views[i];
            }
        }
        if (n > 0) api.UpdateDescriptorSets(_context.Device, (uint)n, writes, 0, null);
        api.CmdBindPipeline(_commands, PipelineBindPoint.Compute, kernel.Pipeline);
        if (n > 0) api.CmdBindDescriptorSets(_commands, PipelineBindPoint.Compute, kernel.Layout, 0, 1, &set, 0, null);
        if (pushBytes > 0) api.CmdPushConstants(_commands, kernel.Layout, ShaderStageFlags.ComputeBit, 0, (uint)pushBytes, push);
        api.CmdDispatch(_commands, groups.X, groups.Y, groups.Z);
        DispatchCount++;
    }

    /// <summary>Records a buffer-to-buffer copy of <paramref name="bytes"/> bytes (transfer, not a kernel).</summary>
    public void CopyBytes(GpuBuffer source, ulong sourceOffset, GpuBuffer destination, ulong destinationOffset, ulong bytes)
    {
        ThrowIfNotRecording();
        source.ThrowIfDisposed(); destination.ThrowIfDisposed();
        if (sourceOffset + bytes > source.ByteSize || destinationOffset + bytes > destination.ByteSize)
            throw new ArgumentOutOfRangeException(nameof(bytes), $"copy of {bytes} B from '{source.Label}'+{sourceOffset} to '{destination.Label}'+{destinationOffset} is out of range");
        if (bytes == 0) return;
        if (_written.Contains(source) || _written.Contains(destination) || _read.Contains(destination)) Barrier();
        var region = new BufferCopy { SrcOffset = sourceOffset, DstOffset = destinationOffset, Size = bytes };
        _context.Api.CmdCopyBuffer(_commands, source.Handle, destination.Handle, 1, &region);
        _read.Add(source); _written.Add(destination);
    }

    // ---- images and inline updates ---------------------------------------------------------------------------------
    // Images take no part in the buffer hazard sets: every copy into or out of an image records its own layout
    // transitions, which are also its barriers. The buffer side of each copy goes through the ordinary tracking.
    // FieldForge writes images by copying from a buffer rather than from a kernel through a storage-image binding:
    // kernels keep the one binding model (storage buffers, which the hazard tracking and SPIR-V checks understand),
    // the values buffer stays usable by other kernels, and a w×h×4-byte copy costs little next to the kernel that
    // filled the buffer.

    /// <summary>Records a copy of <paramref name="image"/>.<see cref="GpuImage.ByteSize"/> tightly packed bytes (rows top
    /// to bottom) from <paramref name="source"/> at <paramref name="sourceOffset"/> into the whole image, leaving it in
    /// <see cref="GpuImage.Layout"/> (shader-read-only) and visible to <see cref="GpuImage.ReadStages"/>. Earlier reads
    /// of the image on this queue finish first; a kernel that wrote <paramref name="source"/> earlier in this batch
    /// gets a barrier.</summary>
    public void CopyToImage(GpuBuffer source, GpuImage image, ulong sourceOffset = 0)
    {
        ThrowIfNotRecording();
        CheckImageCopy(source, image, sourceOffset, "source");
        if (source.ByteSize - sourceOffset < image.ByteSize)
            throw new ArgumentException($"copy into '{image.Label}' needs {image.ByteSize} bytes but '{source.Label}' has {source.ByteSize - sourceOffset} from offset {sourceOffset}", nameof(source));
        if (_written.Contains(source)) Barrier();
        // The copy overwrites every texel, so the old contents are discarded (Undefined -> TransferDst): valid whatever
        // layout the image is in, and no layout state has to survive a batch that was never submitted.
        ImageBarrier(image, ImageLayout.Undefined, ImageLayout.TransferDstOptimal,
            image.ReadStages | PipelineStageFlags.TransferBit, 0, PipelineStageFlags.TransferBit, AccessFlags.TransferWriteBit);
        var region = ImageRows(image, sourceOffset, 0, image.Height);
        _context.Api.CmdCopyBufferToImage(_commands, source.Handle, image.Handle, ImageLayout.TransferDstOptimal, 1, &region);
        ImageBarrier(image, ImageLayout.TransferDstOptimal, ImageLayout.ShaderReadOnlyOptimal,
            PipelineStageFlags.TransferBit, AccessFlags.TransferWriteBit, image.ReadStages, AccessFlags.ShaderReadBit);
        _read.Add(source);
        _imagesWritten.Add(image);
    }

    /// <summary>Records a copy of the whole <paramref name="image"/> (tightly packed rows, top to bottom) into
    /// <paramref name="destination"/> at <paramref name="destinationOffset"/>; the image returns to its shader-read-only
    /// layout afterwards. For tools and tests: the image must have been written by an earlier copy.</summary>
    public void CopyFromImage(GpuImage image, GpuBuffer destination, ulong destinationOffset = 0)
    {
        ArgumentNullException.ThrowIfNull(image);
        CopyImageRows(image, 0, image.Height, destination, destinationOffset);
    }

    internal void CopyImageRows(GpuImage image, int firstRow, int rows, GpuBuffer destination, ulong destinationOffset)
    {
        ThrowIfNotRecording();
        CheckImageCopy(destination, image, destinationOffset, "destination");
        if (!image.HasContents && !_imagesWritten.Contains(image)) throw new InvalidOperationException($"'{image.Label}' has not been written yet; there is nothing to copy from it");
        ulong bytes = (ulong)rows * (ulong)image.Width * (ulong)image.BytesPerTexel;
        if (destination.ByteSize - destinationOffset < bytes)
            throw new ArgumentException($"copy from '{image.Label}' needs {bytes} bytes but '{destination.Label}' has {destination.ByteSize - destinationOffset} from offset {destinationOffset}", nameof(destination));
        if (_written.Contains(destination) || _read.Contains(destination)) Barrier();
        // Transfer stage and write access in the source scope cover a copy into the image earlier in this batch or an
        // earlier one; the shader stages cover the visibility chain of the last write's closing barrier.
        ImageBarrier(image, ImageLayout.ShaderReadOnlyOptimal, ImageLayout.TransferSrcOptimal,
            image.ReadStages | PipelineStageFlags.TransferBit, AccessFlags.TransferWriteBit, PipelineStageFlags.TransferBit, AccessFlags.TransferReadBit);
        var region = ImageRows(image, destinationOffset, firstRow, rows);
        _context.Api.CmdCopyImageToBuffer(_commands, image.Handle, ImageLayout.TransferSrcOptimal, destination.Handle, 1, &region);
        ImageBarrier(image, ImageLayout.TransferSrcOptimal, ImageLayout.ShaderReadOnlyOptimal,
            PipelineStageFlags.TransferBit, 0, image.ReadStages, AccessFlags.ShaderReadBit);
        _written.Add(destination);
    }

    private void CheckImageCopy(GpuBuffer buffer, GpuImage image, ulong offset, string role)
    {
        ArgumentNullException.ThrowIfNull(buffer, role);
        ArgumentNullException.ThrowIfNull(image);
        buffer.ThrowIfDisposed(); image.ThrowIfDisposed();
        if (buffer.Context != _context) throw new ArgumentException($"buffer '{buffer.Label}' belongs to another GpuContext", role);
        if (image.Context != _context) throw new ArgumentException($"image '{image.Label}' belongs to another GpuContext", nameof(image));
        if (offset % (ulong)image.BytesPerTexel != 0)
            throw new ArgumentOutOfRangeException(nameof(offset), $"a buffer offset for an image copy must be a multiple of {image.BytesPerTexel} bytes, got {offset}");
        if (offset > buffer.ByteSize) throw new ArgumentOutOfRangeException(nameof(offset), $"offset {offset} is past the end of '{buffer.Label}' ({buffer.ByteSize} B)");
    }

    private static BufferImageCopy ImageRows(GpuImage image, ulong bufferOffset, int firstRow, int rows) => new()
    {
        BufferOffset = bufferOffset, BufferRowLength = 0, BufferImageHeight = 0, // tightly packed
        ImageSubresource = new ImageSubresourceLayers(ImageAspectFlags.ColorBit, 0, 0, 1),
        ImageOffset = new Offset3D(0, firstRow, 0),
        ImageExtent = new Extent3D((uint)image.Width, (uint)rows, 1),
    };

    private void ImageBarrier(GpuImage image, ImageLayout from, ImageLayout to, PipelineStageFlags srcStages, AccessFlags srcAccess,
        PipelineStageFlags dstStages, AccessFlags dstAccess)
    {
        var barrier = new ImageMemoryBarrier
        {
            SType = StructureType.ImageMemoryBarrier, OldLayout = from, NewLayout = to, SrcAccessMask = srcAccess, DstAccessMask = dstAccess,
            SrcQueueFamilyIndex = Vk.QueueFamilyIgnored, DstQueueFamilyIndex = Vk.QueueFamilyIgnored, Image = image.Handle,
            SubresourceRange = new ImageSubresourceRange(ImageAspectFlags.ColorBit, 0, 1, 0, 1),
        };
        _context.Api.CmdPipelineBarrier(_commands, srcStages, dstStages, 0, 0, null, 0, null, 1, &barrier);
        BarrierCount++;
    }

    /// <summary>Most bytes <see cref="UpdateBuffer{T}"/> writes at once (Vulkan's vkCmdUpdateBuffer limit).</summary>
    public const int MaxInlineUpdateBytes = 65536;

    /// <summary>Records an inline write of <paramref name="data"/> (at most 65,536 bytes, a multiple of 4) into
    /// <paramref name="destination"/> at element <paramref name="offset"/> (vkCmdUpdateBuffer): the bytes travel in the
    /// command buffer, so small per-frame parameters need neither a staging buffer, nor a host wait, nor an allocation.
    /// The write waits for all earlier work on the queue (this batch, earlier submissions still running, a sharing game's
    /// draws), so nothing that may still read the old bytes sees the new ones.</summary>
    public void UpdateBuffer<T>(GpuBuffer<T> destination, ReadOnlySpan<T> data, long offset = 0) where T : unmanaged
    {
        ThrowIfNotRecording();
        ArgumentNullException.ThrowIfNull(destination);
        destination.ThrowIfDisposed();
        if (destination.Context != _context) throw new ArgumentException($"buffer '{destination.Label}' belongs to another GpuContext", nameof(destination));
        if (offset < 0 || offset > destination.Length || data.Length > destination.Length - offset)
            throw new ArgumentOutOfRangeException(nameof(offset), $"update of {data.Length} elements at offset {offset} is outside '{destination.Label}' (length {destination.Length})");
        ulong bytes = (ulong)data.Length * (ulong)sizeof(T), at = (ulong)offset * (ulong)sizeof(T);
        if (bytes > MaxInlineUpdateBytes || bytes % 4 != 0 || at % 4 != 0)
            throw new ArgumentException($"an inline update writes at most 65536 bytes, a multiple of 4 at a 4-byte aligned offset; got {bytes} bytes at byte {at}", nameof(data));
        if (bytes == 0) return;
        // One barrier covers every earlier reader and writer, in this batch or submitted before it. It targets the
        // transfer stage only, so the hazard sets (which guard compute reads) stay as they are.
        var barrier = new MemoryBarrier
        {
            SType = StructureType.MemoryBarrier, SrcAccessMask = AccessFlags.MemoryWriteBit, DstAccessMask = AccessFlags.TransferWriteBit,
        };
        _context.Api.CmdPipelineBarrier(_commands, PipelineStageFlags.AllCommandsBit, PipelineStageFlags.TransferBit, 0, 1, &barrier, 0, null, 0, null);
        BarrierCount++;
        fixed (T* p = data) _context.Api.CmdUpdateBuffer(_commands, destination.Handle, at, bytes, p);
        _written.Add(destination);
    }

    /// <summary>A full compute/transfer memory barrier. Normally inserted automatically; public for hand-tuned code.</summary>
    public void Barrier()
    {
        ThrowIfNotRecording();
        var barrier = new MemoryBarrier
        {
            SType = StructureType.MemoryBarrier,
            SrcAccessMask = AccessFlags.ShaderWriteBit | AccessFlags.TransferWriteBit,
            DstAccessMask = AccessFlags.ShaderReadBit | AccessFlags.ShaderWriteBit | AccessFlags.TransferReadBit | AccessFlags.TransferWriteBit,
        };
        var stages = PipelineStageFlags.ComputeShaderBit | PipelineStageFlags.TransferBit;
        _context.Api.CmdPipelineBarrier(_commands, stages, stages, 0, 1, &barrier, 0, null, 0, null);
        _written.Clear(); _read.Clear();
        BarrierCount++;
    }

    /// <summary>Disposes <paramref name="resource"/> once the batch has completed (temporary buffers of a recorded operation).</summary>
    public void DisposeAfterCompletion(IDisposable resource)
    {
        if (_state is State.Completed or State.Disposed) resource.Dispose();
        else _deferred.Add(resource);
    }

    /// <summary>Submits the batch in one vkQueueSubmit; waits for completion unless <paramref name="wait"/> is false.</summary>
    public void Submit(bool wait = true)
    {
        ThrowIfNotRecording();
        var api = _context.Api;
        var toHost = new MemoryBarrier
        {
            SType = StructureType.MemoryBarrier,
            SrcAccessMask = AccessFlags.ShaderWriteBit | AccessFlags.TransferWriteBit,
            DstAccessMask = AccessFlags.HostReadBit,
        };
        api.CmdPipelineBarrier(_commands, PipelineStageFlags.ComputeShaderBit | PipelineStageFlags.TransferBit,
            PipelineStageFlags.HostBit, 0, 1, &toHost, 0, null, 0, null);
        VulkanResult.Check(api.EndCommandBuffer(_commands));
        _context.SubmitCommands(_commands, _fence, this);
        _state = State.Submitted;
        // Only now do the copies count: a batch that is discarded unsubmitted leaves its images as they were.
        foreach (var image in _imagesWritten) image.HasContents = true;
        _imagesWritten.Clear();
        if (wait) Wait();
    }

    /// <summary>Blocks until the submitted batch completed, then releases its temporaries.</summary>
    public void Wait()
    {
        lock (_completion)
        {
            if (_state != State.Submitted) return;
            _context.WaitFence(_fence, this);
            _state = State.Completed;
            _timer.Collect();
            ReleaseTransient();
        }
    }

    private DescriptorSet AllocateSet(Kernel kernel)
    {
        var layout = kernel.SetLayout;
        for (int attempt = 0; attempt < 2; attempt++)
        {
            if (_pools.Count == 0 || attempt == 1) _pools.Add(_context.RentDescriptorPool());
            var info = new DescriptorSetAllocateInfo
            {
                SType = StructureType.DescriptorSetAllocateInfo, DescriptorPool = _pools[^1], DescriptorSetCount = 1, PSetLayouts = &layout,
            };
            DescriptorSet set;
            var result = _context.Api.AllocateDescriptorSets(_context.Device, &info, &set);
            if (result == Result.Success) return set;
            if (result is not (Result.ErrorOutOfPoolMemory or Result.ErrorFragmentedPool)) VulkanResult.Check(result);
        }
        throw new GpuException("descriptor pool exhausted twice in a row");
    }

    private void ReleaseTransient()
    {
        foreach (var pool in _pools) _context.ReturnDescriptorPool(pool);
        _pools.Clear();
        foreach (var d in _deferred) d.Dispose();
        _deferred.Clear();
    }

    private void ThrowIfNotRecording()
    {
        if (_state == State.Disposed) throw new ObjectDisposedException(nameof(CommandBatch));
        if (_state != State.Recording) throw new InvalidOperationException("this CommandBatch was already submitted; start a new one with GpuContext.BeginBatch()");
    }

    /// <summary>Waits for a submitted batch to finish, then frees its command buffer and fence.</summary>
    public void Dispose()
    {
        lock (_completion)
        {
            if (_state == State.Disposed) return;
            if (_state == State.Submitted) Wait();
            ReleaseTransient();
            _timer.Dispose();
            _context.Api.DestroyFence(_context.Device, _fence, null);
            var cb = _commands;
            lock (_pool.Lock) _context.Api.FreeCommandBuffers(_context.Device, _pool.Pool, 1, &cb);
            _state = State.Disposed;
        }
    }
}
