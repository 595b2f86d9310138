// Simplex lattice (Wen & Yang): skew the scaled point with F_n = (sqrt(n+1)-1)/n, sort the fractional parts to find
// the Kuhn simplex that holds it, and interpolate with barycentric weights over its n+1 vertices. Mirrors
// FieldForge.Neural.SimplexHashEncoding.Vertices (C#).
#ifndef FF_SIMPLEX_LATTICE_GLSL
#define FF_SIMPLEX_LATTICE_GLSL

// Skew factor F_n = (sqrt(n+1) - 1) / n for DIMS dimensions, as literals so the shader compiler cannot fold it with a
// different rounding than the C# reference (SimplexHashEncoding.SkewFactor uses the same literals).
float ff_simplex_skew()
{
    const float skew[5] = float[5](0.0, 0.0, 0.36602540378443865, 0.33333333333333333, 0.30901699437494745);
    return skew[DIMS];
}

// Vertex k (0..DIMS) and its weight for a point already in lattice units (pos = x * scale).
// Vertex 0 is floor(skewed); vertex k adds the unit steps of the k largest fractional parts.
// Weights: w0 = 1 - f(1), wk = f(k) - f(k+1), wn = f(n) over the descending sorted fractions: non-negative, sum to one.
// The sort is done by ranks (rank[d] = how many axes come before d in descending order, ties by axis index) with
// fixed-trip loops only: no dynamically indexed private arrays, which SIMD CPU drivers would spill to memory.
void ff_simplex_vertices(float pos[DIMS], out uint vertex[DIMS + 1][DIMS], out float weight[DIMS + 1])
{
    // precise: no FMA contraction, so the lattice cell and fractions match the CPU reference bit for bit.
    precise float sum = 0.0;
    for (int d = 0; d < DIMS; d++) sum += pos[d];
    precise float skew = sum * ff_simplex_skew();
    uint base[DIMS];
    float frac[DIMS];
    for (int d = 0; d < DIMS; d++)
    {
        precise float s = pos[d] + skew;
        float f = floor(s);
        base[d] = uint(f);
        frac[d] = s - f;
    }
    int rank[DIMS];
    for (int d = 0; d < DIMS; d++)
    {
        int r = 0;
        for (int e = 0; e < DIMS; e++)
            r += (frac[e] > frac[d] || (frac[e] == frac[d] && e < d)) ? 1 : 0;
        rank[d] = r;
    }
    float sorted[DIMS + 1];
    for (int m = 0; m < DIMS; m++)
    {
        float v = 0.0;
        for (int d = 0; d < DIMS; d++) v = rank[d] == m ? frac[d] : v;
        sorted[m] = v;
    }
    sorted[DIMS] = 0.0;
    weight[0] = 1.0 - sorted[0];
    for (int k = 1; k <= DIMS; k++) weight[k] = sorted[k - 1] - sorted[k];
    for (int k = 0; k <= DIMS; k++)
        for (int d = 0; d < DIMS; d++) vertex[k][d] = base[d] + (rank[d] < k ? 1u : 0u);
}

#endif
