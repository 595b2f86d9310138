namespace FieldForge.Acoustics;

/// <summary>What <see cref="MovingSourceRenderer.Render"/> produced.</summary>
/// <param name="Wet">The wet signal (dry length + IR length - 1 samples).</param>
/// <param name="CallbackAllocatedBytes">Managed bytes allocated inside the audio calls (0 = allocation-free).</param>
/// <param name="Updates">IR updates (surrogate predictions) along the path.</param>
/// <param name="MeanUpdateMilliseconds">Mean time of one update: surrogate inference, resampling, partition FFTs.</param>
public sealed record MovingSourceRender(float[] Wet, long CallbackAllocatedBytes, int Updates, double MeanUpdateMilliseconds);
