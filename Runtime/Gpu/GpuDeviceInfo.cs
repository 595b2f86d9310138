namespace FieldForge.Gpu;

/// <summary>Kind of physical device, in Vulkan's terms.</summary>
public enum GpuDeviceType { Other, IntegratedGpu, DiscreteGpu, VirtualGpu, Cpu }

/// <summary>What a context runs on; every tool and benchmark prints it so figures say where they were measured.</summary>
public sealed record GpuDeviceInfo(
    int Index, string Name, GpuDeviceType Type, string DriverName, string DriverInfo, string ApiVersion,
    uint SubgroupSize, bool SubgroupArithmetic, ulong MaxStorageBufferBytes, bool AtomicFloatAdd, bool Timestamps)
{
    public override string ToString() =>
        $"{Name} [{Type}, driver {DriverName} {DriverInfo}, Vulkan {ApiVersion}]";
}
