namespace FieldForge.Noise;

/// <summary>
/// The settings a noise evaluator reads per sample, unpacked once into plain fields (the integer lacunarity and
/// unsigned seed are derived here). Shared by <see cref="CpuNoise"/> and <see cref="SimdNoise"/> so both read the
/// same values the GPU push constants carry.
/// </summary>
internal readonly record struct NoiseConstants(
    NoiseMode Mode, int Octaves, int WarpStages, int PeriodX, int PeriodY, int PeriodZ, int LacunarityInt, uint Seed,
    float Frequency, float Lacunarity, float Gain, float Scale, float Offset, float WarpScale)
{
    public static NoiseConstants From(NoiseSettings s) => new(
        s.Mode, s.Octaves, s.WarpStages, s.PeriodX, s.PeriodY, s.PeriodZ, (int)s.Lacunarity, unchecked((uint)s.Seed),
        s.Frequency, s.Lacunarity, s.Gain, s.OutputScale, s.Offset, s.WarpScale);
}
