using System.Numerics;
using System.Runtime.InteropServices;
using FieldForge.Gpu;
using FieldForge.Morphing;
using Silk.NET.Vulkan;
using VkBuffer = Silk.NET.Vulkan.Buffer;

namespace FieldForge.Samples.VulkanGame;

/// <summary>What one frame draws: the isosurface buffers FieldForge wrote this frame (null before the first surface),
/// FieldForge's RGBA8 noise image for the ground (null before it exists), and the camera.</summary>
public readonly record struct FrameScene(GpuBuffer<IsoVertex>? Vertices, GpuBuffer<uint>? Indices, GpuBuffer<uint>? DrawArguments,
    GpuImage? GroundTexture, Matrix4x4 ViewProjection, Vector3 LightDirection, float GroundHeight, float GroundHalfExtent);

/// <summary>
/// The game's renderer: an offscreen render pass (RGBA8 colour + depth) drawing a ground plane textured with the GPU
/// noise and the morphing isosurface with <c>vkCmdDrawIndexedIndirect</c> from FieldForge's buffers, nothing read back.
/// Resources exist once per frame in flight (command buffer, fence, attachments, read-back buffer, timestamps), so
/// recording frame N never waits for frame N−1. Each frame is copied to a host-visible buffer only so the sample can
/// write PNG/GIF files; a windowed game would present instead.
/// </summary>
public sealed unsafe class FrameRenderer : IDisposable
{
    /// <summary>Frames the renderer keeps in flight.</summary>
    public const int FramesInFlight = 2;
    private const Format ColorFormat = Format.R8G8B8A8Unorm;

    [StructLayout(LayoutKind.Sequential)]
    private struct PushConstants
    {
        public Matrix4x4 ViewProjection;
        public Vector4 LightDirection;
        public Vector4 Ground; // x: height, y: half extent
    }

    private readonly GameDevice _dev;
    private readonly Format _depthFormat;
    private readonly RenderPass _renderPass;
    private readonly DescriptorSetLayout _setLayout;
    private readonly PipelineLayout _layout;
    private readonly Pipeline _meshPipeline, _groundPipeline;
    private readonly CommandPool _pool;
    private readonly DescriptorPool _descriptorPool;
    private readonly QueryPool _queries;
    private readonly Sampler _linear;
    private readonly Slot[] _slots = new Slot[FramesInFlight];
    private readonly List<(Image Image, DeviceMemory Memory)> _images = new();

    // The ground texture: FieldForge's colour-ramped noise image, sampled directly. Until it exists, a 1x1 placeholder.
    private readonly Image _placeholder;
    private readonly DeviceMemory _placeholderMemory;
    private readonly ImageView _placeholderView;
    private ImageView _boundGround;

    private sealed class Slot
    {
        public CommandBuffer Commands;
        public Fence Fence;
        public Image Color, Depth;
        public ImageView ColorView, DepthView;
        public Framebuffer Framebuffer;
        public VkBuffer Readback;
        public DeviceMemory ReadbackMemory;
        public byte* Pixels;
        public DescriptorSet Set;
        public bool Submitted;
    }

