namespace FieldForge.Gpu;

/// <summary>
/// A compute kernel's contract, declared once next to the code that dispatches it: the embedded SPIR-V module's
/// name, how many storage buffers it binds (set 0, bindings 0..Buffers-1) and its push-constant size in bytes.
/// The shader is checked against this at load, so a layout drift fails loudly instead of corrupting memory.
/// <see cref="TexelBuffers"/> marks bindings (bit i = binding i) the shader reads as a <c>samplerBuffer</c> of vec4
/// through <c>texelFetch</c> instead of a storage buffer; the buffer bound there needs <see cref="GpuBufferUsage.TexelBuffer"/>.
/// </summary>
public sealed record KernelSpec(string Name, int Buffers, int PushConstantBytes = 0, uint TexelBuffers = 0)
{
    /// <summary>Whether binding <paramref name="binding"/> is a uniform texel buffer rather than a storage buffer.</summary>
    public bool IsTexelBuffer(int binding) => binding is >= 0 and < 32 && (TexelBuffers >> binding & 1) != 0;

    /// <inheritdoc/>
    public override string ToString() => $"{Name} ({Buffers} buffers{(TexelBuffers != 0 ? $", texel mask 0x{TexelBuffers:x}" : "")}, {PushConstantBytes} B push constants)";
}
