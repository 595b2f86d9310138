using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using FieldForge.Gpu;
using Silk.NET.Core.Native;
using Silk.NET.Vulkan;

namespace FieldForge.Samples.VulkanGame;

/// <summary>
/// The game's own Vulkan instance, device and graphics+compute queue: what an engine creates before any middleware
/// exists. FieldForge borrows them through <see cref="Handles"/> and never destroys them. With validation on, the
/// game attaches its own debug messenger and keeps every message in <see cref="Messages"/>.
/// </summary>
public sealed unsafe class GameDevice : IDisposable
{
    private const string ValidationLayer = "VK_LAYER_KHRONOS_validation";
    private readonly ConcurrentQueue<string> _messages = new();
    private GCHandle _sink;
    private DebugUtilsMessengerEXT _messenger;
    private bool _disposed;

    /// <summary>The Vulkan API table.</summary>
    public Vk Api { get; } = Vk.GetApi();
    /// <summary>The game's instance (Vulkan 1.2).</summary>
    public Instance Instance { get; }
    /// <summary>The physical device the game chose.</summary>
    public PhysicalDevice Physical { get; }
    /// <summary>The game's logical device.</summary>
    public Device Device { get; }
    /// <summary>The one graphics+compute queue the game renders on and lends FieldForge.</summary>
    public Queue Queue { get; }
    /// <summary>Family of <see cref="Queue"/>.</summary>
    public uint QueueFamily { get; }
    /// <summary>Whether the Khronos validation layer and a debug messenger are on.</summary>
    public bool ValidationEnabled { get; }
    /// <summary>Device name and type, for the output.</summary>
    public string Description { get; }
    /// <summary>Nanoseconds per timestamp tick; 0 when the queue has no timestamps.</summary>
    public double TimestampPeriodNs { get; }
    /// <summary>The lock every submission to <see cref="Queue"/> takes, the game's and FieldForge's alike.</summary>
    public object QueueLock { get; } = new();

    /// <summary>Validation warnings and errors the game's messenger received.</summary>
    public IReadOnlyCollection<string> Messages => _messages;

    /// <param name="validation">Turn the validation layer on (an error when it is not installed).</param>
    public GameDevice(bool validation)
    {
        ValidationEnabled = validation;
        if (validation && !HasLayer(Api, ValidationLayer))
            throw new InvalidOperationException($"validation was asked for but {ValidationLayer} is not installed (Debian: apt-get install vulkan-validationlayers)");
        Instance = CreateInstance(validation);
        try
        {
            if (validation) CreateMessenger();
            (Physical, QueueFamily, Description, TimestampPeriodNs) = ChoosePhysicalDevice();
            float priority = 1f;
            var queueInfo = new DeviceQueueCreateInfo { SType = StructureType.DeviceQueueCreateInfo, QueueFamilyIndex = QueueFamily, QueueCount = 1, PQueuePriorities = &priority };
            var deviceInfo = new DeviceCreateInfo { SType = StructureType.DeviceCreateInfo, QueueCreateInfoCount = 1, PQueueCreateInfos = &queueInfo };
            Device device;
            Check(Api.CreateDevice(Physical, &deviceInfo, null, &device));
            Device = device;
            Queue queue;
            Api.GetDeviceQueue(Device, QueueFamily, 0, &queue);
            Queue = queue;
        }
        catch
        {
            DestroyInstance();
            throw;
        }
    }

    /// <summary>What FieldForge borrows: the device, the shared queue and the lock around it.</summary>
    public VulkanDeviceHandles Handles => new(Instance, Physical, Device, QueueFamily, Queue)
    {
        InstanceHasDebugUtils = ValidationEnabled,
        QueueLock = QueueLock,
    };

    /// <summary>Throws with the failing call's text when <paramref name="result"/> is not success.</summary>
    public static void Check(Result result, [CallerArgumentExpression(nameof(result))] string call = "")
    {
        if (result != Result.Success) throw new InvalidOperationException($"{call} failed: {result}");
    }