    /// <param name="device">The game's device.</param>
    /// <param name="width">Image width in pixels.</param>
    /// <param name="height">Image height in pixels.</param>
    public FrameRenderer(GameDevice device, int width, int height)
    {
        _dev = device;
        Width = width;
        Height = height;
        _depthFormat = new[] { Format.D32Sfloat, Format.D32SfloatS8Uint, Format.D24UnormS8Uint }
            .First(f => device.Supports(f, FormatFeatureFlags.DepthStencilAttachmentBit));
        _renderPass = CreateRenderPass();
        _setLayout = CreateSetLayout();
        _layout = CreatePipelineLayout();
        _meshPipeline = CreatePipeline("mesh", meshInput: true);
        _groundPipeline = CreatePipeline("ground", meshInput: false);
        var poolInfo = new CommandPoolCreateInfo { SType = StructureType.CommandPoolCreateInfo, QueueFamilyIndex = device.QueueFamily, Flags = CommandPoolCreateFlags.ResetCommandBufferBit };
        CommandPool pool;
        GameDevice.Check(Api.CreateCommandPool(Device, &poolInfo, null, &pool));
        _pool = pool;
        var size = new DescriptorPoolSize { Type = DescriptorType.CombinedImageSampler, DescriptorCount = FramesInFlight };
        var dpInfo = new DescriptorPoolCreateInfo { SType = StructureType.DescriptorPoolCreateInfo, MaxSets = FramesInFlight, PoolSizeCount = 1, PPoolSizes = &size };
        DescriptorPool dp;
        GameDevice.Check(Api.CreateDescriptorPool(Device, &dpInfo, null, &dp));
        _descriptorPool = dp;
        var qInfo = new QueryPoolCreateInfo { SType = StructureType.QueryPoolCreateInfo, QueryType = QueryType.Timestamp, QueryCount = 2 * FramesInFlight };
        QueryPool qp;
        GameDevice.Check(Api.CreateQueryPool(Device, &qInfo, null, &qp));
        _queries = qp;
        var samplerInfo = new SamplerCreateInfo
        {
            SType = StructureType.SamplerCreateInfo, MagFilter = Filter.Linear, MinFilter = Filter.Linear, MipmapMode = SamplerMipmapMode.Nearest,
            AddressModeU = SamplerAddressMode.ClampToEdge, AddressModeV = SamplerAddressMode.ClampToEdge, AddressModeW = SamplerAddressMode.ClampToEdge,
        };
        Sampler sampler;
        GameDevice.Check(Api.CreateSampler(Device, &samplerInfo, null, &sampler));
        _linear = sampler;
        for (int i = 0; i < FramesInFlight; i++) _slots[i] = CreateSlot();
        (_placeholder, _placeholderMemory) = CreateImage(1, 1, ColorFormat, ImageUsageFlags.TransferDstBit | ImageUsageFlags.SampledBit, track: false);
        _placeholderView = CreateView(_placeholder, ColorFormat, ImageAspectFlags.ColorBit);
        ClearPlaceholder();
        BindGround(_placeholderView);
    }

    private Vk Api => _dev.Api;
    private Device Device => _dev.Device;

    /// <summary>Image width in pixels.</summary>
    public int Width { get; }
    /// <summary>Image height in pixels.</summary>
    public int Height { get; }
    /// <summary>GPU milliseconds of the render <see cref="WaitForSlot"/> last waited for (its own timestamps, from the
    /// start of its command buffer to the end); NaN without timestamps.</summary>
    public double LastGpuMilliseconds { get; private set; } = double.NaN;

    /// <summary>
    /// Waits until the slot of frame <paramref name="frame"/> is free (its previous use, <see cref="FramesInFlight"/>
    /// frames ago, completed), reads that use's GPU time, and returns the slot's pixels of that completed frame
    /// (empty when the slot was never used). The span stays valid until <see cref="Record"/> reuses the slot.
    /// </summary>
    public ReadOnlySpan<byte> WaitForSlot(long frame)
    {
        var slot = _slots[frame % FramesInFlight];
        if (!slot.Submitted) return ReadOnlySpan<byte>.Empty;
        var fence = slot.Fence;
        GameDevice.Check(Api.WaitForFences(Device, 1, &fence, true, ulong.MaxValue));
        slot.Submitted = false;
        LastGpuMilliseconds = double.NaN;
        if (_dev.TimestampPeriodNs > 0)
        {
            ulong* stamps = stackalloc ulong[2];
            uint first = (uint)(frame % FramesInFlight) * 2;
            if (Api.GetQueryPoolResults(Device, _queries, first, 2, 2 * sizeof(ulong), stamps, sizeof(ulong), QueryResultFlags.Result64Bit) == Result.Success)
                LastGpuMilliseconds = (stamps[1] - stamps[0]) * _dev.TimestampPeriodNs * 1e-6;
        }
        return new ReadOnlySpan<byte>(slot.Pixels, Width * Height * 4);
    }

