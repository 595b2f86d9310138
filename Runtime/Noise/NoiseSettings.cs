using System.Globalization;

namespace FieldForge.Noise;

/// <summary>
/// Everything that defines a noise field, validated in one place (<see cref="Validate()"/>). Coordinates are
/// multiplied by <see cref="Frequency"/> before the lattice lookup, so one lattice cell is 1/Frequency input units.
/// The same settings give bit-for-bit the same lattice hashes on every device (32-bit integer hash of the seed).
/// </summary>
public sealed record NoiseSettings
{
    /// <summary>Largest supported octave count.</summary>
    public const int MaxOctaves = 16;

    /// <summary>32-bit seed mixed into the gradient hash; octave k uses Seed + k.</summary>
    public int Seed { get; init; } = 1337;
    /// <summary>How octaves combine.</summary>
    public NoiseMode Mode { get; init; } = NoiseMode.Fbm;
    /// <summary>Number of octaves, 1..16.</summary>
    public int Octaves { get; init; } = 1;
    /// <summary>Lattice cells per input unit of the first octave (&gt; 0).</summary>
    public float Frequency { get; init; } = 1f;
    /// <summary>Frequency multiplier between octaves (1..16; an integer when tiling).</summary>
    public float Lacunarity { get; init; } = 2f;
    /// <summary>Amplitude multiplier between octaves (0..4).</summary>
    public float Gain { get; init; } = 0.5f;
    /// <summary>Output scale: the octave sum is normalised by Σ gain^k, then multiplied by this.</summary>
    public float Amplitude { get; init; } = 1f;
    /// <summary>Added to the output after scaling (a bias, in output units).</summary>
    public float Offset { get; init; }
    /// <summary>Domain-warp stages: 0 (none), 1 (p + a·W(p)) or 2 (p + a·W'(p + a·W(p))).</summary>
    public int WarpStages { get; init; }
    /// <summary>Largest warp displacement, in input units (≥ 0).</summary>
    public float WarpAmplitude { get; init; } = 0.5f;
    /// <summary>Period along x in lattice cells of the first octave (0 = not periodic): the field repeats every
    /// PeriodX / Frequency input units. 2D and 3D only.</summary>
    public int PeriodX { get; init; }
    /// <summary>Period along y in lattice cells (0 = not periodic); must be even in 2D, where the triangular lattice
    /// repeats every two rows.</summary>
    public int PeriodY { get; init; }
    /// <summary>Period along z in lattice cells (0 = not periodic); 3D only.</summary>
    public int PeriodZ { get; init; }

    /// <summary>True when any axis is periodic.</summary>
    public bool IsPeriodic => PeriodX != 0 || PeriodY != 0 || PeriodZ != 0;

    /// <summary>Largest period (after multiplying by lacunarity^(octaves−1)) the integer lattice wrap supports.</summary>
    public const int MaxPeriod = 1 << 20;

    /// <summary>Checks every parameter; throws <see cref="ArgumentException"/> naming the first bad one and its value.</summary>
    public NoiseSettings Validate()
    {
        if (!Enum.IsDefined(Mode)) Fail($"mode must be one of {string.Join(", ", Enum.GetNames<NoiseMode>())}, got {(int)Mode}");
        if (Octaves is < 1 or > MaxOctaves) Fail($"octaves must be 1..{MaxOctaves}, got {Octaves}");
        Finite(Frequency, "frequency");
        if (Frequency <= 0 || Frequency > 1e6f) Fail($"frequency must be in (0, 1e6], got {F(Frequency)}");
        Finite(Lacunarity, "lacunarity");
        if (Lacunarity is < 1 or > 16) Fail($"lacunarity must be 1..16, got {F(Lacunarity)}");
        Finite(Gain, "gain");
        if (Gain is < 0 or > 4) Fail($"gain must be 0..4, got {F(Gain)}");
        Finite(Amplitude, "amplitude");
        Finite(Offset, "offset");
        if (WarpStages is < 0 or > 2) Fail($"warpStages must be 0..2, got {WarpStages}");
        Finite(WarpAmplitude, "warpAmplitude");
        if (WarpAmplitude < 0) Fail($"warpAmplitude must be >= 0, got {F(WarpAmplitude)}");
        if (IsPeriodic)
        {
            if (Lacunarity != MathF.Floor(Lacunarity)) Fail($"lacunarity must be an integer when tiling (each octave's period must be a whole number of cells), got {F(Lacunarity)}");
            double growth = Math.Pow(Lacunarity, Octaves - 1);
            foreach (var (name, value) in new[] { ("periodX", PeriodX), ("periodY", PeriodY), ("periodZ", PeriodZ) })
            {
                if (value < 0) Fail($"{name} must be >= 0 (0 = not periodic), got {value}");
                if (value * growth > MaxPeriod) Fail($"{name} × lacunarity^(octaves-1) must be <= {MaxPeriod}, got {value * growth}");
            }
        }
        return this;
    }

    /// <summary>Validates for a field of <paramref name="dimensions"/> (2, 3 or 4): tiling exists in 2D and 3D only and
    /// needs an even PeriodY in 2D.</summary>
    public NoiseSettings Validate(int dimensions)
    {
        if (dimensions is < 2 or > 4) Fail($"dimensions must be 2, 3 or 4, got {dimensions}");
        Validate();
        if (dimensions == 4 && IsPeriodic) Fail("periodic tiling is available for 2D and 3D noise only, got a period with 4D");
        if (dimensions == 2 && PeriodY % 2 != 0) Fail($"periodY must be even for 2D noise (the triangular lattice repeats every two rows), got {PeriodY}");
        if (dimensions == 2 && PeriodZ != 0) Fail($"periodZ applies to 3D noise only, got {PeriodZ} for 2D");
        return this;
    }

    /// <summary>Output multiplier Amplitude / Σ gain^k (k &lt; octaves), so the octave sum stays in [−Amplitude, Amplitude].</summary>
    public float OutputScale => (float)(Amplitude / GainSum());

    /// <summary>Warp multiplier WarpAmplitude / Σ gain^k: each warp component is a normalised fBm times this.</summary>
    public float WarpScale => (float)(WarpAmplitude / GainSum());

    private double GainSum()
    {
        double sum = 0, a = 1;
        for (int k = 0; k < Octaves; k++) { sum += a; a *= Gain; }
        return sum;
    }

    private static void Finite(float value, string name)
    {
        if (!float.IsFinite(value)) Fail($"{name} must be a finite number, got {F(value)}");
    }

    private static string F(float v) => v.ToString(CultureInfo.InvariantCulture);

    private static void Fail(string message) => throw new ArgumentException(message);
}
