using FieldForge.Gpu;

namespace FieldForge.Editor;

/// <summary>How an <see cref="EditorSession"/> runs.</summary>
/// <param name="TickIntervalMilliseconds">Target time between frames; frames also run right after edits.</param>
/// <param name="CreateGpu">Creates the session's GPU context on the session thread (default: <see cref="GpuContext.Create"/>).</param>
/// <param name="MaxPlotPoints">Plot series longer than this are decimated (min/max per bucket, so peaks survive).</param>
/// <param name="FrameBudgetMilliseconds">Wall-clock time one frame's work should stay within (components that can
/// slice long work, such as training, record only what fits), so edits take effect promptly.</param>
/// <param name="MaxPreviewSide">Image previews larger than this many pixels per side are downscaled (box filter)
/// before PNG encoding: the page shows them at 220 px.</param>
/// <param name="ShutdownTimeoutSeconds">How long <see cref="EditorSession.Dispose"/> waits for the frame in progress.</param>
/// <param name="PreviewIntervalMilliseconds">Attached to a game (<see cref="EditorSession.Attach"/>): the least time
/// between game frames that build previews (each costs the game a read-back and host copies); the page polls every
/// 250 ms, so more often than that is never seen.</param>
public sealed record EditorSessionOptions(double TickIntervalMilliseconds = 50, Func<GpuContext>? CreateGpu = null, int MaxPlotPoints = 2000,
    double FrameBudgetMilliseconds = 100, int MaxPreviewSide = 512, double ShutdownTimeoutSeconds = 10, double PreviewIntervalMilliseconds = 200)
{
    /// <summary>Throws when a setting is out of range.</summary>
    public void Validate()
    {
        if (!double.IsFinite(TickIntervalMilliseconds) || TickIntervalMilliseconds < 1 || TickIntervalMilliseconds > 10_000)
            throw new ArgumentOutOfRangeException(nameof(TickIntervalMilliseconds), $"tick interval must be 1..10000 ms, got {TickIntervalMilliseconds}");
        if (!double.IsFinite(PreviewIntervalMilliseconds) || PreviewIntervalMilliseconds < 0 || PreviewIntervalMilliseconds > 10_000)
            throw new ArgumentOutOfRangeException(nameof(PreviewIntervalMilliseconds), $"preview interval must be 0..10000 ms, got {PreviewIntervalMilliseconds}");
        if (MaxPlotPoints < 16) throw new ArgumentOutOfRangeException(nameof(MaxPlotPoints), $"max plot points must be >= 16, got {MaxPlotPoints}");
        if (!(FrameBudgetMilliseconds >= 1)) throw new ArgumentOutOfRangeException(nameof(FrameBudgetMilliseconds), $"frame budget must be >= 1 ms (infinity for none), got {FrameBudgetMilliseconds}");
        if (MaxPreviewSide is < 16 or > 8192) throw new ArgumentOutOfRangeException(nameof(MaxPreviewSide), $"max preview side must be 16..8192, got {MaxPreviewSide}");
        if (!(ShutdownTimeoutSeconds > 0)) throw new ArgumentOutOfRangeException(nameof(ShutdownTimeoutSeconds), $"shutdown timeout must be > 0 s, got {ShutdownTimeoutSeconds}");
    }
}
