using System.Runtime.CompilerServices;
using Silk.NET.Vulkan;

namespace FieldForge.Gpu;

/// <summary>Turns VkResult codes into exceptions that name the failing call.</summary>
internal static class VulkanResult
{
    public static void Check(Result result, [CallerArgumentExpression(nameof(result))] string call = "")
    {
        if (result == Result.Success) return;
        throw result switch
        {
            Result.ErrorOutOfDeviceMemory or Result.ErrorOutOfHostMemory =>
                new GpuException($"{call} failed: {result} (the GPU or host ran out of memory; use smaller sizes)", result),
            Result.ErrorDeviceLost => new GpuException($"{call} failed: {result} (the device was lost; the driver crashed or reset)", result),
            Result.ErrorIncompatibleDriver or Result.ErrorInitializationFailed =>
                new GpuUnavailableException($"{call} failed: {result}. {GpuContext.InstallHint}"),
            _ => new GpuException($"{call} failed: {result}", result),
        };
    }
}
