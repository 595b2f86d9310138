using System.Numerics;
using System.Text.Json.Serialization;

namespace FieldForge.Acoustics;

/// <summary>
/// What a sound-field dataset holds (stored as the manifest's <c>spec</c>): a room, solver settings, a region of source
/// positions drawn deterministically from <see cref="Seed"/>, and a regular receiver grid recorded every
/// <see cref="OutputEvery"/> steps for <see cref="DurationSeconds"/>. Lengths in metres, times in seconds.
/// </summary>
public sealed record SoundFieldDatasetSpec
{
    /// <summary>Room in the shared spec grammar (for example <c>box:2x1.5x1.2</c>, metres).</summary>
    public string Room { get; init; } = "box:2x1.5x1.2";
    /// <summary>Wall model: <c>rigid</c>, <c>R=</c> reflection coefficient, <c>Z=</c> impedance in Pa·s/m, or for an
    /// <c>obj:</c> room <c>materials[:name=R,...]</c> (the mesh's usemtl surfaces, see <see cref="SurfaceMaterials"/>).</summary>
    public string Walls { get; init; } = "rigid";
    /// <summary>Highest frequency the grid resolves, Hz.</summary>
    public double MaxFrequencyHz { get; init; } = 400;
    /// <summary>Grid points per shortest wavelength; sets the grid spacing.</summary>
    public double PointsPerWavelength { get; init; } = 10.5;
    /// <summary>Speed of sound, metres per second.</summary>
    public double SpeedOfSound { get; init; } = 343;
    /// <summary>Pulse width σ, metres; null = c / (π fmax / 2).</summary>
    public double? SigmaMetres { get; init; }
    /// <summary>Peak pressure of the initial Gaussian pulse, Pa.</summary>
    public double Amplitude { get; init; } = 1;
    /// <summary>Lower corner of the source region (x, y, z), metres.</summary>
    public double[] SourceMin { get; init; } = [0.5, 0.4, 0.4];
    /// <summary>Upper corner of the source region (x, y, z), metres.</summary>
    public double[] SourceMax { get; init; } = [1.5, 1.1, 0.8];
    /// <summary>Number of source positions.</summary>
    public int SourceCount { get; init; } = 200;
    /// <summary>Seed of the deterministic source-position draw.</summary>
    public int Seed { get; init; } = 1;
    /// <summary>Spacing of the receiver grid, metres (receivers at air points of a grid inset by half a spacing).</summary>
    public double ReceiverSpacing { get; init; } = 0.25;
    /// <summary>Length of each recorded impulse response, seconds.</summary>
    public double DurationSeconds { get; init; } = 0.02;
    /// <summary>Solver steps between recorded outputs.</summary>
    public int OutputEvery { get; init; } = 2;

    /// <summary>The solver settings this spec implies.</summary>
    [JsonIgnore]
    public FdtdSettings Settings => new FdtdSettings
    {
        MaxFrequencyHz = MaxFrequencyHz, PointsPerWavelength = PointsPerWavelength, SpeedOfSound = SpeedOfSound,
        SigmaMetres = SigmaMetres, Amplitude = Amplitude,
    }.Validate();

    /// <summary>The room with its walls.</summary>
    public Room BuildRoom() => Acoustics.Room.Parse(Room).WithWalls(Walls, 1.2, SpeedOfSound);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid field.</summary>
    public SoundFieldDatasetSpec Validate()
    {
        _ = Settings;
        if (SourceMin is not { Length: 3 } || SourceMax is not { Length: 3 }) throw new ArgumentException("SourceMin and SourceMax need 3 coordinates each");
        for (int a = 0; a < 3; a++)
            if (!(SourceMax[a] >= SourceMin[a]) || !double.IsFinite(SourceMin[a]) || !double.IsFinite(SourceMax[a]))
                throw new ArgumentException($"source region axis {a}: max {SourceMax[a]} must be >= min {SourceMin[a]}");
        if (SourceCount is < 1 or > 1_000_000) throw new ArgumentOutOfRangeException(nameof(SourceCount), SourceCount, $"SourceCount must be 1..1000000, got {SourceCount}");
        if (!(ReceiverSpacing > 0) || !double.IsFinite(ReceiverSpacing)) throw new ArgumentOutOfRangeException(nameof(ReceiverSpacing), ReceiverSpacing, $"ReceiverSpacing must be positive, got {ReceiverSpacing}");
        if (!(DurationSeconds > 0) || !double.IsFinite(DurationSeconds)) throw new ArgumentOutOfRangeException(nameof(DurationSeconds), DurationSeconds, $"DurationSeconds must be positive, got {DurationSeconds}");
        if (OutputEvery is < 1 or > 10000) throw new ArgumentOutOfRangeException(nameof(OutputEvery), OutputEvery, $"OutputEvery must be 1..10000, got {OutputEvery}");
        return this;
    }

    internal Vector3 RegionMin => new((float)SourceMin[0], (float)SourceMin[1], (float)SourceMin[2]);
    internal Vector3 RegionMax => new((float)SourceMax[0], (float)SourceMax[1], (float)SourceMax[2]);
}
