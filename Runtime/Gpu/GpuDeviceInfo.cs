namespace FieldForge.Gpu;

/// <summary>Kind of physical device, in Vulkan's terms.</summary>
public enum GpuDeviceType
{
    /// <summary>A device type Vulkan does not classify further.</summary>
    Other,
    /// <summary>A GPU that shares memory with the CPU (laptop and console class).</summary>
    IntegratedGpu,
    /// <summary>A separate GPU with its own memory; preferred when present.</summary>
    DiscreteGpu,
    /// <summary>A GPU exposed through a virtual machine.</summary>
    VirtualGpu,
    /// <summary>A software driver running on the CPU, such as Mesa's lavapipe.</summary>
    Cpu,
}

/// <summary>What a context runs on; every tool and benchmark prints it so figures say where they were measured.
/// <see cref="MaxTexelBufferElements"/> is the most texels (vec4s for FieldForge's views) a texel-buffer binding may
/// span (Vulkan guarantees 65536).</summary>
/// <remarks><c>MaxComputeSharedMemoryBytes</c> is the device's maxComputeSharedMemorySize (16384, Vulkan's guaranteed minimum, when unknown):
/// kernels that stage a tile in shared memory check it before they are chosen.</remarks>
public sealed record GpuDeviceInfo(
    int Index, string Name, GpuDeviceType Type, string DriverName, string DriverInfo, string ApiVersion,
    uint SubgroupSize, bool SubgroupArithmetic, ulong MaxStorageBufferBytes, bool AtomicFloatAdd, bool Timestamps,
    uint MaxTexelBufferElements = 65536, uint MaxComputeSharedMemoryBytes = 16384)
{
    /// <inheritdoc/>
    public override string ToString() =>
        $"{Name} [{Type}, driver {DriverName} {DriverInfo}, Vulkan {ApiVersion}]";
}
