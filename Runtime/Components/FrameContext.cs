using FieldForge.Gpu;

namespace FieldForge.Components;

/// <summary>What a component sees during <see cref="Component.Update"/>: the frame's shared batch and clock, and the
/// wall-clock time the host would like one frame's work to stay within (components that can split long work, such
/// as training steps, record only as much per frame as fits; infinite when the host sets no budget), and whether
/// anyone wants previews (<see cref="ComponentHost.PreviewsWanted"/>): without that, results stay on the GPU.</summary>
public sealed record FrameContext(GpuContext Gpu, CommandBatch Batch, double DeltaSeconds, double TimeSeconds, long Frame,
    double BudgetMilliseconds = double.PositiveInfinity, bool PreviewsWanted = false);
