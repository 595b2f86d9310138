using FieldForge.Gpu;

namespace FieldForge.Neural;

/// <summary>
/// Wen &amp; Yang's multiresolution simplex hash encoding: the scaled point is skewed with F_n = (sqrt(n+1)-1)/n, its
/// fractional parts sorted to find the Kuhn simplex that holds it, and the n+1 vertices interpolated with barycentric
/// weights (non-negative, summing to one, continuous across faces). Same tables and hash as the grid encoding.
/// By default (<see cref="HashEncodingConfig.MatchGridVertexDensity"/>) each level's scale is the nominal resolution
/// times (n+1)^(-1/(2n)), so the lattice has the grid's vertices per unit volume at the same configuration.
/// </summary>
public sealed class SimplexHashEncoding : HashEncoding
{
    /// <summary>Creates the encoding (validates <paramref name="config"/>; owns a small level-descriptor buffer).</summary>
    public SimplexHashEncoding(GpuContext gpu, HashEncodingConfig config)
        : base(gpu, config, EncodingKind.Simplex, latticeExtent: 1.0 + config.Dimensions * SkewFactor(config.Dimensions),
            compactMultiplicity: config.MatchGridVertexDensity ? CompactMultiplicity(config.Dimensions) : 0) { }

    /// <summary>Margin of the compact dense layout: a simplex vertex lies within one cell of the point per unskewed axis
    /// (the Kuhn simplex spans max(1 - G, nG) &lt; 1 there) and c(k) rounds to half a cell (plus a rational's drift below
    /// 0.1), so q = v - c(k) lies in (-1.6, S + 1.6): q + CompactMargin is never negative and a level of scale S needs
    /// ceil(S) + 2 × margin + 1 entries per axis.</summary>
    internal const int CompactMargin = 1;

    /// <summary>At most this many lattice vertices share one q = v - c(k) (they have consecutive c), for n = 2..4:
    /// the bound 1 + 1/(1 - nG) on runs of solutions, rounded down (2, 2, 3).</summary>
    public static int CompactMultiplicity(int dimensions) => dimensions switch
    {
        2 => 2,
        3 => 2,
        4 => 3,
        _ => throw new ArgumentOutOfRangeException(nameof(dimensions), $"the simplex lattice supports 2..4 dimensions, got {dimensions}"),
    };

    // The unskew factor G = F / (1 + nF) as a rational evaluated in integers (exactly 1/6 in 3D; within 1e-5 otherwise).
    private static (uint Numerator, uint Denominator) UnskewRational(int dimensions) => dimensions switch
    {
        2 => (13849u, 65536u),
        3 => (1u, 6u),
        _ => (9057u, 65536u),
    };

    /// <summary>
    /// Entry of a simplex-lattice vertex in a compact dense level (mirrors <c>ff_simplex_compact_index</c>). The vertices
    /// the unit cube reaches fill only part of their skewed bounding box (1/sqrt(3) of it in 2D, 1/4 in 3D), so the
    /// level stores q = v - c(k) per axis instead, with k the sum of the coordinates and c(k) = round(G k): q is the
    /// unskewed position up to half a cell, so it spans the level's scale plus a margin, and the at most
    /// <see cref="CompactMultiplicity"/> vertices that share a q differ in c, which c mod multiplicity records.
    /// With the grid's vertex density that is about the grid's entries per level.
    /// </summary>
    public static uint CompactDenseIndex(ReadOnlySpan<uint> coordinate, uint side)
    {
        int n = coordinate.Length;
        var (num, den) = UnskewRational(n);
        uint k = 0;
        for (int d = 0; d < n; d++) k += coordinate[d];
        uint c = (k * num + den / 2) / den;
        uint index = 0, stride = 1;
        for (int d = 0; d < n; d++) { index += (coordinate[d] + CompactMargin - c) * stride; stride *= side; }
        return index * (uint)CompactMultiplicity(n) + c % (uint)CompactMultiplicity(n);
    }

