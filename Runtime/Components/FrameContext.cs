using FieldForge.Gpu;

namespace FieldForge.Components;

/// <summary>What a component sees during <see cref="Component.Update"/>: the frame's shared batch and clock.</summary>
public sealed record FrameContext(GpuContext Gpu, CommandBatch Batch, double DeltaSeconds, double TimeSeconds, long Frame);
