namespace FieldForge.Gpu;

/// <summary>What else a buffer is for, besides compute storage and transfers (which every buffer allows). A renderer
/// that draws FieldForge's output straight from the GPU asks for vertex, index or indirect usage.</summary>
[Flags]
public enum GpuBufferUsage
{
    /// <summary>Storage and transfer only.</summary>
    Storage = 0,
    /// <summary>Bindable with vkCmdBindVertexBuffers.</summary>
    Vertex = 1,
    /// <summary>Bindable with vkCmdBindIndexBuffer.</summary>
    Index = 2,
    /// <summary>Readable by vkCmdDrawIndexedIndirect / vkCmdDispatchIndirect.</summary>
    Indirect = 4,
    /// <summary>Bindable as a read-only uniform texel buffer of vec4 (a <c>samplerBuffer</c> read with <c>texelFetch</c>),
    /// for kernels whose <see cref="KernelSpec.TexelBuffers"/> name the binding.</summary>
    TexelBuffer = 8,
}
