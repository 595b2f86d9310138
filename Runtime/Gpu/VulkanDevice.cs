using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Silk.NET.Core.Native;
using Silk.NET.Vulkan;

namespace FieldForge.Gpu;

/// <summary>
/// The Vulkan objects a <see cref="GpuContext"/> runs on: instance (with the validation messenger when asked for),
/// physical device, logical device and one queue. Either created here (and destroyed on dispose) or borrowed from a
/// game that created them (and never destroyed here). Construction cleans up after itself when any step fails.
/// </summary>
internal sealed unsafe class VulkanDevice : IDisposable
{
    private const string ValidationLayer = "VK_LAYER_KHRONOS_validation";
    private readonly GCHandle _messageSink;
    private readonly DebugUtilsMessengerEXT _messenger;
    private readonly bool _ownsInstance, _ownsDevice;
    private bool _disposed;

    private VulkanDevice(Vk api, Instance instance, bool ownsInstance, GCHandle sink, ConcurrentQueue<ValidationMessage> messages,
        DebugUtilsMessengerEXT messenger, PhysicalDevice physical, GpuDeviceInfo info, PhysicalDeviceLimits limits,
        Device device, bool ownsDevice, uint queueFamily, Queue queue, object queueLock)
    {
        Api = api; Instance = instance; _ownsInstance = ownsInstance; _messageSink = sink; Messages = messages; _messenger = messenger;
        PhysicalDevice = physical; Info = info; Limits = limits; Device = device; _ownsDevice = ownsDevice;
        QueueFamily = queueFamily; Queue = queue; QueueLock = queueLock;
        MaxGroupCountX = limits.MaxComputeWorkGroupCount[0];
        MaxGroupCountY = limits.MaxComputeWorkGroupCount[1];
    }

    public uint MaxGroupCountX { get; }
    public uint MaxGroupCountY { get; }

    public Vk Api { get; }
    public Instance Instance { get; }
    public PhysicalDevice PhysicalDevice { get; }
    public GpuDeviceInfo Info { get; }
    public PhysicalDeviceLimits Limits { get; }
    public Device Device { get; }
    public uint QueueFamily { get; }
    public Queue Queue { get; }
    /// <summary>Held around every vkQueueSubmit/vkQueueWaitIdle on <see cref="Queue"/> (shared with the game when it shares the queue).</summary>
    public object QueueLock { get; }
    public ConcurrentQueue<ValidationMessage> Messages { get; }
    public bool ValidationEnabled => _messenger.Handle != 0;
    /// <summary>Whether the instance and device belong to someone else (a game) and outlive this object.</summary>
    public bool IsBorrowed => !_ownsDevice;

    /// <summary>Creates an instance, picks a device (see <see cref="DeviceSelection"/>) and creates a device and queue on it.</summary>
    public static VulkanDevice Create(GpuContextOptions options)
    {
        Vk api;
        try { api = Vk.GetApi(); }
        catch (Exception e) when (e is FileNotFoundException or DllNotFoundException or PlatformNotSupportedException or TypeInitializationException)
        {
            throw new GpuUnavailableException($"The Vulkan loader (libvulkan.so.1) could not be loaded ({e.Message.Split('\n')[0]}). {GpuContext.InstallHint}");
        }

        bool validation = options.ResolveValidation();
        var messages = new ConcurrentQueue<ValidationMessage>();
        var sink = GCHandle.Alloc(messages);
        Instance instance = default;
        DebugUtilsMessengerEXT messenger = default;
        Device device = default;
        try
        {
            if (validation && !HasLayer(api, ValidationLayer))
                throw new GpuUnavailableException($"Validation was requested but {ValidationLayer} is not installed: apt-get install vulkan-validationlayers");
            instance = CreateInstance(api, validation, sink, out var messengerInfo);
            if (validation) messenger = CreateMessenger(api, instance, messengerInfo);
            var chosen = DeviceSelection.Select(api, instance, options.ResolveDevice());
            device = CreateLogicalDevice(api, chosen);
            Queue queue;
            api.GetDeviceQueue(device, chosen.QueueFamily, 0, &queue);
            return new VulkanDevice(api, instance, true, sink, messages, messenger, chosen.Handle, chosen.Info, chosen.Limits,
                device, true, chosen.QueueFamily, queue, new object());
        }
        catch
        {
            if (device.Handle != 0) api.DestroyDevice(device, null);
            if (messenger.Handle != 0) DestroyMessenger(api, instance, messenger);
            if (instance.Handle != 0) api.DestroyInstance(instance, null);
            sink.Free();
            api.Dispose();
            throw;
        }
    }

