using FieldForge.Components;
using RangeAttribute = FieldForge.Components.RangeAttribute;

namespace FieldForge.Tests.Editor;

/// <summary>
/// Test-only component whose two parameters the tests always edit together (A = B), recording what every frame saw:
/// a frame that sees A != B, or values that change between its Update and its OnFrameCompleted, saw half an edit or
/// an edit landing mid-frame. Setters record the thread they ran on. Lists are touched only by the ticking thread.
/// </summary>
public sealed class PairComponent : Component
{
    private float _a = 0.5f, _b = 0.5f;
    private (float A, float B) _atUpdate;
    private long _updatedFrame = -1;

    [Range(0, 1)]
    public float A { get => _a; set { _a = value; SetterThreads.Add(Environment.CurrentManagedThreadId); } }

    [Range(0, 1)]
    public float B { get => _b; set { _b = value; SetterThreads.Add(Environment.CurrentManagedThreadId); } }

    /// <summary>Threads the setters ran on, in order.</summary>
    [HideInInspector] public List<int> SetterThreads { get; } = new();

    /// <summary>(A, B) as each frame's Update saw them.</summary>
    [HideInInspector] public List<(float A, float B)> Frames { get; } = new();

    /// <summary>What was wrong, per offending frame.</summary>
    [HideInInspector] public List<string> Violations { get; } = new();

    public override void Update(FrameContext frame, bool parametersChanged)
    {
        _atUpdate = (_a, _b);
        _updatedFrame = frame.Frame;
        Frames.Add(_atUpdate);
        if (_a != _b) Violations.Add($"frame {frame.Frame}: Update saw A={_a} B={_b}");
    }

    public override void OnFrameCompleted(FrameContext frame)
    {
        if (_a != _b) Violations.Add($"frame {frame.Frame}: OnFrameCompleted saw A={_a} B={_b}");
        // Blocking, a frame completes inside its own Tick; pipelined, during the next one (after that frame's edits),
        // so only a frame with no newer Update since can be checked for a change mid-frame.
        if (frame.Frame == _updatedFrame && (_a, _b) != _atUpdate) Violations.Add($"frame {frame.Frame}: values changed mid-frame from {_atUpdate} to ({_a}, {_b})");
    }
}