    /// <summary>
    /// Records and submits frame <paramref name="frame"/> after FieldForge's work for it (call <see cref="WaitForSlot"/>
    /// first). The command buffer starts with a barrier from compute-shader writes to vertex-input, indirect-argument
    /// and fragment reads (same queue, later submission: the barrier orders it after FieldForge's dispatches) and ends
    /// with one from those reads back to compute, so FieldForge's next frame cannot overwrite buffers still being drawn.
    /// </summary>
    /// <param name="frame">Frame number (selects the slot).</param>
    /// <param name="scene">What to draw.</param>
    public void Record(long frame, in FrameScene scene)
    {
        var slot = _slots[frame % FramesInFlight];
        if (slot.Submitted) throw new InvalidOperationException("WaitForSlot must come before Record");
        var ground = scene.GroundTexture is { HasContents: true, IsDisposed: false } texture ? texture.NativeView : _placeholderView;
        if (ground.Handle != _boundGround.Handle) BindGround(ground);

        var cmd = slot.Commands;
        GameDevice.Check(Api.ResetCommandBuffer(cmd, 0));
        var begin = new CommandBufferBeginInfo { SType = StructureType.CommandBufferBeginInfo, Flags = CommandBufferUsageFlags.OneTimeSubmitBit };
        GameDevice.Check(Api.BeginCommandBuffer(cmd, &begin));
        uint query = (uint)(frame % FramesInFlight) * 2;
        bool timed = _dev.TimestampPeriodNs > 0;
        if (timed)
        {
            Api.CmdResetQueryPool(cmd, _queries, query, 2);
            Api.CmdWriteTimestamp(cmd, PipelineStageFlags.TopOfPipeBit, _queries, query);
        }

        var acquire = new MemoryBarrier
        {
            SType = StructureType.MemoryBarrier,
            SrcAccessMask = AccessFlags.ShaderWriteBit | AccessFlags.TransferWriteBit,
            DstAccessMask = AccessFlags.VertexAttributeReadBit | AccessFlags.IndexReadBit | AccessFlags.IndirectCommandReadBit | AccessFlags.ShaderReadBit | AccessFlags.TransferReadBit,
        };
        Api.CmdPipelineBarrier(cmd, PipelineStageFlags.ComputeShaderBit | PipelineStageFlags.TransferBit,
            PipelineStageFlags.VertexInputBit | PipelineStageFlags.DrawIndirectBit | PipelineStageFlags.FragmentShaderBit | PipelineStageFlags.TransferBit,
            0, 1, &acquire, 0, null, 0, null);

        ClearValue* clears = stackalloc ClearValue[2];
        clears[0] = new ClearValue(new ClearColorValue(0.55f, 0.70f, 0.90f, 1f));
        clears[1] = new ClearValue(depthStencil: new ClearDepthStencilValue(1f, 0));
        var pass = new RenderPassBeginInfo
        {
            SType = StructureType.RenderPassBeginInfo, RenderPass = _renderPass, Framebuffer = slot.Framebuffer,
            RenderArea = new Rect2D(new Offset2D(0, 0), new Extent2D((uint)Width, (uint)Height)), ClearValueCount = 2, PClearValues = clears,
        };
        Api.CmdBeginRenderPass(cmd, &pass, SubpassContents.Inline);
        var push = new PushConstants
        {
            ViewProjection = scene.ViewProjection,
            LightDirection = new Vector4(Vector3.Normalize(scene.LightDirection), 0),
            Ground = new Vector4(scene.GroundHeight, scene.GroundHalfExtent, 0, 0),
        };
        Api.CmdPushConstants(cmd, _layout, ShaderStageFlags.VertexBit | ShaderStageFlags.FragmentBit, 0, (uint)sizeof(PushConstants), &push);

        Api.CmdBindPipeline(cmd, PipelineBindPoint.Graphics, _groundPipeline);
        var set = slot.Set;
        Api.CmdBindDescriptorSets(cmd, PipelineBindPoint.Graphics, _layout, 0, 1, &set, 0, null);
        Api.CmdDraw(cmd, 6, 1, 0, 0);

        if (scene.Vertices is not null && scene.Indices is not null && scene.DrawArguments is not null)
        {
            Api.CmdBindPipeline(cmd, PipelineBindPoint.Graphics, _meshPipeline);
            var vb = scene.Vertices.NativeHandle;
            ulong offset = 0;
            Api.CmdBindVertexBuffers(cmd, 0, 1, &vb, &offset);
            Api.CmdBindIndexBuffer(cmd, scene.Indices.NativeHandle, 0, IndexType.Uint32);
            // The GPU wrote this VkDrawIndexedIndirectCommand (5 uint32 = 20 bytes): the triangle count is never read back.
            Api.CmdDrawIndexedIndirect(cmd, scene.DrawArguments.NativeHandle, 0, 1, 20);
        }
        Api.CmdEndRenderPass(cmd);

        // The sample's own read-back, for its PNG/GIF output only (a windowed game presents instead).
        var copy = new BufferImageCopy
        {
            ImageSubresource = new ImageSubresourceLayers(ImageAspectFlags.ColorBit, 0, 0, 1),
            ImageExtent = new Extent3D((uint)Width, (uint)Height, 1),
        };
        Api.CmdCopyImageToBuffer(cmd, slot.Color, ImageLayout.TransferSrcOptimal, slot.Readback, 1, &copy);
        var toHost = new MemoryBarrier { SType = StructureType.MemoryBarrier, SrcAccessMask = AccessFlags.TransferWriteBit, DstAccessMask = AccessFlags.HostReadBit };
        Api.CmdPipelineBarrier(cmd, PipelineStageFlags.TransferBit, PipelineStageFlags.HostBit, 0, 1, &toHost, 0, null, 0, null);
        // Release: FieldForge's next frame (a later submission) rewrites the surface buffers only after these reads.
        Api.CmdPipelineBarrier(cmd, PipelineStageFlags.VertexInputBit | PipelineStageFlags.DrawIndirectBit | PipelineStageFlags.FragmentShaderBit,
            PipelineStageFlags.ComputeShaderBit, 0, 0, null, 0, null, 0, null);
        if (timed) Api.CmdWriteTimestamp(cmd, PipelineStageFlags.BottomOfPipeBit, _queries, query + 1);
        GameDevice.Check(Api.EndCommandBuffer(cmd));

        var fence = slot.Fence;
        GameDevice.Check(Api.ResetFences(Device, 1, &fence));
        var submit = new SubmitInfo { SType = StructureType.SubmitInfo, CommandBufferCount = 1, PCommandBuffers = &cmd };
        lock (_dev.QueueLock) GameDevice.Check(Api.QueueSubmit(_dev.Queue, 1, &submit, fence));
        slot.Submitted = true;
    }

