// Grid (hypercube) lattice of instant-ngp: the 2^n corners of the cell holding the point and their multilinear weights.
// Mirrors FieldForge.Neural.GridHashEncoding (C#).
#ifndef FF_GRID_LATTICE_GLSL
#define FF_GRID_LATTICE_GLSL

// Corner c (bit d of c: upper side along axis d) and its weight for a point already in lattice units (pos = x * scale).
void ff_grid_vertices(float pos[DIMS], out uint vertex[1 << DIMS][DIMS], out float weight[1 << DIMS])
{
    uint base[DIMS];
    float frac[DIMS];
    for (int d = 0; d < DIMS; d++) { float f = floor(pos[d]); base[d] = uint(f); frac[d] = pos[d] - f; }
    for (int c = 0; c < (1 << DIMS); c++)
    {
        float w = 1.0;
        for (int d = 0; d < DIMS; d++)
        {
            bool up = ((c >> d) & 1) != 0;
            vertex[c][d] = base[d] + (up ? 1u : 0u);
            w *= up ? frac[d] : 1.0 - frac[d];
        }
        weight[c] = w;
    }
}

#endif
