namespace FieldForge.Noise;

/// <summary>How octaves of simplex noise are combined. With one octave, <see cref="Fbm"/> is plain simplex noise.</summary>
public enum NoiseMode
{
    /// <summary>Fractional Brownian motion: the signed sum of octaves (soft, cloudy).</summary>
    Fbm,
    /// <summary>Each octave folded to 2(1 − |n|)² − 1: sharp crests where the noise crosses zero (mountain ridges).</summary>
    Ridged,
    /// <summary>Each octave folded to 2|n| − 1: rounded bumps with creases in the valleys (billowing clouds).</summary>
    Billow,
}