    /// <summary>Clears the placeholder to a neutral grey and leaves it in ShaderReadOnlyOptimal.</summary>
    private void ClearPlaceholder() => OneTimeCommands(cmd =>
    {
        var range = new ImageSubresourceRange(ImageAspectFlags.ColorBit, 0, 1, 0, 1);
        var toTransfer = new ImageMemoryBarrier
        {
            SType = StructureType.ImageMemoryBarrier, DstAccessMask = AccessFlags.TransferWriteBit,
            OldLayout = ImageLayout.Undefined, NewLayout = ImageLayout.TransferDstOptimal,
            SrcQueueFamilyIndex = Vk.QueueFamilyIgnored, DstQueueFamilyIndex = Vk.QueueFamilyIgnored, Image = _placeholder, SubresourceRange = range,
        };
        Api.CmdPipelineBarrier(cmd, PipelineStageFlags.TopOfPipeBit, PipelineStageFlags.TransferBit, 0, 0, null, 0, null, 1, &toTransfer);
        var grey = new ClearColorValue(0.5f, 0.5f, 0.5f, 1f);
        Api.CmdClearColorImage(cmd, _placeholder, ImageLayout.TransferDstOptimal, &grey, 1, &range);
        var toShader = toTransfer with
        {
            SrcAccessMask = AccessFlags.TransferWriteBit, DstAccessMask = AccessFlags.ShaderReadBit,
            OldLayout = ImageLayout.TransferDstOptimal, NewLayout = ImageLayout.ShaderReadOnlyOptimal,
        };
        Api.CmdPipelineBarrier(cmd, PipelineStageFlags.TransferBit, PipelineStageFlags.FragmentShaderBit, 0, 0, null, 0, null, 1, &toShader);
    });

    /// <summary>Points every slot's descriptor set at <paramref name="view"/> (in ShaderReadOnlyOptimal). Happens when the
    /// noise texture first appears or is replaced (a size change): the queue is drained once, because frames in flight
    /// may still sample the old image through these sets. Slot fences stay signalled, so the next waits return at once.</summary>
    private void BindGround(ImageView view)
    {
        lock (_dev.QueueLock) GameDevice.Check(Api.QueueWaitIdle(_dev.Queue));
        foreach (var slot in _slots)
        {
            var imageInfo = new DescriptorImageInfo { Sampler = _linear, ImageView = view, ImageLayout = ImageLayout.ShaderReadOnlyOptimal };
            var write = new WriteDescriptorSet
            {
                SType = StructureType.WriteDescriptorSet, DstSet = slot.Set, DstBinding = 0, DescriptorCount = 1,
                DescriptorType = DescriptorType.CombinedImageSampler, PImageInfo = &imageInfo,
            };
            Api.UpdateDescriptorSets(Device, 1, &write, 0, null);
        }
        _boundGround = view;
    }

