using FieldForge.Gpu;

namespace FieldForge.Editor;

/// <summary>What the web server shows, published by the <see cref="EditorSession"/> thread after every frame and edit
/// batch. Immutable, so request threads read it without locks.</summary>
/// <param name="Device">The GPU the session runs on.</param>
/// <param name="Sequence">Increases with every publication.</param>
/// <param name="Frame">Frames ticked so far.</param>
/// <param name="FrameMilliseconds">Wall-clock time of the last frame (record + submit + wait).</param>
/// <param name="FramesPerSecond">Smoothed rate at which the session thread is ticking.</param>
/// <param name="Dispatches">Dispatches in the last frame's single submission.</param>
/// <param name="Timings">GPU milliseconds per named region in the last frame.</param>
/// <param name="Components">Every hosted component.</param>
/// <param name="UndoCount">Undo steps available.</param>
/// <param name="RedoCount">Redo steps available.</param>
/// <param name="Problems">Session-level messages: components that failed to construct, validation-layer messages,
/// frame errors not attributable to one component (newest last, capped).</param>
public sealed record SessionSnapshot(
    string Device, long Sequence, long Frame, double FrameMilliseconds, double FramesPerSecond, int Dispatches,
    IReadOnlyList<GpuTiming> Timings, IReadOnlyList<ComponentState> Components, int UndoCount, int RedoCount,
    IReadOnlyList<string> Problems)
{
    /// <summary>The component with this id, or null.</summary>
    public ComponentState? Find(string id) => Components.FirstOrDefault(c => c.Id == id);
}
