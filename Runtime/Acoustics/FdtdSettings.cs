namespace FieldForge.Acoustics;

/// <summary>
/// Settings of the FDTD reference solver. The grid spacing follows from the highest frequency of interest and the
/// points per wavelength (h = c / (fmax · ppw)); the time step from the Courant number (dt = λ h / c).
/// </summary>
public sealed record FdtdSettings
{
    /// <summary>Stability limit of the 3-D 7-point leapfrog scheme: λ ≤ 1/√3.</summary>
    public static readonly double CourantLimit = 1 / Math.Sqrt(3);

    /// <summary>Highest frequency the grid resolves, Hz.</summary>
    public double MaxFrequencyHz { get; init; } = 500;
    /// <summary>Grid points per shortest wavelength (10.5 keeps the scheme's dispersion near 1%).</summary>
    public double PointsPerWavelength { get; init; } = 10.5;
    /// <summary>Speed of sound, m/s.</summary>
    public double SpeedOfSound { get; init; } = 343;
    /// <summary>Air density, kg/m³ (only converts a wall impedance Z into an admittance).</summary>
    public double Density { get; init; } = 1.2;
    /// <summary>Width σ of the initial Gaussian pulse A·exp(-|x-s|²/σ²) in metres; null = c / (π fmax / 2).</summary>
    public double? SigmaMetres { get; init; }
    /// <summary>Peak initial pressure A, Pa.</summary>
    public double Amplitude { get; init; } = 1;
    /// <summary>Courant number c·dt/h, just under the stability limit 1/√3.</summary>
    public double CourantNumber { get; init; } = 0.999 / Math.Sqrt(3);
    /// <summary>Time steps recorded into one GPU submission.</summary>
    public int StepsPerBatch { get; init; } = 32;
    /// <summary>Upper bound on the solver's device memory, bytes; larger problems are refused before allocating.</summary>
    public long MaxMemoryBytes { get; init; } = 2L << 30;

    /// <summary>Grid spacing h in metres.</summary>
    public double Spacing => SpeedOfSound / (MaxFrequencyHz * PointsPerWavelength);
    /// <summary>Time step in seconds.</summary>
    public double TimeStep => CourantNumber * Spacing / SpeedOfSound;
    /// <summary>The pulse width actually used, metres.</summary>
    public double Sigma => SigmaMetres ?? SpeedOfSound / (Math.PI * MaxFrequencyHz / 2);

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid setting.</summary>
    public FdtdSettings Validate()
    {
        Positive(MaxFrequencyHz, nameof(MaxFrequencyHz));
        Positive(PointsPerWavelength, nameof(PointsPerWavelength));
        if (PointsPerWavelength < 2) throw new ArgumentOutOfRangeException(nameof(PointsPerWavelength), PointsPerWavelength, $"PointsPerWavelength must be at least 2 (Nyquist), got {PointsPerWavelength}");
        Positive(SpeedOfSound, nameof(SpeedOfSound));
        Positive(Density, nameof(Density));
        if (SigmaMetres is { } s) Positive(s, nameof(SigmaMetres));
        if (!double.IsFinite(Amplitude)) throw new ArgumentOutOfRangeException(nameof(Amplitude), Amplitude, $"Amplitude must be finite, got {Amplitude}");
        if (!(CourantNumber > 0 && CourantNumber <= CourantLimit))
            throw new ArgumentOutOfRangeException(nameof(CourantNumber), CourantNumber, $"CourantNumber must be in (0, 1/sqrt(3) = {CourantLimit:F6}], got {CourantNumber}");
        if (StepsPerBatch is < 1 or > 4096) throw new ArgumentOutOfRangeException(nameof(StepsPerBatch), StepsPerBatch, $"StepsPerBatch must be 1..4096, got {StepsPerBatch}");
        if (MaxMemoryBytes <= 0) throw new ArgumentOutOfRangeException(nameof(MaxMemoryBytes), MaxMemoryBytes, "MaxMemoryBytes must be positive");
        return this;
    }

    private static void Positive(double v, string name)
    {
        if (!(v > 0) || !double.IsFinite(v)) throw new ArgumentOutOfRangeException(name, v, $"{name} must be a positive finite number, got {v}");
    }
}
