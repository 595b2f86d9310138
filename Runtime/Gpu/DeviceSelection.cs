using Silk.NET.Core.Native;
using Silk.NET.Vulkan;

namespace FieldForge.Gpu;

/// <summary>Which physical device a context runs on: enumeration with the properties FieldForge needs, ranking
/// (discrete &gt; integrated &gt; virtual &gt; CPU) and the <c>FIELDFORGE_DEVICE</c> override.</summary>
internal static unsafe class DeviceSelection
{
    /// <summary>A usable device: its handle, description, limits, compute queue family and float-atomic support.</summary>
    public sealed record Candidate(PhysicalDevice Handle, GpuDeviceInfo Info, PhysicalDeviceLimits Limits, uint QueueFamily, bool AtomicFloat);

    public static List<Candidate> Enumerate(Vk api, Instance instance)
    {
        uint count = 0;
        VulkanResult.Check(api.EnumeratePhysicalDevices(instance, &count, null));
        var handles = new PhysicalDevice[count];
        fixed (PhysicalDevice* p = handles) VulkanResult.Check(api.EnumeratePhysicalDevices(instance, &count, p));
        var result = new List<Candidate>();
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
                families[family].TimestampValidBits > 0 && props.Limits.TimestampComputeAndGraphics,
                props.Limits.MaxTexelBufferElements, props.Limits.MaxComputeSharedMemorySize);
            result.Add(new Candidate(pd, info, props.Limits, (uint)family, atomicFloat));
        }
        return result;
    }

    /// <summary>Describes a device a game created, for its queue family <paramref name="queueFamily"/>; float atomics
    /// count only when the game enabled the extension. Throws naming what FieldForge needs and the device lacks.</summary>
    public static Candidate Describe(Vk api, Instance instance, PhysicalDevice device, uint queueFamily, IReadOnlyList<string> enabledExtensions)
    {
        var known = Enumerate(api, instance).FirstOrDefault(c => c.Handle.Handle == device.Handle)
            ?? throw new GpuUnavailableException("the physical device handed to FieldForge is not one of its instance's devices, or has no compute queue");
        PhysicalDeviceProperties props;
        api.GetPhysicalDeviceProperties(device, &props);
        if (props.ApiVersion < Vk.Version12)
            throw new GpuUnavailableException($"{known.Info.Name} reports Vulkan {known.Info.ApiVersion}; FieldForge needs Vulkan 1.2");
        uint familyCount = 0;
        api.GetPhysicalDeviceQueueFamilyProperties(device, &familyCount, null);
        var families = new QueueFamilyProperties[familyCount];
        fixed (QueueFamilyProperties* f = families) api.GetPhysicalDeviceQueueFamilyProperties(device, &familyCount, f);
        if (queueFamily >= familyCount)
            throw new GpuUnavailableException($"queue family {queueFamily} does not exist on {known.Info.Name} ({familyCount} families)");
        if ((families[queueFamily].QueueFlags & QueueFlags.ComputeBit) == 0)
            throw new GpuUnavailableException($"queue family {queueFamily} of {known.Info.Name} has no compute support (VK_QUEUE_COMPUTE_BIT); FieldForge dispatches compute shaders on the queue it is given");
        bool atomicFloat = known.AtomicFloat && enabledExtensions.Contains("VK_EXT_shader_atomic_float");
        bool timestamps = families[queueFamily].TimestampValidBits > 0 && props.Limits.TimestampComputeAndGraphics;
        return known with { QueueFamily = queueFamily, AtomicFloat = atomicFloat, Info = known.Info with { AtomicFloatAdd = atomicFloat, Timestamps = timestamps } };
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

    public static Candidate Select(Vk api, Instance instance, string? selector)
    {
        var devices = Enumerate(api, instance);
        if (devices.Count == 0) throw new GpuUnavailableException($"Vulkan reports no device with a compute queue. {GpuContext.InstallHint}");
        Candidate chosen;
        if (selector is null) chosen = devices.OrderByDescending(d => Rank(d.Info.Type)).First();
        else
        {
            var byIndex = int.TryParse(selector, out var index) ? devices.FirstOrDefault(d => d.Info.Index == index) : null;
            chosen = byIndex ?? devices.FirstOrDefault(d => d.Info.Name.Contains(selector, StringComparison.OrdinalIgnoreCase))
                ?? throw new GpuUnavailableException($"FIELDFORGE_DEVICE='{selector}' matches no device; available: " +
                    string.Join("; ", devices.Select(d => $"{d.Info.Index}: {d.Info.Name}")));
        }
        return chosen;
    }

}
