using FieldForge.Gpu;

namespace FieldForge.Components;

/// <summary>What a component sees during <see cref="Component.Update"/> and, for the same frame, in
/// <see cref="Component.OnFrameCompleted"/>: the frame's shared batch and clock, the wall-clock time the host would
/// like one frame's work to stay within (components that can split long work, such as training steps, record only as
/// much per frame as fits; infinite when the host sets no budget), and whether anyone wants previews
/// (<see cref="ComponentHost.PreviewsWanted"/>): without that, results stay on the GPU.</summary>
/// <remarks>The host reuses one context object per frame in flight (so a frame allocates nothing): read it during the
/// call, do not keep it. With <see cref="FramePacing.Pipelined"/>, <see cref="Component.Update"/> of frame N runs before
/// <see cref="Component.OnFrameCompleted"/> of frame N−1; a component that keeps per-frame state indexes it by
/// <see cref="Slot"/>.</remarks>
public sealed class FrameContext
{
    internal FrameContext(GpuContext gpu, int slot)
    {
        Gpu = gpu;
        Slot = slot;
    }

    /// <summary>The context the frame records into.</summary>
    public GpuContext Gpu { get; }
    /// <summary>The batch every component of this frame records into (one submission per frame).</summary>
    public CommandBatch Batch { get; internal set; } = null!;
    /// <summary>Seconds since the previous frame.</summary>
    public double DeltaSeconds { get; internal set; }
    /// <summary>Seconds since the host's first frame (the sum of the deltas).</summary>
    public double TimeSeconds { get; internal set; }
    /// <summary>The frame number, from 0.</summary>
    public long Frame { get; internal set; }
    /// <summary>Which frame in flight this is: 0..<see cref="ComponentHost.FramesInFlight"/>−1 (always 0 when blocking).
    /// Per-frame state of a pipelined component lives in an array indexed by it.</summary>
    public int Slot { get; }
    /// <summary>Wall-clock milliseconds the frame's work should stay within; infinite when the host sets no budget.</summary>
    public double BudgetMilliseconds { get; internal set; } = double.PositiveInfinity;
    /// <summary>Whether previews should be built after this frame completes (read-backs allowed).</summary>
    public bool PreviewsWanted { get; internal set; }
}