    private void OneTimeCommands(Action<CommandBuffer> record)
    {
        var alloc = new CommandBufferAllocateInfo { SType = StructureType.CommandBufferAllocateInfo, CommandPool = _pool, Level = CommandBufferLevel.Primary, CommandBufferCount = 1 };
        CommandBuffer cmd;
        GameDevice.Check(Api.AllocateCommandBuffers(Device, &alloc, &cmd));
        var begin = new CommandBufferBeginInfo { SType = StructureType.CommandBufferBeginInfo, Flags = CommandBufferUsageFlags.OneTimeSubmitBit };
        GameDevice.Check(Api.BeginCommandBuffer(cmd, &begin));
        record(cmd);
        GameDevice.Check(Api.EndCommandBuffer(cmd));
        var submit = new SubmitInfo { SType = StructureType.SubmitInfo, CommandBufferCount = 1, PCommandBuffers = &cmd };
        lock (_dev.QueueLock)
        {
            GameDevice.Check(Api.QueueSubmit(_dev.Queue, 1, &submit, default));
            GameDevice.Check(Api.QueueWaitIdle(_dev.Queue));
        }
        Api.FreeCommandBuffers(Device, _pool, 1, &cmd);
    }

    private Slot CreateSlot()
    {
        var slot = new Slot();
        var alloc = new CommandBufferAllocateInfo { SType = StructureType.CommandBufferAllocateInfo, CommandPool = _pool, Level = CommandBufferLevel.Primary, CommandBufferCount = 1 };
        CommandBuffer cmd;
        GameDevice.Check(Api.AllocateCommandBuffers(Device, &alloc, &cmd));
        slot.Commands = cmd;
        var fenceInfo = new FenceCreateInfo { SType = StructureType.FenceCreateInfo };
        Fence fence;
        GameDevice.Check(Api.CreateFence(Device, &fenceInfo, null, &fence));
        slot.Fence = fence;
        (slot.Color, _) = CreateImage(Width, Height, ColorFormat, ImageUsageFlags.ColorAttachmentBit | ImageUsageFlags.TransferSrcBit, track: true);
        (slot.Depth, _) = CreateImage(Width, Height, _depthFormat, ImageUsageFlags.DepthStencilAttachmentBit, track: true);
        slot.ColorView = CreateView(slot.Color, ColorFormat, ImageAspectFlags.ColorBit);
        slot.DepthView = CreateView(slot.Depth, _depthFormat, ImageAspectFlags.DepthBit);
        ImageView* views = stackalloc ImageView[2] { slot.ColorView, slot.DepthView };
        var fbInfo = new FramebufferCreateInfo
        {
            SType = StructureType.FramebufferCreateInfo, RenderPass = _renderPass, AttachmentCount = 2, PAttachments = views,
            Width = (uint)Width, Height = (uint)Height, Layers = 1,
        };
        Framebuffer fb;
        GameDevice.Check(Api.CreateFramebuffer(Device, &fbInfo, null, &fb));
        slot.Framebuffer = fb;

        var bufferInfo = new BufferCreateInfo { SType = StructureType.BufferCreateInfo, Size = (ulong)(Width * Height * 4), Usage = BufferUsageFlags.TransferDstBit, SharingMode = SharingMode.Exclusive };
        VkBuffer buffer;
        GameDevice.Check(Api.CreateBuffer(Device, &bufferInfo, null, &buffer));
        slot.Readback = buffer;
        MemoryRequirements req;
        Api.GetBufferMemoryRequirements(Device, buffer, &req);
        var memInfo = new MemoryAllocateInfo
        {
            SType = StructureType.MemoryAllocateInfo, AllocationSize = req.Size,
            MemoryTypeIndex = _dev.FindMemoryType(req.MemoryTypeBits, MemoryPropertyFlags.HostVisibleBit | MemoryPropertyFlags.HostCoherentBit),
        };
        DeviceMemory memory;
        GameDevice.Check(Api.AllocateMemory(Device, &memInfo, null, &memory));
        slot.ReadbackMemory = memory;
        GameDevice.Check(Api.BindBufferMemory(Device, buffer, memory, 0));
        void* mapped;
        GameDevice.Check(Api.MapMemory(Device, memory, 0, Vk.WholeSize, 0, &mapped));
        slot.Pixels = (byte*)mapped;

        var layout = _setLayout;
        var setInfo = new DescriptorSetAllocateInfo { SType = StructureType.DescriptorSetAllocateInfo, DescriptorPool = _descriptorPool, DescriptorSetCount = 1, PSetLayouts = &layout };
        DescriptorSet set;
        GameDevice.Check(Api.AllocateDescriptorSets(Device, &setInfo, &set));
        slot.Set = set;
        return slot;
    }

