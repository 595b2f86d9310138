namespace FieldForge.Gpu;

/// <summary>Where a buffer's memory lives.</summary>
public enum BufferLocation
{
    /// <summary>Fastest for kernels. Uploads/downloads go through a staging buffer unless the device's local memory is
    /// host-visible (UMA, CPU drivers), in which case they are plain copies.</summary>
    DeviceLocal,
    /// <summary>Host-visible and mapped: for data the CPU rewrites every frame.</summary>
    HostVisible,
}
