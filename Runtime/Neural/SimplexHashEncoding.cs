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
        : base(gpu, config, EncodingKind.Simplex, latticeExtent: 1.0 + config.Dimensions * SkewFactor(config.Dimensions)) { }

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