    private (Image, DeviceMemory) CreateImage(int width, int height, Format format, ImageUsageFlags usage, bool track)
    {
        var info = new ImageCreateInfo
        {
            SType = StructureType.ImageCreateInfo, ImageType = ImageType.Type2D, Format = format,
            Extent = new Extent3D((uint)width, (uint)height, 1), MipLevels = 1, ArrayLayers = 1, Samples = SampleCountFlags.Count1Bit,
            Tiling = ImageTiling.Optimal, Usage = usage, SharingMode = SharingMode.Exclusive, InitialLayout = ImageLayout.Undefined,
        };
        Image image;
        GameDevice.Check(Api.CreateImage(Device, &info, null, &image));
        MemoryRequirements req;
        Api.GetImageMemoryRequirements(Device, image, &req);
        var memInfo = new MemoryAllocateInfo
        {
            SType = StructureType.MemoryAllocateInfo, AllocationSize = req.Size,
            MemoryTypeIndex = _dev.FindMemoryType(req.MemoryTypeBits, MemoryPropertyFlags.DeviceLocalBit),
        };
        DeviceMemory memory;
        GameDevice.Check(Api.AllocateMemory(Device, &memInfo, null, &memory));
        GameDevice.Check(Api.BindImageMemory(Device, image, memory, 0));
        if (track) _images.Add((image, memory));
        return (image, memory);
    }

    private ImageView CreateView(Image image, Format format, ImageAspectFlags aspect)
    {
        var info = new ImageViewCreateInfo
        {
            SType = StructureType.ImageViewCreateInfo, Image = image, ViewType = ImageViewType.Type2D, Format = format,
            SubresourceRange = new ImageSubresourceRange(aspect, 0, 1, 0, 1),
        };
        ImageView view;
        GameDevice.Check(Api.CreateImageView(Device, &info, null, &view));
        return view;
    }

    private RenderPass CreateRenderPass()
    {
        AttachmentDescription* attachments = stackalloc AttachmentDescription[2];
        attachments[0] = new AttachmentDescription
        {
            Format = ColorFormat, Samples = SampleCountFlags.Count1Bit, LoadOp = AttachmentLoadOp.Clear, StoreOp = AttachmentStoreOp.Store,
            StencilLoadOp = AttachmentLoadOp.DontCare, StencilStoreOp = AttachmentStoreOp.DontCare,
            InitialLayout = ImageLayout.Undefined, FinalLayout = ImageLayout.TransferSrcOptimal,
        };
        attachments[1] = new AttachmentDescription
        {
            Format = _depthFormat, Samples = SampleCountFlags.Count1Bit, LoadOp = AttachmentLoadOp.Clear, StoreOp = AttachmentStoreOp.DontCare,
            StencilLoadOp = AttachmentLoadOp.DontCare, StencilStoreOp = AttachmentStoreOp.DontCare,
            InitialLayout = ImageLayout.Undefined, FinalLayout = ImageLayout.DepthStencilAttachmentOptimal,
        };
        var colorRef = new AttachmentReference(0, ImageLayout.ColorAttachmentOptimal);
        var depthRef = new AttachmentReference(1, ImageLayout.DepthStencilAttachmentOptimal);
        var subpass = new SubpassDescription
        {
            PipelineBindPoint = PipelineBindPoint.Graphics, ColorAttachmentCount = 1, PColorAttachments = &colorRef, PDepthStencilAttachment = &depthRef,
        };
        SubpassDependency* deps = stackalloc SubpassDependency[2];
        // In: the previous use of this slot's attachments (colour copied out, depth tested) finishes first.
        deps[0] = new SubpassDependency
        {
            SrcSubpass = Vk.SubpassExternal, DstSubpass = 0,
            SrcStageMask = PipelineStageFlags.TransferBit | PipelineStageFlags.LateFragmentTestsBit,
            DstStageMask = PipelineStageFlags.ColorAttachmentOutputBit | PipelineStageFlags.EarlyFragmentTestsBit,
            SrcAccessMask = AccessFlags.DepthStencilAttachmentWriteBit,
            DstAccessMask = AccessFlags.ColorAttachmentWriteBit | AccessFlags.DepthStencilAttachmentWriteBit | AccessFlags.DepthStencilAttachmentReadBit,
        };
        // Out: the copy to the read-back buffer sees the finished colour.
        deps[1] = new SubpassDependency
        {
            SrcSubpass = 0, DstSubpass = Vk.SubpassExternal,
            SrcStageMask = PipelineStageFlags.ColorAttachmentOutputBit, DstStageMask = PipelineStageFlags.TransferBit,
            SrcAccessMask = AccessFlags.ColorAttachmentWriteBit, DstAccessMask = AccessFlags.TransferReadBit,
        };
        var info = new RenderPassCreateInfo
        {
            SType = StructureType.RenderPassCreateInfo, AttachmentCount = 2, PAttachments = attachments, SubpassCount = 1, PSubpasses = &subpass,
            DependencyCount = 2, PDependencies = deps,
        };
        RenderPass pass;
        GameDevice.Check(Api.CreateRenderPass(Device, &info, null, &pass));
        return pass;
    }

