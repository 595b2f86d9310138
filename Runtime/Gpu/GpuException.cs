using Silk.NET.Vulkan;

namespace FieldForge.Gpu;

/// <summary>A Vulkan call failed. The message names the call and the VkResult it returned.</summary>
public class GpuException : Exception
{
    /// <summary>Creates the exception with a message that names the failing call and the <paramref name="result"/> it returned.</summary>
    public GpuException(string message, Result result = Result.Success) : base(message) => Result = result;

    /// <summary>The VkResult that caused this exception, or <c>Success</c> when the failure was not a Vulkan result.</summary>
    public Result Result { get; }
}