    /// <summary>A memory type index with <paramref name="required"/> properties among <paramref name="typeBits"/>.</summary>
    public uint FindMemoryType(uint typeBits, MemoryPropertyFlags required)
    {
        PhysicalDeviceMemoryProperties props;
        Api.GetPhysicalDeviceMemoryProperties(Physical, &props);
        for (uint i = 0; i < props.MemoryTypeCount; i++)
            if ((typeBits & (1u << (int)i)) != 0 && (props.MemoryTypes[(int)i].PropertyFlags & required) == required) return i;
        throw new InvalidOperationException($"no memory type with {required} among bits 0x{typeBits:x}");
    }

    /// <summary>Whether <paramref name="format"/> supports <paramref name="features"/> with optimal tiling.</summary>
    public bool Supports(Format format, FormatFeatureFlags features)
    {
        FormatProperties props;
        Api.GetPhysicalDeviceFormatProperties(Physical, format, &props);
        return (props.OptimalTilingFeatures & features) == features;
    }

    private Instance CreateInstance(bool validation)
    {
        var name = (byte*)SilkMarshal.StringToPtr("FieldForge Vulkan game sample");
        var layers = (byte**)SilkMarshal.StringArrayToPtr(validation ? new[] { ValidationLayer } : Array.Empty<string>());
        var extensions = (byte**)SilkMarshal.StringArrayToPtr(validation ? new[] { "VK_EXT_debug_utils" } : Array.Empty<string>());
        try
        {
            var app = new ApplicationInfo { SType = StructureType.ApplicationInfo, PApplicationName = name, PEngineName = name, ApiVersion = Vk.Version12 };
            var info = new InstanceCreateInfo
            {
                SType = StructureType.InstanceCreateInfo, PApplicationInfo = &app,
                EnabledLayerCount = validation ? 1u : 0u, PpEnabledLayerNames = layers,
                EnabledExtensionCount = validation ? 1u : 0u, PpEnabledExtensionNames = extensions,
            };
            Instance instance;
            var result = Api.CreateInstance(&info, null, &instance);
            if (result != Result.Success)
                throw new GpuUnavailableException($"vkCreateInstance failed: {result}. {GpuContext.InstallHint}");
            return instance;
        }
        finally { SilkMarshal.Free((nint)name); SilkMarshal.Free((nint)layers); SilkMarshal.Free((nint)extensions); }
    }

    [UnmanagedCallersOnly(CallConvs = new[] { typeof(CallConvCdecl) })]
    private static uint OnMessage(DebugUtilsMessageSeverityFlagsEXT severity, DebugUtilsMessageTypeFlagsEXT types,
        DebugUtilsMessengerCallbackDataEXT* data, void* user)
    {
        if (GCHandle.FromIntPtr((nint)user).Target is ConcurrentQueue<string> queue)
            queue.Enqueue($"game {severity}: {SilkMarshal.PtrToString((nint)data->PMessage)}");
        return 0;
    }

    private void CreateMessenger()
    {
        _sink = GCHandle.Alloc(_messages);
        var info = new DebugUtilsMessengerCreateInfoEXT
        {
            SType = StructureType.DebugUtilsMessengerCreateInfoExt,
            MessageSeverity = DebugUtilsMessageSeverityFlagsEXT.WarningBitExt | DebugUtilsMessageSeverityFlagsEXT.ErrorBitExt,
            MessageType = DebugUtilsMessageTypeFlagsEXT.GeneralBitExt | DebugUtilsMessageTypeFlagsEXT.ValidationBitExt | DebugUtilsMessageTypeFlagsEXT.PerformanceBitExt,
            PfnUserCallback = new PfnDebugUtilsMessengerCallbackEXT(
                (delegate* unmanaged[Cdecl]<DebugUtilsMessageSeverityFlagsEXT, DebugUtilsMessageTypeFlagsEXT, DebugUtilsMessengerCallbackDataEXT*, void*, Silk.NET.Core.Bool32>)
                (void*)(delegate* unmanaged[Cdecl]<DebugUtilsMessageSeverityFlagsEXT, DebugUtilsMessageTypeFlagsEXT, DebugUtilsMessengerCallbackDataEXT*, void*, uint>)&OnMessage),
            PUserData = (void*)GCHandle.ToIntPtr(_sink),
        };
        var create = (delegate* unmanaged<Instance, DebugUtilsMessengerCreateInfoEXT*, AllocationCallbacks*, DebugUtilsMessengerEXT*, Result>)
            Api.GetInstanceProcAddr(Instance, "vkCreateDebugUtilsMessengerEXT").Handle;
        DebugUtilsMessengerEXT messenger;
        Check(create(Instance, &info, null, &messenger));
        _messenger = messenger;
    }

