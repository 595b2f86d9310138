#version 450
// Input gradient of the multiresolution hash encodings: dL/dx[d * count + s] = sum over levels l, features f and
// lattice vertices v of dL/dfeature[l, f, s] * table[v, f] * d weight_v / d x_d. The MLP's backward pass supplies
// dL/dfeature (with dL/doutput = 1 that is d output / d x through encoding and network). One invocation per sample,
// looping over the levels, so the per-axis sums need no atomics and are written (not accumulated).
// Weight derivatives, with pos = clamp(x, 0, 1) * scale (so d pos / d x = scale inside the unit cube, 0 outside):
//   grid:    w_c = prod_d (up_d ? frac_d : 1 - frac_d)  =>  d w_c / d pos_e = (up_e ? 1 : -1) prod_{d != e} (...)
//   simplex: frac_d = pos_d + F_n sum(pos) - floor(.), so d frac_d / d pos_e = [d == e] + F_n; the sorted fractions
//            give w_0 = 1 - s_0, w_k = s_(k-1) - s_k, w_n = s_(n-1), hence d w_0 = -([rank_e == 0] + F_n),
//            d w_k = [rank_e == k-1] - [rank_e == k] (F_n cancels) and d w_n = [rank_e == n-1] + F_n.
// Both are the derivative inside one lattice cell / simplex: the encoding is continuous but only piecewise smooth.
// Mirrors HashEncoding.InputGradientReference (C#).
//! kernel encoding_grid_input_gradient_2d_f1 GRID DIMS=2 FEATURES=1
//! kernel encoding_grid_input_gradient_2d_f2 GRID DIMS=2 FEATURES=2
//! kernel encoding_grid_input_gradient_2d_f4 GRID DIMS=2 FEATURES=4
//! kernel encoding_grid_input_gradient_2d_f8 GRID DIMS=2 FEATURES=8
//! kernel encoding_grid_input_gradient_3d_f1 GRID DIMS=3 FEATURES=1
//! kernel encoding_grid_input_gradient_3d_f2 GRID DIMS=3 FEATURES=2
//! kernel encoding_grid_input_gradient_3d_f4 GRID DIMS=3 FEATURES=4
//! kernel encoding_grid_input_gradient_3d_f8 GRID DIMS=3 FEATURES=8
//! kernel encoding_grid_input_gradient_4d_f1 GRID DIMS=4 FEATURES=1
//! kernel encoding_grid_input_gradient_4d_f2 GRID DIMS=4 FEATURES=2
//! kernel encoding_grid_input_gradient_4d_f4 GRID DIMS=4 FEATURES=4
//! kernel encoding_grid_input_gradient_4d_f8 GRID DIMS=4 FEATURES=8
//! kernel encoding_simplex_input_gradient_2d_f1 SIMPLEX DIMS=2 FEATURES=1
//! kernel encoding_simplex_input_gradient_2d_f2 SIMPLEX DIMS=2 FEATURES=2
//! kernel encoding_simplex_input_gradient_2d_f4 SIMPLEX DIMS=2 FEATURES=4
//! kernel encoding_simplex_input_gradient_2d_f8 SIMPLEX DIMS=2 FEATURES=8
//! kernel encoding_simplex_input_gradient_3d_f1 SIMPLEX DIMS=3 FEATURES=1
//! kernel encoding_simplex_input_gradient_3d_f2 SIMPLEX DIMS=3 FEATURES=2
//! kernel encoding_simplex_input_gradient_3d_f4 SIMPLEX DIMS=3 FEATURES=4
//! kernel encoding_simplex_input_gradient_3d_f8 SIMPLEX DIMS=3 FEATURES=8
//! kernel encoding_simplex_input_gradient_4d_f1 SIMPLEX DIMS=4 FEATURES=1
//! kernel encoding_simplex_input_gradient_4d_f2 SIMPLEX DIMS=4 FEATURES=2
//! kernel encoding_simplex_input_gradient_4d_f4 SIMPLEX DIMS=4 FEATURES=4
//! kernel encoding_simplex_input_gradient_4d_f8 SIMPLEX DIMS=4 FEATURES=8
#define FF_WORKGROUP 64
// FEATURES (features per level) is compiled in, as in encoding.comp: no 8-trip loops with a runtime guard.
layout(local_size_x = FF_WORKGROUP) in;
#include "ff_common.glsl"
#include "hash.glsl"
#include "encoding_common.glsl"
#include "simplex_lattice.glsl"

