using FieldForge.Gpu;

namespace FieldForge.Editor;

/// <summary>How an <see cref="EditorSession"/> runs.</summary>
/// <param name="TickIntervalMilliseconds">Target time between frames; frames also run right after edits.</param>
/// <param name="CreateGpu">Creates the session's GPU context on the session thread (default: <see cref="GpuContext.Create"/>).</param>
/// <param name="MaxPlotPoints">Plot series longer than this are decimated (min/max per bucket, so peaks survive).</param>
public sealed record EditorSessionOptions(double TickIntervalMilliseconds = 50, Func<GpuContext>? CreateGpu = null, int MaxPlotPoints = 2000)
{
    /// <summary>Throws when a setting is out of range.</summary>
    public void Validate()
    {
        if (!double.IsFinite(TickIntervalMilliseconds) || TickIntervalMilliseconds < 1 || TickIntervalMilliseconds > 10_000)
            throw new ArgumentOutOfRangeException(nameof(TickIntervalMilliseconds), $"tick interval must be 1..10000 ms, got {TickIntervalMilliseconds}");
        if (MaxPlotPoints < 16) throw new ArgumentOutOfRangeException(nameof(MaxPlotPoints), $"max plot points must be >= 16, got {MaxPlotPoints}");
    }
}
