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
void ff_simplex_vertices(float pos[DIMS], out uint vertex[DIMS + 1][DIMS], out float weight[DIMS + 1])
{
    // precise: no FMA contraction, so the lattice cell and fractions match the CPU reference bit for bit.
    precise float sum = 0.0;
    for (int d = 0; d < DIMS; d++) sum += pos[d];
    precise float skew = sum * ff_simplex_skew();
    uint base[DIMS];
    float frac[DIMS];
    int order[DIMS];
    for (int d = 0; d < DIMS; d++)
    {
        precise float s = pos[d] + skew;
        float f = floor(s);
        base[d] = uint(f);
        frac[d] = s - f;
        order[d] = d;
    }
    // Insertion sort of axis indices by descending fraction (stable: ties keep axis order, like the C# reference).
    for (int i = 1; i < DIMS; i++)
    {
        int key = order[i];
        int j = i - 1;
        while (j >= 0 && frac[order[j]] < frac[key]) { order[j + 1] = order[j]; j--; }
        order[j + 1] = key;
    }
    for (int d = 0; d < DIMS; d++) vertex[0][d] = base[d];
    weight[0] = 1.0 - frac[order[0]];
    for (int k = 1; k <= DIMS; k++)
    {
        for (int d = 0; d < DIMS; d++) vertex[k][d] = vertex[k - 1][d];
        vertex[k][order[k - 1]] += 1u;
        weight[k] = frac[order[k - 1]] - (k < DIMS ? frac[order[k]] : 0.0);
    }
}

#endif