    /// <summary>Borrows a game's instance, device and queue: checks that they can run FieldForge (Vulkan 1.2, a compute
    /// queue) and never destroys them. With validation asked for, attaches a messenger when the instance allows it.</summary>
    /// <exception cref="GpuUnavailableException">The device lacks something FieldForge needs; the message names it.</exception>
    public static VulkanDevice Borrow(VulkanDeviceHandles handles, GpuContextOptions options)
    {
        ArgumentNullException.ThrowIfNull(handles);
        if (handles.Instance.Handle == 0 || handles.PhysicalDevice.Handle == 0 || handles.Device.Handle == 0 || handles.Queue.Handle == 0)
            throw new ArgumentException("the game's instance, physical device, device and queue must all be non-null handles", nameof(handles));
        var api = Vk.GetApi();
        var messages = new ConcurrentQueue<ValidationMessage>();
        var sink = GCHandle.Alloc(messages);
        DebugUtilsMessengerEXT messenger = default;
        try
        {
            var chosen = DeviceSelection.Describe(api, handles.Instance, handles.PhysicalDevice, handles.QueueFamily, handles.EnabledDeviceExtensions);
            if (options.ResolveValidation() && handles.InstanceHasDebugUtils)
                messenger = CreateMessenger(api, handles.Instance, MessengerInfo(sink));
            return new VulkanDevice(api, handles.Instance, false, sink, messages, messenger, chosen.Handle, chosen.Info, chosen.Limits,
                handles.Device, false, handles.QueueFamily, handles.Queue, handles.QueueLock ?? new object());
        }
        catch
        {
            if (messenger.Handle != 0) DestroyMessenger(api, handles.Instance, messenger);
            sink.Free();
            api.Dispose();
            throw;
        }
    }

    /// <summary>The handles of this device, for renderers and for a game that lent them.</summary>
    public VulkanDeviceHandles Handles => new(Instance, PhysicalDevice, Device, QueueFamily, Queue)
    {
        EnabledDeviceExtensions = Info.AtomicFloatAdd ? ["VK_EXT_shader_atomic_float"] : [],
        InstanceHasDebugUtils = ValidationEnabled,
        QueueLock = QueueLock,
    };

    private static Device CreateLogicalDevice(Vk api, DeviceSelection.Candidate chosen)
    {
        float priority = 1f;
        var queueInfo = new DeviceQueueCreateInfo
        {
            SType = StructureType.DeviceQueueCreateInfo, QueueFamilyIndex = chosen.QueueFamily, QueueCount = 1, PQueuePriorities = &priority,
        };
        var atomicFeatures = new PhysicalDeviceShaderAtomicFloatFeaturesEXT
        {
            SType = StructureType.PhysicalDeviceShaderAtomicFloatFeaturesExt,
            ShaderBufferFloat32AtomicAdd = true, ShaderBufferFloat32Atomics = true,
        };
        var extensions = chosen.AtomicFloat ? new[] { "VK_EXT_shader_atomic_float" } : Array.Empty<string>();
        var extPtr = (byte**)SilkMarshal.StringArrayToPtr(extensions);
        try
        {
            var deviceInfo = new DeviceCreateInfo
            {
                SType = StructureType.DeviceCreateInfo, QueueCreateInfoCount = 1, PQueueCreateInfos = &queueInfo,
                EnabledExtensionCount = (uint)extensions.Length, PpEnabledExtensionNames = extPtr,
                PNext = chosen.AtomicFloat ? &atomicFeatures : null,
            };
            Device device;
            VulkanResult.Check(api.CreateDevice(chosen.Handle, &deviceInfo, null, &device));
            return device;
        }
        finally { SilkMarshal.Free((nint)extPtr); }
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (_ownsDevice) Api.DestroyDevice(Device, null);
        if (_messenger.Handle != 0) DestroyMessenger(Api, Instance, _messenger);
        if (_ownsInstance) Api.DestroyInstance(Instance, null);
        // Leak reports arrive during vkDestroyDevice, so the sink lives until the instance is gone; the queue itself
        // stays readable after Dispose.
        _messageSink.Free();
        Api.Dispose();
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

    private static Instance CreateInstance(Vk api, bool validation, GCHandle sink, out DebugUtilsMessengerCreateInfoEXT messengerInfo)
    {
        var appName = (byte*)SilkMarshal.StringToPtr("FieldForge");
        var layers = validation ? new[] { ValidationLayer } : Array.Empty<string>();
        var extensions = validation ? new[] { "VK_EXT_debug_utils" } : Array.Empty<string>();
        var layerPtr = (byte**)SilkMarshal.StringArrayToPtr(layers);
        var extPtr = (byte**)SilkMarshal.StringArrayToPtr(extensions);
        messengerInfo = MessengerInfo(sink);
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
                throw new GpuUnavailableException($"vkCreateInstance failed with {result}: no Vulkan driver is installed. {GpuContext.InstallHint}");
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

    /// <summary>Warnings and errors of every type, delivered to <see cref="OnDebugMessage"/> with the sink as user data.</summary>
    private static DebugUtilsMessengerCreateInfoEXT MessengerInfo(GCHandle sink)
    {
        return new DebugUtilsMessengerCreateInfoEXT
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

}
