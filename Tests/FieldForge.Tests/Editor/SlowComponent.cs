using FieldForge.Components;
using RangeAttribute = FieldForge.Components.RangeAttribute;

namespace FieldForge.Tests.Editor;

/// <summary>A test-only component whose frame takes <see cref="DelayMs"/> of wall-clock time (no GPU work), standing in
/// for heavy settings, and which records whether a parameter ever changed while its Update ran.</summary>
public sealed class SlowComponent : Component
{
    [Range(0, 5000), Tooltip("Wall-clock milliseconds each Update takes")]
    public int DelayMs { get; set; }

    [Range(0, 1)]
    public float Level { get; set; } = 0.5f;

    /// <summary>Set when <see cref="Level"/> differed between the start and the end of one Update.</summary>
    [HideInInspector] public bool ChangedMidFrame { get; private set; }

    /// <summary>Updates run so far.</summary>
    [HideInInspector] public int Updates { get; private set; }

    public override void Update(FrameContext frame, bool parametersChanged)
    {
        float before = Level;
        if (DelayMs > 0) Thread.Sleep(DelayMs);
        if (Level != before) ChangedMidFrame = true;
        Updates++;
    }
}
