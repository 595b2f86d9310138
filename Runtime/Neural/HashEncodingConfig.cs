namespace FieldForge.Neural;

/// <summary>
/// Configuration of a multiresolution hash encoding (instant-ngp / Wen &amp; Yang): <see cref="Levels"/> lattices from
/// <see cref="BaseResolution"/> to <see cref="FinestResolution"/> cells across the unit cube, growing geometrically by
/// <see cref="GrowthFactor"/>; each level stores <see cref="FeaturesPerLevel"/> floats per vertex in a table of at most
/// 2^<see cref="Log2TableSize"/> entries (coarse levels that fit are stored densely, finer ones hashed).
/// </summary>
/// <param name="Dimensions">Input dimensions n (2, 3 or 4).</param>
/// <param name="Levels">Resolution levels L (1..32).</param>
/// <param name="FeaturesPerLevel">Features per level F (1, 2, 4 or 8).</param>
/// <param name="Log2TableSize">log2 of the per-level table size T (10..24).</param>
/// <param name="BaseResolution">Coarsest lattice resolution Nmin in cells per unit (≥ 2).</param>
/// <param name="FinestResolution">Finest lattice resolution Nmax in cells per unit (≥ Nmin).</param>
/// <param name="Seed">Seed of the deterministic U(-1e-4, 1e-4) table initialisation.</param>
/// <param name="MatchGridVertexDensity">
/// Simplex lattice only (the grid ignores it): shrink every level's scale by (n+1)^(-1/(2n)) (0.760 in 2D, 0.794 in
/// 3D, 0.818 in 4D) so the level has the grid's lattice vertices per unit volume at the same nominal resolution. The
/// skewed simplex lattice otherwise has sqrt(n+1) times the grid's vertex density: finer levels, more crowded hash
/// tables and a different parameter count than the grid at equal L, F, T. Dense simplex levels are then also stored in
/// a compact layout (<see cref="SimplexHashEncoding.CompactDenseIndex"/>) instead of over the skewed lattice's bounding
/// box, so they hold about the grid's entries. On by default; models saved before .ffnf version 3 load with it off,
/// as they were trained (unscaled lattice, bounding-box layout).
/// </param>
public sealed record HashEncodingConfig(
    int Dimensions = 2,
    int Levels = 16,
    int FeaturesPerLevel = 2,
    int Log2TableSize = 19,
    float BaseResolution = 16,
    float FinestResolution = 512,
    uint Seed = 1337,
    bool MatchGridVertexDensity = true)
{
    /// <summary>Per-level growth factor b = exp((ln Nmax - ln Nmin) / (L - 1)) (1 for a single level).</summary>
    public double GrowthFactor => Levels <= 1 ? 1.0 : Math.Exp((Math.Log(FinestResolution) - Math.Log(BaseResolution)) / (Levels - 1));

    /// <summary>Encoded features per sample: L × F.</summary>
    public int OutputDimensions => Levels * FeaturesPerLevel;

    /// <summary>Nominal resolution of <paramref name="level"/>: Nmin × b^level cells per unit. The lattice's actual scale
    /// is this times <see cref="LatticeScaleFactor"/> (see <see cref="HashEncoding.LevelScale"/>).</summary>
    public float LevelScale(int level) => (float)(BaseResolution * Math.Pow(GrowthFactor, level));

    /// <summary>
    /// The factor between a level's nominal resolution and its lattice scale for an encoding of <paramref name="kind"/>:
    /// 1 for the grid, and for the simplex lattice (n+1)^(-1/(2n)) when <see cref="MatchGridVertexDensity"/> is on (the
    /// skewed lattice's cell has volume 1/sqrt(n+1) of a grid cell's, so this scale gives both the same vertices per volume), else 1.
    /// </summary>
    public double LatticeScaleFactor(EncodingKind kind) =>
        kind == EncodingKind.Simplex && MatchGridVertexDensity ? Math.Pow(Dimensions + 1, -1.0 / (2 * Dimensions)) : 1.0;

    /// <summary>Lattice cells across the unit cube at <paramref name="level"/> for an encoding of <paramref name="kind"/>:
    /// <see cref="LevelScale"/> × <see cref="LatticeScaleFactor"/>, rounded to float once (the kernels and the CPU
    /// reference read this same float).</summary>
    public float LatticeScale(EncodingKind kind, int level) =>
        (float)(BaseResolution * Math.Pow(GrowthFactor, level) * LatticeScaleFactor(kind));

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid field.</summary>
    public HashEncodingConfig Validate()
    {
        if (Dimensions is < 2 or > 4) throw new ArgumentException($"Dimensions must be 2, 3 or 4, got {Dimensions}");
        if (Levels is < 1 or > 32) throw new ArgumentException($"Levels must be 1..32, got {Levels}");
        if (FeaturesPerLevel is not (1 or 2 or 4 or 8)) throw new ArgumentException($"FeaturesPerLevel must be 1, 2, 4 or 8, got {FeaturesPerLevel}");
        if (Log2TableSize is < 10 or > 24) throw new ArgumentException($"Log2TableSize must be 10..24, got {Log2TableSize}");
        if (!float.IsFinite(BaseResolution) || BaseResolution < 2) throw new ArgumentException($"BaseResolution must be finite and ≥ 2, got {BaseResolution}");
        if (!float.IsFinite(FinestResolution) || FinestResolution < BaseResolution || FinestResolution > 1 << 20)
            throw new ArgumentException($"FinestResolution must be finite, ≥ BaseResolution ({BaseResolution}) and ≤ 2^20, got {FinestResolution}");
        if (Levels == 1 && FinestResolution != BaseResolution)
            throw new ArgumentException($"a single level needs FinestResolution == BaseResolution, got {FinestResolution} vs {BaseResolution}");
        return this;
    }
}