layout(std430, binding = 0) readonly buffer Points { float points[]; };
layout(std430, binding = 1) readonly buffer Levels { EncodingLevel levelInfo[]; };
layout(std430, binding = 2) readonly buffer Params { float params[]; };
layout(std430, binding = 3) readonly buffer FeatureGrad { float featureGrad[]; };
layout(std430, binding = 4) writeonly buffer InputGrad { float inputGrad[]; };

#ifdef GRID
#define VERTICES (1 << DIMS)
#else
#define VERTICES (DIMS + 1)
#endif

void main()
{
    uint s = ff_global_index();
    if (s >= pc.count) return;
    const uint F = uint(FEATURES);  // pc.features, checked on the host
    float x[DIMS];
    bool inside[DIMS];
    for (int d = 0; d < DIMS; d++)
    {
        float v = points[uint(d) * pc.count + s];
        inside[d] = v >= 0.0 && v <= 1.0;
        x[d] = clamp(v, 0.0, 1.0);
    }
    float grad[DIMS];
    for (int d = 0; d < DIMS; d++) grad[d] = 0.0;

    for (uint level = 0u; level < pc.levels; level++)
    {
        EncodingLevel lv = levelInfo[level];
        uint tableBase = pc.paramOffset + lv.offset;
        precise float pos[DIMS];
        for (int d = 0; d < DIMS; d++) pos[d] = x[d] * lv.scale;

        uint vertex[VERTICES][DIMS];
        float dw[VERTICES][DIMS]; // d weight_v / d pos_e
#ifdef GRID
        uint base[DIMS];
        float frac[DIMS];
        for (int d = 0; d < DIMS; d++) { float f = floor(pos[d]); base[d] = uint(f); frac[d] = pos[d] - f; }
        for (int c = 0; c < VERTICES; c++)
        {
            for (int d = 0; d < DIMS; d++) vertex[c][d] = base[d] + (((c >> d) & 1) != 0 ? 1u : 0u);
            for (int e = 0; e < DIMS; e++)
            {
                float w = ((c >> e) & 1) != 0 ? 1.0 : -1.0;
                for (int d = 0; d < DIMS; d++)
                    if (d != e) w *= ((c >> d) & 1) != 0 ? frac[d] : 1.0 - frac[d];
                dw[c][e] = w;
            }
        }
#else
        float weight[VERTICES];
        ff_simplex_vertices(pos, vertex, weight);
        // The simplex's vertex order is the descending order of the skewed fractions: vertex k steps along the axis of
        // rank k - 1. Recover each axis's rank from the vertices (vertex rank+1 is the first that moved along it).
        float F_n = ff_simplex_skew();
        for (int e = 0; e < DIMS; e++)
        {
            int rank = 0;
            for (int k = 1; k <= DIMS; k++) rank += vertex[k][e] == vertex[0][e] ? 1 : 0;
            // rank now counts the vertices after vertex 0 that have not yet stepped along e: the axis's rank.
            dw[0][e] = -((rank == 0 ? 1.0 : 0.0) + F_n);
            for (int k = 1; k < DIMS; k++) dw[k][e] = (rank == k - 1 ? 1.0 : 0.0) - (rank == k ? 1.0 : 0.0);
            dw[DIMS][e] = (rank == DIMS - 1 ? 1.0 : 0.0) + F_n;
        }
#endif
        float g[FEATURES];
        for (int f = 0; f < FEATURES; f++) g[f] = featureGrad[(level * F + uint(f)) * pc.count + s];
        for (int c = 0; c < VERTICES; c++)
        {
            uint entry = tableBase + ff_lattice_index(vertex[c], lv) * F;
            float dot = 0.0;
            for (int f = 0; f < FEATURES; f++) dot += g[f] * params[entry + uint(f)];
            for (int e = 0; e < DIMS; e++) grad[e] += lv.scale * dot * dw[c][e];
        }
    }
    for (int d = 0; d < DIMS; d++) inputGrad[uint(d) * pc.count + s] = inside[d] ? grad[d] : 0.0;
}
