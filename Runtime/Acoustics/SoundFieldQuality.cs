namespace FieldForge.Acoustics;

/// <summary>Resolution presets of <c>SoundFieldComponent</c>: the highest simulated frequency.</summary>
public enum SoundFieldQuality
{
    /// <summary>fmax 250 Hz: interactive on a CPU device.</summary>
    Draft,
    /// <summary>fmax 500 Hz.</summary>
    Normal,
    /// <summary>fmax 1000 Hz (8x the cells and 2x the steps of Normal).</summary>
    High,
}
