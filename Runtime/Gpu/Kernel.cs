using Silk.NET.Vulkan;

namespace FieldForge.Gpu;

/// <summary>
/// A compute pipeline built from an embedded SPIR-V module. Get one with <see cref="GpuContext.GetKernel"/>; the context
/// caches and owns it. Dispatch it through a <see cref="CommandBatch"/>.
/// </summary>
public sealed unsafe class Kernel
{
    internal Kernel(KernelSpec spec, SpirvReflection reflection, ShaderModule module, DescriptorSetLayout setLayout,
        PipelineLayout layout, Pipeline pipeline)
    {
        Spec = spec; Reflection = reflection; Module = module; SetLayout = setLayout; Layout = layout; Pipeline = pipeline;
    }

    /// <summary>The binding count and push-constant size this kernel was built from.</summary>
    public KernelSpec Spec { get; }
    /// <summary>The shader's name (the SPIR-V module and entry it was loaded from).</summary>
    public string Name => Spec.Name;
    /// <summary>Workgroup size declared in the shader.</summary>
    public (uint X, uint Y, uint Z) LocalSize => Reflection.LocalSize;
    internal SpirvReflection Reflection { get; }

    /// <summary>Whether the shader may write binding <paramref name="binding"/> (unused bindings are not written).</summary>
    internal bool Writes(int binding)
    {
        int i = Array.IndexOf(Reflection.Bindings, binding);
        return i >= 0 && Reflection.Writable[i];
    }
    internal ShaderModule Module { get; }
    internal DescriptorSetLayout SetLayout { get; }
    internal PipelineLayout Layout { get; }
    internal Pipeline Pipeline { get; }

    /// <summary>Checks the shader against the declared spec; throws with both sides named on any mismatch.</summary>
    internal static void Verify(KernelSpec spec, SpirvReflection r)
    {
        // The highest binding must match the declaration. A hole below it (a binding the optimiser removed because
        // this variant does not use it) is fine.
        int used = r.Bindings.Length == 0 ? 0 : r.Bindings[^1] + 1;
        if (used != spec.Buffers)
            throw new InvalidOperationException(
                $"kernel '{spec.Name}' is declared with {spec.Buffers} buffers but the shader binds [{string.Join(", ", r.Bindings)}] (expected bindings 0..{spec.Buffers - 1})");
        for (int i = 0; i < r.Bindings.Length; i++)
            if (r.TexelBuffer[i] != spec.IsTexelBuffer(r.Bindings[i]))
                throw new InvalidOperationException(
                    $"kernel '{spec.Name}' binding {r.Bindings[i]} is a {(r.TexelBuffer[i] ? "texel buffer" : "storage buffer")} in the shader but declared as a {(spec.IsTexelBuffer(r.Bindings[i]) ? "texel buffer" : "storage buffer")}");
        if (r.PushConstantBytes != spec.PushConstantBytes)
            throw new InvalidOperationException(
                $"kernel '{spec.Name}' is declared with {spec.PushConstantBytes} bytes of push constants but the shader's block is {r.PushConstantBytes} bytes");
    }

    /// <inheritdoc/>
    public override string ToString() => Spec.ToString();
}
