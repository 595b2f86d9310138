namespace FieldForge.Rendering;

/// <summary>How <see cref="GifWriter"/> reduces each frame to 256 colours.</summary>
public enum GifPalette
{
    /// <summary>An adaptive palette per frame by median cut over a 15-bit colour histogram (best for renders and photos).</summary>
    MedianCut,

    /// <summary>One fixed 6x7x6 colour cube for the whole file (fast, stable colours across frames; dithering recommended).</summary>
    Fixed676,
}
