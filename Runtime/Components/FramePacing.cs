namespace FieldForge.Components;

/// <summary>How <see cref="ComponentHost.Tick"/> waits for the GPU.</summary>
public enum FramePacing
{
    /// <summary>Tick records, submits and waits: results are ready when Tick returns (tools, tests, the CLI).</summary>
    Blocking,
    /// <summary>Tick records and submits frame N, then completes frame N−1 (which had a whole frame of game time to run):
    /// two frames in flight, each with its own command batch; results arrive one frame later. For games.</summary>
    Pipelined,
}