    private DescriptorSetLayout CreateSetLayout()
    {
        var binding = new DescriptorSetLayoutBinding
        {
            Binding = 0, DescriptorType = DescriptorType.CombinedImageSampler, DescriptorCount = 1, StageFlags = ShaderStageFlags.FragmentBit,
        };
        var info = new DescriptorSetLayoutCreateInfo { SType = StructureType.DescriptorSetLayoutCreateInfo, BindingCount = 1, PBindings = &binding };
        DescriptorSetLayout layout;
        GameDevice.Check(Api.CreateDescriptorSetLayout(Device, &info, null, &layout));
        return layout;
    }

    private PipelineLayout CreatePipelineLayout()
    {
        var range = new PushConstantRange(ShaderStageFlags.VertexBit | ShaderStageFlags.FragmentBit, 0, (uint)sizeof(PushConstants));
        var setLayout = _setLayout;
        var info = new PipelineLayoutCreateInfo
        {
            SType = StructureType.PipelineLayoutCreateInfo, SetLayoutCount = 1, PSetLayouts = &setLayout, PushConstantRangeCount = 1, PPushConstantRanges = &range,
        };
        PipelineLayout layout;
        GameDevice.Check(Api.CreatePipelineLayout(Device, &info, null, &layout));
        return layout;
    }

