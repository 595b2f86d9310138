using FieldForge.Gpu;

namespace FieldForge.Editor;

/// <summary>What the web server shows, published by the <see cref="EditorSession"/> thread after frames (attached: the
/// game's frames that changed something, at most once per refresh interval otherwise) and edits. Immutable, so request
/// threads read it without locks.</summary>
/// <param name="Device">The GPU the session runs on.</param>
/// <param name="Sequence">Increases with every publication.</param>
/// <param name="Frame">Frames ticked so far (attached: frames the game ticked since the editor attached).</param>
/// <param name="FrameMilliseconds">Wall-clock time of the last frame's Tick (see <see cref="FieldForge.Components.ComponentHost.LastFrameMilliseconds"/>).</param>
/// <param name="FramesPerSecond">Rate at which the host is ticked (by the session thread, or by the game when attached).</param>
/// <param name="Components">Every hosted component.</param>
/// <param name="UndoCount">Undo steps available.</param>
/// <param name="RedoCount">Redo steps available.</param>
/// <param name="Problems">Session-level messages: components that failed to construct, validation-layer messages,
/// frame errors not attributable to one component (newest last, capped).</param>
/// <param name="WorkFrame">The latest frame that dispatched GPU work (components often dispatch only when a parameter
/// changed, so the performance panel shows that frame rather than an idle one).</param>
/// <param name="WorkFrameMilliseconds">Wall-clock time of <paramref name="WorkFrame"/>.</param>
/// <param name="Dispatches">Dispatches in <paramref name="WorkFrame"/>'s single submission.</param>
/// <param name="Timings">GPU milliseconds per named region in <paramref name="WorkFrame"/> (from timestamps).</param>
public sealed record SessionSnapshot(
    string Device, long Sequence, long Frame, double FrameMilliseconds, double FramesPerSecond,
    IReadOnlyList<ComponentState> Components, int UndoCount, int RedoCount, IReadOnlyList<string> Problems,
    long WorkFrame, double WorkFrameMilliseconds, int Dispatches, IReadOnlyList<GpuTiming> Timings)
{
    /// <summary>True when the session is attached to a game's host (the game ticks it), false when the editor owns it.</summary>
    public bool Attached { get; init; }

    /// <summary>The component with this id, or null.</summary>
    public ComponentState? Find(string id) => Components.FirstOrDefault(c => c.Id == id);
}