    /// <summary>The first device with a graphics+compute family, preferring discrete, then integrated, virtual, CPU;
    /// FIELDFORGE_DEVICE (an index or a name substring) overrides, as for FieldForge's own contexts.</summary>
    private (PhysicalDevice, uint, string, double) ChoosePhysicalDevice()
    {
        uint count = 0;
        Api.EnumeratePhysicalDevices(Instance, &count, null);
        if (count == 0) throw new GpuUnavailableException($"no Vulkan device found. {GpuContext.InstallHint}");
        var devices = new PhysicalDevice[count];
        fixed (PhysicalDevice* p = devices) Api.EnumeratePhysicalDevices(Instance, &count, p);
        string? wanted = Environment.GetEnvironmentVariable("FIELDFORGE_DEVICE");
        (PhysicalDevice Device, uint Family, string Name, double Period, int Rank)? best = null;
        for (int i = 0; i < devices.Length; i++)
        {
            PhysicalDeviceProperties props;
            Api.GetPhysicalDeviceProperties(devices[i], &props);
            string name = SilkMarshal.PtrToString((nint)props.DeviceName) ?? "?";
            int rank = props.DeviceType switch
            {
                PhysicalDeviceType.DiscreteGpu => 4, PhysicalDeviceType.IntegratedGpu => 3, PhysicalDeviceType.VirtualGpu => 2, _ => 1,
            };
            if (!string.IsNullOrEmpty(wanted))
                rank = wanted == i.ToString() || name.Contains(wanted, StringComparison.OrdinalIgnoreCase) ? 10 : 0;
            if (rank == 0 || props.ApiVersion < Vk.Version12) continue;
            uint families = 0;
            Api.GetPhysicalDeviceQueueFamilyProperties(devices[i], &families, null);
            var fam = new QueueFamilyProperties[families];
            fixed (QueueFamilyProperties* f = fam) Api.GetPhysicalDeviceQueueFamilyProperties(devices[i], &families, f);
            int family = Array.FindIndex(fam, f => (f.QueueFlags & (QueueFlags.GraphicsBit | QueueFlags.ComputeBit)) == (QueueFlags.GraphicsBit | QueueFlags.ComputeBit));
            if (family < 0) continue;
            double period = fam[family].TimestampValidBits > 0 ? props.Limits.TimestampPeriod : 0;
            if (best is null || rank > best.Value.Rank) best = (devices[i], (uint)family, $"{name} ({props.DeviceType})", period, rank);
        }
        if (best is null)
            throw new GpuUnavailableException($"no Vulkan 1.2 device with a graphics+compute queue{(string.IsNullOrEmpty(wanted) ? "" : $" matching FIELDFORGE_DEVICE={wanted}")}. {GpuContext.InstallHint}");
        return (best.Value.Device, best.Value.Family, best.Value.Name, best.Value.Period);
    }

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

    private void DestroyInstance()
    {
        if (_messenger.Handle != 0)
        {
            var destroy = (delegate* unmanaged<Instance, DebugUtilsMessengerEXT, AllocationCallbacks*, void>)
                Api.GetInstanceProcAddr(Instance, "vkDestroyDebugUtilsMessengerEXT").Handle;
            destroy(Instance, _messenger, null);
            _messenger = default;
        }
        Api.DestroyInstance(Instance, null);
        if (_sink.IsAllocated) _sink.Free();
    }

    /// <summary>Waits for the queue, then destroys the device, the messenger and the instance.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        lock (QueueLock) Api.QueueWaitIdle(Queue);
        Api.DestroyDevice(Device, null);
        DestroyInstance();
        Api.Dispose();
    }
}
