namespace FieldForge.Gpu;

/// <summary>GPU time spent in a named region of a batch (summed over repeats of the same name), from timestamps.</summary>
public sealed record GpuTiming(string Region, double Milliseconds, int Count);
