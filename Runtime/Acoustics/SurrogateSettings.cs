namespace FieldForge.Acoustics;

/// <summary>
/// How a <see cref="SoundFieldSurrogate"/> is built and trained: POD trunk size, the branch's simplex hash encoding and
/// MLP, and the Adam schedule (learning rate decays exponentially from <see cref="LearningRate"/> to
/// <see cref="FinalLearningRate"/> over <see cref="Steps"/>).
/// </summary>
public sealed record SurrogateSettings
{
    /// <summary>Trunk basis functions K = branch outputs (1..128).</summary>
    public int Modes { get; init; } = 64;
    /// <summary>Levels of the branch's simplex hash encoding.</summary>
    public int EncodingLevels { get; init; } = 3;
    /// <summary>Features per encoding level.</summary>
    public int FeaturesPerLevel { get; init; } = 2;
    /// <summary>Coarsest lattice resolution over the source region (cells per unit).</summary>
    public float BaseResolution { get; init; } = 2;
    /// <summary>Finest lattice resolution over the source region; low values interpolate smoothly between sources.</summary>
    public float FinestResolution { get; init; } = 4;
    /// <summary>log2 of the branch encoding's per-level hash table size.</summary>
    public int Log2TableSize { get; init; } = 14;
    /// <summary>Neurons per hidden layer of the branch network.</summary>
    public int Width { get; init; } = 64;
    /// <summary>Hidden layers of the branch network.</summary>
    public int HiddenLayers { get; init; } = 2;
    /// <summary>Training steps.</summary>
    public int Steps { get; init; } = 1200;
    /// <summary>Source positions per training batch.</summary>
    public int BatchSize { get; init; } = 64;
    /// <summary>Adam learning rate at the first step.</summary>
    public float LearningRate { get; init; } = 1e-2f;
    /// <summary>Learning rate at the last step (decayed geometrically from <see cref="LearningRate"/>).</summary>
    public float FinalLearningRate { get; init; } = 1e-4f;
    /// <summary>Seed for parameter initialisation and batch order.</summary>
    public uint Seed { get; init; } = 1;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid field.</summary>
    public SurrogateSettings Validate()
    {
        if (Modes is < 1 or > 128) throw new ArgumentOutOfRangeException(nameof(Modes), Modes, $"Modes must be 1..128, got {Modes}");
        if (Steps is < 0 or > 10_000_000) throw new ArgumentOutOfRangeException(nameof(Steps), Steps, $"Steps must be 0..1e7, got {Steps}");
        if (BatchSize is < 1 or > 1 << 20) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, $"BatchSize must be 1..2^20, got {BatchSize}");
        if (!(LearningRate > 0) || !float.IsFinite(LearningRate)) throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "LearningRate must be positive");
        if (!(FinalLearningRate > 0) || !float.IsFinite(FinalLearningRate)) throw new ArgumentOutOfRangeException(nameof(FinalLearningRate), FinalLearningRate, "FinalLearningRate must be positive");
        return this;
    }
}
