using Silk.NET.Vulkan;

namespace FieldForge.Gpu;

/// <summary>
/// Native Vulkan handles: what a game lends FieldForge (<see cref="GpuContext.CreateShared"/>) and what a context
/// exposes to a renderer (<see cref="GpuContext.NativeHandles"/>). A game built on raw handles wraps them with the
/// Silk.NET structs' constructors, e.g. <c>new Device(handle)</c>.
/// </summary>
/// <param name="Instance">The VkInstance (created with Vulkan 1.2 or later).</param>
/// <param name="PhysicalDevice">The VkPhysicalDevice the device was created on.</param>
/// <param name="Device">The VkDevice.</param>
/// <param name="QueueFamily">Family of <paramref name="Queue"/>; it must support compute.</param>
/// <param name="Queue">The VkQueue FieldForge submits to (the game's graphics queue works).</param>
public sealed record VulkanDeviceHandles(Instance Instance, PhysicalDevice PhysicalDevice, Device Device, uint QueueFamily, Queue Queue)
{
    /// <summary>Device extensions the game enabled at device creation (with their features): FieldForge uses
    /// <c>VK_EXT_shader_atomic_float</c> (shaderBufferFloat32AtomicAdd) for training when it is listed here.</summary>
    public IReadOnlyList<string> EnabledDeviceExtensions { get; init; } = [];

    /// <summary>Whether the instance was created with <c>VK_EXT_debug_utils</c>, so FieldForge can attach its own
    /// validation messenger when validation is asked for.</summary>
    public bool InstanceHasDebugUtils { get; init; }

    /// <summary>The lock the game holds around its own vkQueueSubmit/vkQueuePresentKHR/vkQueueWaitIdle on
    /// <see cref="Queue"/>; FieldForge holds the same lock around its submissions. Null: FieldForge makes one, which
    /// the game then reads from <see cref="GpuContext.QueueLock"/>.</summary>
    public object? QueueLock { get; init; }
}
