namespace FieldForge.Rendering;

/// <summary>
/// Settings of an animated GIF: <paramref name="FrameDelayMs"/> between frames (stored in 10 ms units, 20..655350),
/// <paramref name="LoopCount"/> (0 = loop forever, n = play n+1 times, -1 = play once with no loop extension),
/// the palette method and ordered (4x4 Bayer) dithering. Alpha is ignored: GIF frames are written opaque.
/// </summary>
public sealed record GifOptions(int FrameDelayMs = 100, int LoopCount = 0, GifPalette Palette = GifPalette.MedianCut, bool Dither = false)
{
    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first bad setting.</summary>
    public void Validate()
    {
        // Browsers clamp delays below 20 ms to 100 ms, so a shorter delay would play slower, not faster.
        if (FrameDelayMs is < 20 or > 655350) throw new ArgumentOutOfRangeException(nameof(FrameDelayMs), FrameDelayMs, $"frame delay must be 20..655350 ms, got {FrameDelayMs}");
        if (LoopCount is < -1 or > 65535) throw new ArgumentOutOfRangeException(nameof(LoopCount), LoopCount, $"loop count must be -1..65535, got {LoopCount}");
        if (!Enum.IsDefined(Palette)) throw new ArgumentOutOfRangeException(nameof(Palette), Palette, $"unknown palette {Palette}");
    }
}
