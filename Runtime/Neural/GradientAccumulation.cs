using FieldForge.Gpu;

namespace FieldForge.Neural;

/// <summary>How backward passes sum gradient contributions from many samples into one parameter.</summary>
public enum GradientAccumulation
{
    /// <summary><see cref="FloatAtomics"/> when the device has <c>shaderBufferFloat32AtomicAdd</c>, else <see cref="Deterministic"/>.</summary>
    Auto = 0,
    /// <summary>Float atomic adds: fastest where supported, but the summation order (and so the last bits) varies between runs.</summary>
    FloatAtomics = 1,
    /// <summary>
    /// No float atomics: MLP weight gradients are written per workgroup and summed in a fixed order; encoding-table
    /// gradients are summed as 64-bit fixed-point integers (exact, order-independent). Runs are bit-identical.
    /// </summary>
    Deterministic = 2,
}

internal static class GradientAccumulations
{
    /// <summary>Resolves <see cref="GradientAccumulation.Auto"/> for <paramref name="gpu"/>; rejects float atomics the device lacks.</summary>
    public static GradientAccumulation Resolve(GpuContext gpu, GradientAccumulation requested)
    {
        if (!Enum.IsDefined(requested)) throw new ArgumentOutOfRangeException(nameof(requested), requested, "unknown gradient accumulation");
        if (requested == GradientAccumulation.Auto)
            return gpu.DeviceInfo.AtomicFloatAdd ? GradientAccumulation.FloatAtomics : GradientAccumulation.Deterministic;
        if (requested == GradientAccumulation.FloatAtomics && !gpu.DeviceInfo.AtomicFloatAdd)
            throw new NotSupportedException($"{gpu.DeviceInfo.Name} lacks shaderBufferFloat32AtomicAdd; use GradientAccumulation.Auto or Deterministic");
        return requested;
    }
}
