namespace FieldForge.Gpu;

/// <summary>
/// A compute kernel's contract, declared once next to the code that dispatches it: the embedded SPIR-V module's
/// name, how many storage buffers it binds (set 0, bindings 0..Buffers-1) and its push-constant size in bytes.
/// The shader is checked against this at load, so a layout drift fails loudly instead of corrupting memory.
/// </summary>
public sealed record KernelSpec(string Name, int Buffers, int PushConstantBytes = 0)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Name} ({Buffers} buffers, {PushConstantBytes} B push constants)";
}