    private ShaderModule LoadShader(string file)
    {
        string name = $"FieldForge.Samples.VulkanGame.{file}.spv";
        using var stream = typeof(FrameRenderer).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"embedded shader {name} is missing (was the sample built with glslc?)");
        var code = new byte[stream.Length];
        stream.ReadExactly(code);
        fixed (byte* p = code)
        {
            var info = new ShaderModuleCreateInfo { SType = StructureType.ShaderModuleCreateInfo, CodeSize = (nuint)code.Length, PCode = (uint*)p };
            ShaderModule module;
            GameDevice.Check(Api.CreateShaderModule(Device, &info, null, &module));
            return module;
        }
    }

    private Pipeline CreatePipeline(string name, bool meshInput)
    {
        var vert = LoadShader(name + ".vert");
        var frag = LoadShader(name + ".frag");
        var entry = (byte*)Marshal.StringToHGlobalAnsi("main");
        try
        {
            PipelineShaderStageCreateInfo* stages = stackalloc PipelineShaderStageCreateInfo[2];
            stages[0] = new PipelineShaderStageCreateInfo { SType = StructureType.PipelineShaderStageCreateInfo, Stage = ShaderStageFlags.VertexBit, Module = vert, PName = entry };
            stages[1] = new PipelineShaderStageCreateInfo { SType = StructureType.PipelineShaderStageCreateInfo, Stage = ShaderStageFlags.FragmentBit, Module = frag, PName = entry };
            // IsoVertex: position (3 floats) at 0, normal (3 floats) at 12, RGBA8 colour at 24; 32-byte stride.
            var binding = new VertexInputBindingDescription(0, (uint)IsoVertex.Stride, VertexInputRate.Vertex);
            VertexInputAttributeDescription* attributes = stackalloc VertexInputAttributeDescription[3];
            attributes[0] = new VertexInputAttributeDescription(0, 0, Format.R32G32B32Sfloat, IsoVertex.PositionOffset);
            attributes[1] = new VertexInputAttributeDescription(1, 0, Format.R32G32B32Sfloat, IsoVertex.NormalOffset);
            attributes[2] = new VertexInputAttributeDescription(2, 0, Format.R8G8B8A8Unorm, IsoVertex.ColorOffset);
            var vertexInput = new PipelineVertexInputStateCreateInfo
            {
                SType = StructureType.PipelineVertexInputStateCreateInfo,
                VertexBindingDescriptionCount = meshInput ? 1u : 0u, PVertexBindingDescriptions = &binding,
                VertexAttributeDescriptionCount = meshInput ? 3u : 0u, PVertexAttributeDescriptions = attributes,
            };
            var assembly = new PipelineInputAssemblyStateCreateInfo { SType = StructureType.PipelineInputAssemblyStateCreateInfo, Topology = PrimitiveTopology.TriangleList };
            var viewport = new Viewport(0, 0, Width, Height, 0, 1);
            var scissor = new Rect2D(new Offset2D(0, 0), new Extent2D((uint)Width, (uint)Height));
            var viewportState = new PipelineViewportStateCreateInfo
            {
                SType = StructureType.PipelineViewportStateCreateInfo, ViewportCount = 1, PViewports = &viewport, ScissorCount = 1, PScissors = &scissor,
            };
            // No culling: the surface is closed, and the ground is seen from above only.
            var raster = new PipelineRasterizationStateCreateInfo
            {
                SType = StructureType.PipelineRasterizationStateCreateInfo, PolygonMode = PolygonMode.Fill, CullMode = CullModeFlags.None,
                FrontFace = FrontFace.CounterClockwise, LineWidth = 1,
            };
            var multisample = new PipelineMultisampleStateCreateInfo { SType = StructureType.PipelineMultisampleStateCreateInfo, RasterizationSamples = SampleCountFlags.Count1Bit };
            var depth = new PipelineDepthStencilStateCreateInfo
            {
                SType = StructureType.PipelineDepthStencilStateCreateInfo, DepthTestEnable = true, DepthWriteEnable = true, DepthCompareOp = CompareOp.Less,
            };
            var blendAttachment = new PipelineColorBlendAttachmentState
            {
                ColorWriteMask = ColorComponentFlags.RBit | ColorComponentFlags.GBit | ColorComponentFlags.BBit | ColorComponentFlags.ABit,
            };
            var blend = new PipelineColorBlendStateCreateInfo { SType = StructureType.PipelineColorBlendStateCreateInfo, AttachmentCount = 1, PAttachments = &blendAttachment };
            var info = new GraphicsPipelineCreateInfo
            {
                SType = StructureType.GraphicsPipelineCreateInfo, StageCount = 2, PStages = stages, PVertexInputState = &vertexInput,
                PInputAssemblyState = &assembly, PViewportState = &viewportState, PRasterizationState = &raster, PMultisampleState = &multisample,
                PDepthStencilState = &depth, PColorBlendState = &blend, Layout = _layout, RenderPass = _renderPass, Subpass = 0,
            };
            Pipeline pipeline;
            GameDevice.Check(Api.CreateGraphicsPipelines(Device, default, 1, &info, null, &pipeline));
            return pipeline;
        }
        finally
        {
            Marshal.FreeHGlobal((nint)entry);
            Api.DestroyShaderModule(Device, vert, null);
            Api.DestroyShaderModule(Device, frag, null);
        }
    }

    /// <summary>Waits for the queue, then destroys every object the renderer created.</summary>
    public void Dispose()
    {
        lock (_dev.QueueLock) Api.QueueWaitIdle(_dev.Queue);
        foreach (var slot in _slots)
        {
            if (slot is null) continue;
            Api.DestroyFramebuffer(Device, slot.Framebuffer, null);
            Api.DestroyImageView(Device, slot.ColorView, null);
            Api.DestroyImageView(Device, slot.DepthView, null);
            Api.DestroyFence(Device, slot.Fence, null);
            Api.UnmapMemory(Device, slot.ReadbackMemory);
            Api.DestroyBuffer(Device, slot.Readback, null);
            Api.FreeMemory(Device, slot.ReadbackMemory, null);
        }
        foreach (var (image, memory) in _images) { Api.DestroyImage(Device, image, null); Api.FreeMemory(Device, memory, null); }
        Api.DestroyImageView(Device, _placeholderView, null);
        Api.DestroyImage(Device, _placeholder, null);
        Api.FreeMemory(Device, _placeholderMemory, null);
        Api.DestroySampler(Device, _linear, null);
        Api.DestroyQueryPool(Device, _queries, null);
        Api.DestroyDescriptorPool(Device, _descriptorPool, null);
        Api.DestroyCommandPool(Device, _pool, null);
        Api.DestroyPipeline(Device, _meshPipeline, null);
        Api.DestroyPipeline(Device, _groundPipeline, null);
        Api.DestroyPipelineLayout(Device, _layout, null);
        Api.DestroyDescriptorSetLayout(Device, _setLayout, null);
        Api.DestroyRenderPass(Device, _renderPass, null);
    }
}
