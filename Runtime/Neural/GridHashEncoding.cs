using FieldForge.Gpu;

namespace FieldForge.Neural;

/// <summary>
/// instant-ngp's multiresolution hash encoding on a hypercube grid: each level interpolates the 2^n corners of the
/// cell holding the point with multilinear weights.
/// </summary>
public sealed class GridHashEncoding : HashEncoding
{
    /// <summary>Creates the encoding (validates <paramref name="config"/>; owns a small level-descriptor buffer).</summary>
    public GridHashEncoding(GpuContext gpu, HashEncodingConfig config) : base(gpu, config, EncodingKind.Grid, latticeExtent: 1.0) { }

    /// <inheritdoc/>
    public override int VerticesPerLevel => 1 << Config.Dimensions;

    private protected override int LatticeVertices(ReadOnlySpan<float> position, Span<uint> coordinates, Span<float> weights)
    {
        int n = position.Length;
        Span<uint> cellBase = stackalloc uint[n];
        Span<float> frac = stackalloc float[n];
        for (int d = 0; d < n; d++)
        {
            float f = MathF.Floor(position[d]);
            cellBase[d] = (uint)f;
            frac[d] = position[d] - f;
        }
        int corners = 1 << n;
        for (int c = 0; c < corners; c++)
        {
            float w = 1f;
            for (int d = 0; d < n; d++)
            {
                bool up = ((c >> d) & 1) != 0;
                coordinates[c * n + d] = cellBase[d] + (up ? 1u : 0u);
                w *= up ? frac[d] : 1f - frac[d];
            }
            weights[c] = w;
        }
        return corners;
    }

    private protected override void LatticeWeightGradients(ReadOnlySpan<float> position, Span<float> weightGradients)
    {
        int n = position.Length;
        Span<float> frac = stackalloc float[n];
        for (int d = 0; d < n; d++) frac[d] = position[d] - MathF.Floor(position[d]);
        for (int c = 0; c < 1 << n; c++)
            for (int e = 0; e < n; e++)
            {
                float w = ((c >> e) & 1) != 0 ? 1f : -1f;
                for (int d = 0; d < n; d++)
                    if (d != e) w *= ((c >> d) & 1) != 0 ? frac[d] : 1f - frac[d];
                weightGradients[c * n + e] = w;
            }
    }
}