    /// <summary>The skew factor F_n = (sqrt(n+1) - 1) / n for n = 2..4, as the same float literals the kernels use.</summary>
    public static float SkewFactor(int dimensions) => dimensions switch
    {
        2 => 0.36602540378443865f,
        3 => 0.33333333333333333f,
        4 => 0.30901699437494745f,
        _ => throw new ArgumentOutOfRangeException(nameof(dimensions), $"the simplex lattice supports 2..4 dimensions, got {dimensions}"),
    };

    /// <inheritdoc/>
    public override int VerticesPerLevel => Config.Dimensions + 1;

    /// <summary>
    /// The simplex lattice lookup for a point in lattice units: n+1 integer vertices (vertex-major in
    /// <paramref name="coordinates"/>) and their barycentric weights. Mirrors <c>ff_simplex_vertices</c>.
    /// </summary>
    public static int SimplexVertices(ReadOnlySpan<float> position, Span<uint> coordinates, Span<float> weights)
    {
        int n = position.Length;
        float sum = 0;
        for (int d = 0; d < n; d++) sum += position[d];
        float skew = sum * SkewFactor(n);
        Span<uint> cellBase = stackalloc uint[n];
        Span<float> frac = stackalloc float[n];
        Span<int> order = stackalloc int[n];
        for (int d = 0; d < n; d++)
        {
            float s = position[d] + skew;
            float f = MathF.Floor(s);
            cellBase[d] = (uint)f;
            frac[d] = s - f;
            order[d] = d;
        }
        for (int i = 1; i < n; i++)
        {
            int key = order[i], j = i - 1;
            while (j >= 0 && frac[order[j]] < frac[key]) { order[j + 1] = order[j]; j--; }
            order[j + 1] = key;
        }
        for (int d = 0; d < n; d++) coordinates[d] = cellBase[d];
        weights[0] = 1f - frac[order[0]];
        for (int k = 1; k <= n; k++)
        {
            for (int d = 0; d < n; d++) coordinates[k * n + d] = coordinates[(k - 1) * n + d];
            coordinates[k * n + order[k - 1]] += 1;
            weights[k] = frac[order[k - 1]] - (k < n ? frac[order[k]] : 0f);
        }
        return n + 1;
    }

    private protected override int LatticeVertices(ReadOnlySpan<float> position, Span<uint> coordinates, Span<float> weights) =>
        SimplexVertices(position, coordinates, weights);

    /// <summary>
    /// d weight_k / d position_e (vertex-major: [k * n + e]) of <see cref="SimplexVertices"/> inside the simplex holding
    /// the point: the skew adds F_n to every fraction's derivative, and the sorted-fraction differences give
    /// -([rank_e = 0] + F_n), [rank_e = k-1] - [rank_e = k], [rank_e = n-1] + F_n for vertices 0, 1..n-1 and n.
    /// </summary>
    public static void SimplexWeightGradients(ReadOnlySpan<float> position, Span<float> weightGradients)
    {
        int n = position.Length;
        float skewFactor = SkewFactor(n);
        float sum = 0;
        for (int d = 0; d < n; d++) sum += position[d];
        float skew = sum * skewFactor;
        Span<float> frac = stackalloc float[n];
        for (int d = 0; d < n; d++) { float s = position[d] + skew; frac[d] = s - MathF.Floor(s); }
        for (int e = 0; e < n; e++)
        {
            // The same ranks as SimplexVertices' stable descending sort (ties keep axis order).
            int rank = 0;
            for (int d = 0; d < n; d++) if (frac[d] > frac[e] || (frac[d] == frac[e] && d < e)) rank++;
            weightGradients[e] = -((rank == 0 ? 1f : 0f) + skewFactor);
            for (int k = 1; k < n; k++) weightGradients[k * n + e] = (rank == k - 1 ? 1f : 0f) - (rank == k ? 1f : 0f);
            weightGradients[n * n + e] = (rank == n - 1 ? 1f : 0f) + skewFactor;
        }
    }

    private protected override void LatticeWeightGradients(ReadOnlySpan<float> position, Span<float> weightGradients) =>
        SimplexWeightGradients(position, weightGradients);
}
