using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Silk.NET.Core.Native;
using Silk.NET.Vulkan;
using VkBuffer = Silk.NET.Vulkan.Buffer;

namespace FieldForge.Gpu;

/// <summary>
/// The Vulkan compute core: one instance, device and queue, and everything they own — memory blocks, buffers, the
/// kernel cache (pipelines from the embedded SPIR-V), the pipeline cache persisted to disk, descriptor pools.
/// Disposing it frees all of it. Use one context from one thread at a time.
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

    private const string ValidationLayer = "VK_LAYER_KHRONOS_validation";
    private readonly ConcurrentQueue<ValidationMessage> _messages;
    private readonly Dictionary<string, Kernel> _kernels = new();
    private readonly Stack<DescriptorPool> _freePools = new();
    private readonly List<DescriptorPool> _allPools = new();
    private readonly HashSet<GpuBuffer> _liveBuffers = new();
    private readonly Dictionary<Fence, CommandBatch> _pending = new();
    private readonly string? _pipelineCachePath;
    private readonly MemoryAllocator _allocator;
    private readonly GCHandle _messageSink;
    private readonly DebugUtilsMessengerEXT _messenger;
    private readonly bool _hostMappedDeviceLocal;
    private GpuPrimitives? _primitives;
    private GpuBuffer<byte>? _staging;
    private bool _disposed;

    private GpuContext(Vk api, Instance instance, GCHandle sink, ConcurrentQueue<ValidationMessage> messages, DebugUtilsMessengerEXT messenger, PhysicalDevice physical,
        GpuDeviceInfo info, uint queueFamily, PhysicalDeviceLimits limits, bool atomicFloat, string? cacheDir)
    {
        Api = api; Instance = instance; _messageSink = sink; _messages = messages; _messenger = messenger; PhysicalDevice = physical; DeviceInfo = info;
        QueueFamily = queueFamily;
        TimestampPeriodNs = limits.TimestampPeriod;
        MaxGroupCountX = limits.MaxComputeWorkGroupCount[0];
        MaxGroupCountY = limits.MaxComputeWorkGroupCount[1];
        ValidationEnabled = messenger.Handle != 0;

        float priority = 1f;
        var queueInfo = new DeviceQueueCreateInfo
        {
            SType = StructureType.DeviceQueueCreateInfo, QueueFamilyIndex = queueFamily, QueueCount = 1, PQueuePriorities = &priority,
        };
        var atomicFeatures = new PhysicalDeviceShaderAtomicFloatFeaturesEXT
        {
            SType = StructureType.PhysicalDeviceShaderAtomicFloatFeaturesExt,
            ShaderBufferFloat32AtomicAdd = true, ShaderBufferFloat32Atomics = true,
        };
        var extensions = atomicFloat ? new[] { "VK_EXT_shader_atomic_float" } : Array.Empty<string>();
        var extPtr = (byte**)SilkMarshal.StringArrayToPtr(extensions);
        try
        {
            var deviceInfo = new DeviceCreateInfo
            {
                SType = StructureType.DeviceCreateInfo, QueueCreateInfoCount = 1, PQueueCreateInfos = &queueInfo,
                EnabledExtensionCount = (uint)extensions.Length, PpEnabledExtensionNames = extPtr,
                PNext = atomicFloat ? &atomicFeatures : null,
            };
            Device device;
            VulkanResult.Check(api.CreateDevice(physical, &deviceInfo, null, &device));
            Device = device;
        }
        finally { SilkMarshal.Free((nint)extPtr); }

        Queue queue;
        api.GetDeviceQueue(Device, queueFamily, 0, &queue);
        Queue = queue;
        var poolInfo = new CommandPoolCreateInfo
        {
            SType = StructureType.CommandPoolCreateInfo, QueueFamilyIndex = queueFamily, Flags = CommandPoolCreateFlags.ResetCommandBufferBit,
        };
        CommandPool pool;
        VulkanResult.Check(api.CreateCommandPool(Device, &poolInfo, null, &pool));
        CommandPool = pool;
        _allocator = new MemoryAllocator(api, physical, Device);
        _pipelineCachePath = PipelineCachePath(cacheDir, physical);
        PipelineCache = CreatePipelineCache(_pipelineCachePath);

        // Probe once whether device-local memory is host-visible, so transfers can skip staging.
        using (var probe = new GpuBuffer<byte>(this, 16, BufferLocation.DeviceLocal, "probe"))
            _hostMappedDeviceLocal = probe.MappedPointer != null;
    }

    /// <summary>Creates a context on the best device (or the one <paramref name="options"/>/<c>FIELDFORGE_DEVICE</c> names).</summary>
    /// <exception cref="GpuUnavailableException">No Vulkan loader, driver, matching device, or (when asked for) validation layer.</exception>
    public static GpuContext Create(GpuContextOptions? options = null)
    {
        options ??= new GpuContextOptions();
        Vk api;
        try { api = Vk.GetApi(); }
        catch (Exception e) when (e is FileNotFoundException or DllNotFoundException or PlatformNotSupportedException or TypeInitializationException)
        {
            throw new GpuUnavailableException($"The Vulkan loader (libvulkan.so.1) could not be loaded ({e.Message.Split('\n')[0]}). {InstallHint}");
        }

        bool validation = options.ResolveValidation();
        if (validation && !HasLayer(api, ValidationLayer))
            throw new GpuUnavailableException($"Validation was requested but {ValidationLayer} is not installed: apt-get install vulkan-validationlayers");

        var messages = new ConcurrentQueue<ValidationMessage>();
        var sink = GCHandle.Alloc(messages);
        Instance instance = default;
        DebugUtilsMessengerEXT messenger = default;
        try
        {
            instance = CreateInstance(api, validation, sink, out var messengerInfo);
            if (validation) messenger = CreateMessenger(api, instance, messengerInfo);
            var (physical, info, family, limits, atomicFloat) = SelectDevice(api, instance, options.ResolveDevice());
            var context = new GpuContext(api, instance, sink, messages, messenger, physical, info, family, limits, atomicFloat, options.ResolveCacheDirectory());
            return context;
        }
        catch
        {
            if (messenger.Handle != 0) DestroyMessenger(api, instance, messenger);
            if (instance.Handle != 0) api.DestroyInstance(instance, null);
            sink.Free();
            throw;
        }
    }

    internal Vk Api { get; }
    internal Instance Instance { get; }
    internal PhysicalDevice PhysicalDevice { get; }
    internal Device Device { get; }
    internal Queue Queue { get; }
    internal uint QueueFamily { get; }
    internal CommandPool CommandPool { get; }
    internal PipelineCache PipelineCache { get; }
    internal double TimestampPeriodNs { get; }
    internal uint MaxGroupCountX { get; }
    internal uint MaxGroupCountY { get; }

    /// <summary>The device this context runs on (print it next to every figure).</summary>
    public GpuDeviceInfo DeviceInfo { get; }
    /// <summary>Whether the Khronos validation layer and debug messenger are on.</summary>
    public bool ValidationEnabled { get; }
    /// <summary>Fill, copy, scan and reductions as kernels, shared by every feature.</summary>
    public GpuPrimitives Primitives => _primitives ??= new GpuPrimitives(this);
    /// <summary>Live buffers owned by this context (for leak checks and the HUD).</summary>
    public int LiveBufferCount => _liveBuffers.Count;
    /// <summary>Memory blocks currently allocated from the driver.</summary>
    public int MemoryBlockCount => _allocator.BlockCount;

    /// <summary>Messages queued by the validation layer (and by FieldForge's own leak checks) since the last drain.</summary>
    public IReadOnlyList<ValidationMessage> DrainValidationMessages()
    {
        var list = new List<ValidationMessage>();
        while (_messages.TryDequeue(out var m)) list.Add(m);
        return list;
    }

    /// <summary>Every device Vulkan reports, in enumeration order (what <c>FIELDFORGE_DEVICE</c> indexes).</summary>
    public static IReadOnlyList<GpuDeviceInfo> ListDevices()
    {
        using var context = Create(new GpuContextOptions(EnableValidation: false, CacheDirectory: ""));
        return EnumerateDevices(context.Api, context.Instance).Select(d => d.Info).ToArray();
    }

    // ---- buffers -------------------------------------------------------------------------------------------------

    /// <summary>Allocates an uninitialised buffer of <paramref name="length"/> elements.</summary>
    public GpuBuffer<T> CreateBuffer<T>(long length, BufferLocation location = BufferLocation.DeviceLocal, string? label = null) where T : unmanaged
    {
        ThrowIfDisposed();
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        return new GpuBuffer<T>(this, length, location, label);
    }

    /// <summary>Allocates a buffer holding a copy of <paramref name="data"/>.</summary>
    public GpuBuffer<T> CreateBuffer<T>(ReadOnlySpan<T> data, BufferLocation location = BufferLocation.DeviceLocal, string? label = null) where T : unmanaged
    {
        var buffer = CreateBuffer<T>(data.Length, location, label);
        buffer.Upload(data);
        return buffer;
    }

    internal (VkBuffer, MemoryAllocation) CreateBufferHandle(ulong bytes, BufferLocation location)
    {
        ThrowIfDisposed();
        var info = new BufferCreateInfo
        {
            SType = StructureType.BufferCreateInfo, Size = bytes, SharingMode = SharingMode.Exclusive,
            Usage = BufferUsageFlags.StorageBufferBit | BufferUsageFlags.TransferSrcBit | BufferUsageFlags.TransferDstBit,
        };
        VkBuffer buffer;
        VulkanResult.Check(Api.CreateBuffer(Device, &info, null, &buffer));
        MemoryRequirements req;
        Api.GetBufferMemoryRequirements(Device, buffer, &req);
        MemoryAllocation allocation;
        try
        {
            allocation = location == BufferLocation.HostVisible
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

    internal void Track(GpuBuffer buffer) => _liveBuffers.Add(buffer);

    internal void Release(GpuBuffer buffer, MemoryAllocation allocation)
    {
        if (_disposed) return;
        WaitForPendingWork(); // a kernel in flight may still use it
        Api.DestroyBuffer(Device, buffer.Handle, null);
        _allocator.Free(allocation);
        _liveBuffers.Remove(buffer);
    }

    internal void Write(GpuBuffer buffer, ulong byteOffset, ReadOnlySpan<byte> bytes)
    {
        WaitForPendingWork();
        if (buffer.MappedPointer != null)
        {
            bytes.CopyTo(new Span<byte>(buffer.MappedPointer + byteOffset, bytes.Length));
            return;
        }
        var staging = Staging();
        for (int done = 0; done < bytes.Length;)
        {
            int chunk = (int)Math.Min((ulong)(bytes.Length - done), staging.ByteSize);
            bytes.Slice(done, chunk).CopyTo(new Span<byte>(staging.MappedPointer, chunk));
            using var batch = BeginBatch();
            batch.CopyBytes(staging, 0, buffer, byteOffset + (ulong)done, (ulong)chunk);
            batch.Submit();
            done += chunk;
        }
    }

    internal void Read(GpuBuffer buffer, ulong byteOffset, Span<byte> bytes)
    {
        WaitForPendingWork();
        if (buffer.MappedPointer != null)
        {
            new ReadOnlySpan<byte>(buffer.MappedPointer + byteOffset, bytes.Length).CopyTo(bytes);
            return;
        }
        var staging = Staging();
        for (int done = 0; done < bytes.Length;)
        {
            int chunk = (int)Math.Min((ulong)(bytes.Length - done), staging.ByteSize);
            using (var batch = BeginBatch())
            {
                batch.CopyBytes(buffer, byteOffset + (ulong)done, staging, 0, (ulong)chunk);
                batch.Submit();
            }
            new ReadOnlySpan<byte>(staging.MappedPointer, chunk).CopyTo(bytes.Slice(done, chunk));
            done += chunk;
        }
    }

    private GpuBuffer<byte> Staging() => _staging ??= new GpuBuffer<byte>(this, 16 << 20, BufferLocation.HostVisible, "staging");

    /// <summary>Whether device-local buffers are directly host-mapped on this device (UMA/CPU drivers).</summary>
    public bool DeviceLocalIsHostMapped => _hostMappedDeviceLocal;

    // ---- kernels -------------------------------------------------------------------------------------------------

    /// <summary>The names of every kernel embedded in the runtime assembly.</summary>
    public static IReadOnlyList<string> KernelNames { get; } = typeof(GpuContext).Assembly.GetManifestResourceNames()
        .Where(n => n.StartsWith("FieldForge.Shaders.", StringComparison.Ordinal) && n.EndsWith(".spv", StringComparison.Ordinal))
        .Select(n => n["FieldForge.Shaders.".Length..^4]).Order(StringComparer.Ordinal).ToArray();

    /// <summary>The compute pipeline for <paramref name="spec"/>, built once and cached. The shader's bindings and
    /// push-constant block are checked against the spec.</summary>
    public Kernel GetKernel(KernelSpec spec)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(spec);
        if (_kernels.TryGetValue(spec.Name, out var cached))
        {
            if (cached.Spec != spec) throw new InvalidOperationException($"kernel '{spec.Name}' was loaded as {cached.Spec} and is now requested as {spec}");
            return cached;
        }
        var bytes = LoadSpirv(spec.Name);
        var reflection = SpirvReflection.Parse(bytes, spec.Name);
        Kernel.Verify(spec, reflection);
        var kernel = BuildKernel(spec, reflection, bytes);
        _kernels[spec.Name] = kernel;
        return kernel;
    }

    private static byte[] LoadSpirv(string name)
    {
        using var stream = typeof(GpuContext).Assembly.GetManifestResourceStream($"FieldForge.Shaders.{name}.spv");
        if (stream is null)
        {
            var close = KernelNames.Where(k => k.Contains(name, StringComparison.OrdinalIgnoreCase) || name.Contains(k, StringComparison.OrdinalIgnoreCase)).Take(5).ToArray();
            throw new ArgumentException($"no shader kernel named '{name}'" +
                (close.Length > 0 ? $"; did you mean {string.Join(", ", close)}?" : $"; {KernelNames.Count} kernels are embedded (see GpuContext.KernelNames)"), nameof(name));
        }
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        return bytes;
    }

    private Kernel BuildKernel(KernelSpec spec, SpirvReflection reflection, byte[] code)
    {
        ShaderModule module;
        fixed (byte* p = code)
        {
            var info = new ShaderModuleCreateInfo { SType = StructureType.ShaderModuleCreateInfo, CodeSize = (nuint)code.Length, PCode = (uint*)p };
            VulkanResult.Check(Api.CreateShaderModule(Device, &info, null, &module));
        }
        var bindings = stackalloc DescriptorSetLayoutBinding[Math.Max(spec.Buffers, 1)];
        for (int i = 0; i < spec.Buffers; i++)
            bindings[i] = new DescriptorSetLayoutBinding
            {
                Binding = (uint)i, DescriptorType = DescriptorType.StorageBuffer, DescriptorCount = 1, StageFlags = ShaderStageFlags.ComputeBit,
            };
        var setInfo = new DescriptorSetLayoutCreateInfo { SType = StructureType.DescriptorSetLayoutCreateInfo, BindingCount = (uint)spec.Buffers, PBindings = bindings };
        DescriptorSetLayout setLayout;
        VulkanResult.Check(Api.CreateDescriptorSetLayout(Device, &setInfo, null, &setLayout));
        var range = new PushConstantRange { StageFlags = ShaderStageFlags.ComputeBit, Offset = 0, Size = (uint)spec.PushConstantBytes };
        var layoutInfo = new PipelineLayoutCreateInfo
        {
            SType = StructureType.PipelineLayoutCreateInfo, SetLayoutCount = 1, PSetLayouts = &setLayout,
            PushConstantRangeCount = spec.PushConstantBytes > 0 ? 1u : 0u, PPushConstantRanges = &range,
        };
        PipelineLayout layout;
        VulkanResult.Check(Api.CreatePipelineLayout(Device, &layoutInfo, null, &layout));
        var entry = (byte*)SilkMarshal.StringToPtr("main");
        try
        {
            var pipelineInfo = new ComputePipelineCreateInfo
            {
                SType = StructureType.ComputePipelineCreateInfo, Layout = layout,
                Stage = new PipelineShaderStageCreateInfo
                {
                    SType = StructureType.PipelineShaderStageCreateInfo, Stage = ShaderStageFlags.ComputeBit, Module = module, PName = entry,
                },
            };
            Pipeline pipeline;
            VulkanResult.Check(Api.CreateComputePipelines(Device, PipelineCache, 1, &pipelineInfo, null, &pipeline));
            return new Kernel(spec, reflection, module, setLayout, layout, pipeline);
        }
        finally { SilkMarshal.Free((nint)entry); }
    }

    // ---- batches -------------------------------------------------------------------------------------------------

    /// <summary>Starts recording a batch of dispatches that is submitted once.</summary>
    public CommandBatch BeginBatch()
    {
        ThrowIfDisposed();
        return new CommandBatch(this);
    }

    internal Fence SubmitCommands(CommandBuffer commands, CommandBatch owner)
    {
        var fenceInfo = new FenceCreateInfo { SType = StructureType.FenceCreateInfo };
        Fence fence;
        VulkanResult.Check(Api.CreateFence(Device, &fenceInfo, null, &fence));
        var submit = new SubmitInfo { SType = StructureType.SubmitInfo, CommandBufferCount = 1, PCommandBuffers = &commands };
        VulkanResult.Check(Api.QueueSubmit(Queue, 1, &submit, fence));
        _pending[fence] = owner;
        return fence;
    }

    internal void WaitFence(Fence fence, CommandBatch owner)
    {
        if (!_pending.Remove(fence)) return;
        VulkanResult.Check(Api.WaitForFences(Device, 1, &fence, true, ulong.MaxValue));
        Api.DestroyFence(Device, fence, null);
    }

    /// <summary>Blocks until every submitted batch finished.</summary>
    public void WaitForPendingWork()
    {
        foreach (var batch in _pending.Values.ToArray()) batch.Wait();
    }

    internal DescriptorPool RentDescriptorPool()
    {
        if (_freePools.TryPop(out var pool)) return pool;
        var size = new DescriptorPoolSize { Type = DescriptorType.StorageBuffer, DescriptorCount = 2048 };
        var info = new DescriptorPoolCreateInfo { SType = StructureType.DescriptorPoolCreateInfo, MaxSets = 256, PoolSizeCount = 1, PPoolSizes = &size };
        VulkanResult.Check(Api.CreateDescriptorPool(Device, &info, null, &pool));
        _allPools.Add(pool);
        return pool;
    }

    internal void ReturnDescriptorPool(DescriptorPool pool)
    {
        VulkanResult.Check(Api.ResetDescriptorPool(Device, pool, 0));
        _freePools.Push(pool);
    }

    // ---- lifetime ------------------------------------------------------------------------------------------------

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    public void Dispose()
    {
        if (_disposed) return;
        WaitForPendingWork();
        Api.DeviceWaitIdle(Device);
        _staging?.Dispose();
        _staging = null;
        _primitives?.Dispose();
        foreach (var leaked in _liveBuffers.ToArray())
        {
            _messages.Enqueue(new ValidationMessage(ValidationSeverity.Warning, $"FieldForge: '{leaked.Label}' was not disposed before its GpuContext"));
            leaked.Dispose();
        }
        SavePipelineCache();
        _disposed = true;
        foreach (var k in _kernels.Values)
        {
            Api.DestroyPipeline(Device, k.Pipeline, null);
            Api.DestroyPipelineLayout(Device, k.Layout, null);
            Api.DestroyDescriptorSetLayout(Device, k.SetLayout, null);
            Api.DestroyShaderModule(Device, k.Module, null);
        }
        _kernels.Clear();
        foreach (var p in _allPools) Api.DestroyDescriptorPool(Device, p, null);
        _allocator.Dispose();
        Api.DestroyPipelineCache(Device, PipelineCache, null);
        Api.DestroyCommandPool(Device, CommandPool, null);
        Api.DestroyDevice(Device, null);
        if (_messenger.Handle != 0) DestroyMessenger(Api, Instance, _messenger);
        Api.DestroyInstance(Instance, null);
        // Leak reports arrive during vkDestroyDevice, so the sink lives until the instance is gone; the queue itself
        // stays readable through DrainValidationMessages after Dispose.
        _messageSink.Free();
        Api.Dispose();
    }

    public override string ToString() => DeviceInfo.ToString();

    // ---- creation helpers ------------------------------------------------------------------------------------------

    private static bool HasLayer(Vk api, string name)
    {
        uint count = 0;
        api.EnumerateInstanceLayerProperties(&count, null);
        var layers = new LayerProperties[count];
        fixed (LayerProperties* p = layers) api.EnumerateInstanceLayerProperties(&count, p);
        foreach (var layer in layers)
            if (SilkMarshal.PtrToString((nint)layer.LayerName) == name) return true;
        return false;
    }

    private static Instance CreateInstance(Vk api, bool validation, GCHandle sink, out DebugUtilsMessengerCreateInfoEXT messengerInfo)
    {
        var appName = (byte*)SilkMarshal.StringToPtr("FieldForge");
        var layers = validation ? new[] { ValidationLayer } : Array.Empty<string>();
        var extensions = validation ? new[] { "VK_EXT_debug_utils" } : Array.Empty<string>();
        var layerPtr = (byte**)SilkMarshal.StringArrayToPtr(layers);
        var extPtr = (byte**)SilkMarshal.StringArrayToPtr(extensions);
        messengerInfo = new DebugUtilsMessengerCreateInfoEXT
        {
            SType = StructureType.DebugUtilsMessengerCreateInfoExt,
            MessageSeverity = DebugUtilsMessageSeverityFlagsEXT.WarningBitExt | DebugUtilsMessageSeverityFlagsEXT.ErrorBitExt,
            MessageType = DebugUtilsMessageTypeFlagsEXT.GeneralBitExt | DebugUtilsMessageTypeFlagsEXT.ValidationBitExt |
                          DebugUtilsMessageTypeFlagsEXT.PerformanceBitExt,
            // Bool32 cannot be an [UnmanagedCallersOnly] return type; uint has the same ABI.
            PfnUserCallback = new PfnDebugUtilsMessengerCallbackEXT(
                (delegate* unmanaged[Cdecl]<DebugUtilsMessageSeverityFlagsEXT, DebugUtilsMessageTypeFlagsEXT, DebugUtilsMessengerCallbackDataEXT*, void*, Silk.NET.Core.Bool32>)
                (void*)(delegate* unmanaged[Cdecl]<DebugUtilsMessageSeverityFlagsEXT, DebugUtilsMessageTypeFlagsEXT, DebugUtilsMessengerCallbackDataEXT*, void*, uint>)&OnDebugMessage),
            PUserData = (void*)GCHandle.ToIntPtr(sink),
        };
        try
        {
            var app = new ApplicationInfo
            {
                SType = StructureType.ApplicationInfo, PApplicationName = appName, PEngineName = appName,
                ApiVersion = Vk.Version12, ApplicationVersion = 1, EngineVersion = 1,
            };
            var info = new InstanceCreateInfo
            {
                SType = StructureType.InstanceCreateInfo, PApplicationInfo = &app,
                EnabledLayerCount = (uint)layers.Length, PpEnabledLayerNames = layerPtr,
                EnabledExtensionCount = (uint)extensions.Length, PpEnabledExtensionNames = extPtr,
            };
            var chained = messengerInfo;
            if (validation) info.PNext = &chained;
            Instance instance;
            var result = api.CreateInstance(&info, null, &instance);
            if (result is Result.ErrorIncompatibleDriver or Result.ErrorInitializationFailed)
                throw new GpuUnavailableException($"vkCreateInstance failed with {result}: no Vulkan driver is installed. {InstallHint}");
            VulkanResult.Check(result);
            return instance;
        }
        finally
        {
            SilkMarshal.Free((nint)appName);
            SilkMarshal.Free((nint)layerPtr);
            SilkMarshal.Free((nint)extPtr);
        }
    }

    [UnmanagedCallersOnly(CallConvs = new[] { typeof(CallConvCdecl) })]
    private static uint OnDebugMessage(DebugUtilsMessageSeverityFlagsEXT severity, DebugUtilsMessageTypeFlagsEXT types,
        DebugUtilsMessengerCallbackDataEXT* data, void* userData)
    {
        if (userData == null) return 0;
        var sink = GCHandle.FromIntPtr((nint)userData).Target as ConcurrentQueue<ValidationMessage>;
        var text = SilkMarshal.PtrToString((nint)data->PMessage) ?? "(no message)";
        var level = (severity & DebugUtilsMessageSeverityFlagsEXT.ErrorBitExt) != 0 ? ValidationSeverity.Error
            : (severity & DebugUtilsMessageSeverityFlagsEXT.WarningBitExt) != 0 ? ValidationSeverity.Warning
            : (severity & DebugUtilsMessageSeverityFlagsEXT.InfoBitExt) != 0 ? ValidationSeverity.Info : ValidationSeverity.Verbose;
        sink?.Enqueue(new ValidationMessage(level, $"{types}: {text}"));
        return 0; // VK_FALSE: never abort the call
    }

    private static DebugUtilsMessengerEXT CreateMessenger(Vk api, Instance instance, DebugUtilsMessengerCreateInfoEXT info)
    {
        var fn = (delegate* unmanaged<Instance, DebugUtilsMessengerCreateInfoEXT*, AllocationCallbacks*, DebugUtilsMessengerEXT*, Result>)
            api.GetInstanceProcAddr(instance, "vkCreateDebugUtilsMessengerEXT").Handle;
        if (fn == null) throw new GpuUnavailableException("vkCreateDebugUtilsMessengerEXT is missing although validation was requested");
        DebugUtilsMessengerEXT messenger;
        VulkanResult.Check(fn(instance, &info, null, &messenger));
        return messenger;
    }

    private static void DestroyMessenger(Vk api, Instance instance, DebugUtilsMessengerEXT messenger)
    {
        var fn = (delegate* unmanaged<Instance, DebugUtilsMessengerEXT, AllocationCallbacks*, void>)
            api.GetInstanceProcAddr(instance, "vkDestroyDebugUtilsMessengerEXT").Handle;
        if (fn != null) fn(instance, messenger, null);
    }

    private sealed record DeviceCandidate(PhysicalDevice Handle, GpuDeviceInfo Info, PhysicalDeviceLimits Limits, uint QueueFamily, bool AtomicFloat);

    private static List<DeviceCandidate> EnumerateDevices(Vk api, Instance instance)
    {
        uint count = 0;
        VulkanResult.Check(api.EnumeratePhysicalDevices(instance, &count, null));
        var handles = new PhysicalDevice[count];
        fixed (PhysicalDevice* p = handles) VulkanResult.Check(api.EnumeratePhysicalDevices(instance, &count, p));
        var result = new List<DeviceCandidate>();
        for (int i = 0; i < handles.Length; i++)
        {
            var pd = handles[i];
            var driver = new PhysicalDeviceDriverProperties { SType = StructureType.PhysicalDeviceDriverProperties };
            var props2 = new PhysicalDeviceProperties2 { SType = StructureType.PhysicalDeviceProperties2, PNext = &driver };
            api.GetPhysicalDeviceProperties2(pd, &props2);
            var props = props2.Properties;
            var subgroup = new PhysicalDeviceSubgroupProperties { SType = StructureType.PhysicalDeviceSubgroupProperties };
            var props2b = new PhysicalDeviceProperties2 { SType = StructureType.PhysicalDeviceProperties2, PNext = &subgroup };
            api.GetPhysicalDeviceProperties2(pd, &props2b);

            uint familyCount = 0;
            api.GetPhysicalDeviceQueueFamilyProperties(pd, &familyCount, null);
            var families = new QueueFamilyProperties[familyCount];
            fixed (QueueFamilyProperties* f = families) api.GetPhysicalDeviceQueueFamilyProperties(pd, &familyCount, f);
            int family = -1;
            for (int q = 0; q < families.Length && family < 0; q++)
                if ((families[q].QueueFlags & QueueFlags.ComputeBit) != 0 && families[q].TimestampValidBits > 0) family = q;
            for (int q = 0; q < families.Length && family < 0; q++)
                if ((families[q].QueueFlags & QueueFlags.ComputeBit) != 0) family = q;
            if (family < 0) continue;

            bool atomicFloat = HasDeviceExtension(api, pd, "VK_EXT_shader_atomic_float");
            if (atomicFloat)
            {
                var atomic = new PhysicalDeviceShaderAtomicFloatFeaturesEXT { SType = StructureType.PhysicalDeviceShaderAtomicFloatFeaturesExt };
                var features = new PhysicalDeviceFeatures2 { SType = StructureType.PhysicalDeviceFeatures2, PNext = &atomic };
                api.GetPhysicalDeviceFeatures2(pd, &features);
                atomicFloat = atomic.ShaderBufferFloat32AtomicAdd;
            }
            uint v = props.ApiVersion;
            var info = new GpuDeviceInfo(i, SilkMarshal.PtrToString((nint)props.DeviceName) ?? "?", (GpuDeviceType)(int)props.DeviceType,
                SilkMarshal.PtrToString((nint)driver.DriverName) ?? "?", SilkMarshal.PtrToString((nint)driver.DriverInfo) ?? "",
                $"{v >> 22}.{(v >> 12) & 0x3ff}.{v & 0xfff}", subgroup.SubgroupSize,
                (subgroup.SupportedOperations & SubgroupFeatureFlags.ArithmeticBit) != 0 && (subgroup.SupportedStages & ShaderStageFlags.ComputeBit) != 0,
                props.Limits.MaxStorageBufferRange, atomicFloat,
                families[family].TimestampValidBits > 0 && props.Limits.TimestampComputeAndGraphics);
            result.Add(new DeviceCandidate(pd, info, props.Limits, (uint)family, atomicFloat));
        }
        return result;
    }

    private static bool HasDeviceExtension(Vk api, PhysicalDevice pd, string name)
    {
        uint count = 0;
        api.EnumerateDeviceExtensionProperties(pd, (byte*)null, &count, null);
        var exts = new ExtensionProperties[count];
        fixed (ExtensionProperties* e = exts) api.EnumerateDeviceExtensionProperties(pd, (byte*)null, &count, e);
        return exts.Any(e => SilkMarshal.PtrToString((nint)e.ExtensionName) == name);
    }

    private static int Rank(GpuDeviceType type) => type switch
    {
        GpuDeviceType.DiscreteGpu => 4, GpuDeviceType.IntegratedGpu => 3, GpuDeviceType.VirtualGpu => 2, GpuDeviceType.Cpu => 1, _ => 0,
    };

    private static (PhysicalDevice, GpuDeviceInfo, uint, PhysicalDeviceLimits, bool) SelectDevice(Vk api, Instance instance, string? selector)
    {
        var devices = EnumerateDevices(api, instance);
        if (devices.Count == 0) throw new GpuUnavailableException($"Vulkan reports no device with a compute queue. {InstallHint}");
        DeviceCandidate chosen;
        if (selector is null) chosen = devices.OrderByDescending(d => Rank(d.Info.Type)).First();
        else
        {
            var byIndex = int.TryParse(selector, out var index) ? devices.FirstOrDefault(d => d.Info.Index == index) : null;
            chosen = byIndex ?? devices.FirstOrDefault(d => d.Info.Name.Contains(selector, StringComparison.OrdinalIgnoreCase))
                ?? throw new GpuUnavailableException($"FIELDFORGE_DEVICE='{selector}' matches no device; available: " +
                    string.Join("; ", devices.Select(d => $"{d.Info.Index}: {d.Info.Name}")));
        }
        return (chosen.Handle, chosen.Info, chosen.QueueFamily, chosen.Limits, chosen.AtomicFloat);
    }

    private string? PipelineCachePath(string? dir, PhysicalDevice pd)
    {
        if (dir is null) return null;
        PhysicalDeviceProperties props;
        Api.GetPhysicalDeviceProperties(pd, &props);
        var uuid = Convert.ToHexString(new ReadOnlySpan<byte>(props.PipelineCacheUuid, 16));
        return Path.Combine(dir, $"pipelines-{props.VendorID:x4}-{props.DeviceID:x4}-{uuid}.bin");
    }

    private PipelineCache CreatePipelineCache(string? path)
    {
        byte[] initial = Array.Empty<byte>();
        try { if (path is not null && File.Exists(path)) initial = File.ReadAllBytes(path); }
        catch (IOException) { } // an unreadable cache only costs compile time
        catch (UnauthorizedAccessException) { }
        fixed (byte* p = initial)
        {
            var info = new PipelineCacheCreateInfo { SType = StructureType.PipelineCacheCreateInfo, InitialDataSize = (nuint)initial.Length, PInitialData = p };
            PipelineCache cache;
            var result = Api.CreatePipelineCache(Device, &info, null, &cache);
            if (result != Result.Success && initial.Length > 0)
            {
                info.InitialDataSize = 0; info.PInitialData = null; // corrupt cache file: start empty
                result = Api.CreatePipelineCache(Device, &info, null, &cache);
            }
            VulkanResult.Check(result);
            return cache;
        }
    }

    private void SavePipelineCache()
    {
        if (_pipelineCachePath is null || _kernels.Count == 0) return;
        try
        {
            nuint size = 0;
            VulkanResult.Check(Api.GetPipelineCacheData(Device, PipelineCache, &size, null));
            var data = new byte[size];
            fixed (byte* p = data) VulkanResult.Check(Api.GetPipelineCacheData(Device, PipelineCache, &size, p));
            Directory.CreateDirectory(Path.GetDirectoryName(_pipelineCachePath)!);
            var temp = _pipelineCachePath + $".{Environment.ProcessId}.tmp";
            File.WriteAllBytes(temp, data.AsSpan(0, (int)size).ToArray());
            File.Move(temp, _pipelineCachePath, overwrite: true);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
