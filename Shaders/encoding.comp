#version 450
// Multiresolution hash encodings, forward (features) and backward (gradient scatter into the tables).
// One invocation per (sample, level); level-major thread order so a subgroup shares one level's table.
// Points are feature-major: coordinate d of sample s at points[d * count + s], clamped to the unit cube.
// Features out are feature-major too: feature f of level l at features[(l * F + f) * count + s].
// FEATURES (F, features per level: 1, 2, 4 or 8) is compiled in, so the feature loops run exactly F times. A runtime F
// under a fixed 8-trip loop with an `if (f < F)` guard costs all 8 trips on SIMD CPU drivers, which run an if's body
// for every lane with the inactive ones masked: 8 loads (forward) or atomics (backward) per vertex instead of 2 at F = 2.
//! kernel encoding_grid_forward_2d_f1 GRID FORWARD DIMS=2 FEATURES=1
//! kernel encoding_grid_forward_2d_f2 GRID FORWARD DIMS=2 FEATURES=2
//! kernel encoding_grid_forward_2d_f4 GRID FORWARD DIMS=2 FEATURES=4
//! kernel encoding_grid_forward_2d_f8 GRID FORWARD DIMS=2 FEATURES=8
//! kernel encoding_grid_forward_3d_f1 GRID FORWARD DIMS=3 FEATURES=1
//! kernel encoding_grid_forward_3d_f2 GRID FORWARD DIMS=3 FEATURES=2
//! kernel encoding_grid_forward_3d_f4 GRID FORWARD DIMS=3 FEATURES=4
//! kernel encoding_grid_forward_3d_f8 GRID FORWARD DIMS=3 FEATURES=8
//! kernel encoding_grid_forward_4d_f1 GRID FORWARD DIMS=4 FEATURES=1
//! kernel encoding_grid_forward_4d_f2 GRID FORWARD DIMS=4 FEATURES=2
//! kernel encoding_grid_forward_4d_f4 GRID FORWARD DIMS=4 FEATURES=4
//! kernel encoding_grid_forward_4d_f8 GRID FORWARD DIMS=4 FEATURES=8
//! kernel encoding_grid_backward_2d_f1 GRID BACKWARD DIMS=2 FEATURES=1
//! kernel encoding_grid_backward_2d_f2 GRID BACKWARD DIMS=2 FEATURES=2
//! kernel encoding_grid_backward_2d_f4 GRID BACKWARD DIMS=2 FEATURES=4
//! kernel encoding_grid_backward_2d_f8 GRID BACKWARD DIMS=2 FEATURES=8
//! kernel encoding_grid_backward_3d_f1 GRID BACKWARD DIMS=3 FEATURES=1
//! kernel encoding_grid_backward_3d_f2 GRID BACKWARD DIMS=3 FEATURES=2
//! kernel encoding_grid_backward_3d_f4 GRID BACKWARD DIMS=3 FEATURES=4
//! kernel encoding_grid_backward_3d_f8 GRID BACKWARD DIMS=3 FEATURES=8
//! kernel encoding_grid_backward_4d_f1 GRID BACKWARD DIMS=4 FEATURES=1
//! kernel encoding_grid_backward_4d_f2 GRID BACKWARD DIMS=4 FEATURES=2
//! kernel encoding_grid_backward_4d_f4 GRID BACKWARD DIMS=4 FEATURES=4
//! kernel encoding_grid_backward_4d_f8 GRID BACKWARD DIMS=4 FEATURES=8
//! kernel encoding_simplex_forward_2d_f1 SIMPLEX FORWARD DIMS=2 FEATURES=1
//! kernel encoding_simplex_forward_2d_f2 SIMPLEX FORWARD DIMS=2 FEATURES=2
//! kernel encoding_simplex_forward_2d_f4 SIMPLEX FORWARD DIMS=2 FEATURES=4
//! kernel encoding_simplex_forward_2d_f8 SIMPLEX FORWARD DIMS=2 FEATURES=8
//! kernel encoding_simplex_forward_3d_f1 SIMPLEX FORWARD DIMS=3 FEATURES=1
//! kernel encoding_simplex_forward_3d_f2 SIMPLEX FORWARD DIMS=3 FEATURES=2
//! kernel encoding_simplex_forward_3d_f4 SIMPLEX FORWARD DIMS=3 FEATURES=4
//! kernel encoding_simplex_forward_3d_f8 SIMPLEX FORWARD DIMS=3 FEATURES=8
//! kernel encoding_simplex_forward_4d_f1 SIMPLEX FORWARD DIMS=4 FEATURES=1
//! kernel encoding_simplex_forward_4d_f2 SIMPLEX FORWARD DIMS=4 FEATURES=2
//! kernel encoding_simplex_forward_4d_f4 SIMPLEX FORWARD DIMS=4 FEATURES=4
//! kernel encoding_simplex_forward_4d_f8 SIMPLEX FORWARD DIMS=4 FEATURES=8
//! kernel encoding_simplex_backward_2d_f1 SIMPLEX BACKWARD DIMS=2 FEATURES=1
//! kernel encoding_simplex_backward_2d_f2 SIMPLEX BACKWARD DIMS=2 FEATURES=2
//! kernel encoding_simplex_backward_2d_f4 SIMPLEX BACKWARD DIMS=2 FEATURES=4
//! kernel encoding_simplex_backward_2d_f8 SIMPLEX BACKWARD DIMS=2 FEATURES=8
//! kernel encoding_simplex_backward_3d_f1 SIMPLEX BACKWARD DIMS=3 FEATURES=1
//! kernel encoding_simplex_backward_3d_f2 SIMPLEX BACKWARD DIMS=3 FEATURES=2
//! kernel encoding_simplex_backward_3d_f4 SIMPLEX BACKWARD DIMS=3 FEATURES=4
//! kernel encoding_simplex_backward_3d_f8 SIMPLEX BACKWARD DIMS=3 FEATURES=8
//! kernel encoding_simplex_backward_4d_f1 SIMPLEX BACKWARD DIMS=4 FEATURES=1
//! kernel encoding_simplex_backward_4d_f2 SIMPLEX BACKWARD DIMS=4 FEATURES=2
//! kernel encoding_simplex_backward_4d_f4 SIMPLEX BACKWARD DIMS=4 FEATURES=4
//! kernel encoding_simplex_backward_4d_f8 SIMPLEX BACKWARD DIMS=4 FEATURES=8
//! kernel encoding_grid_backward_fixed_2d_f1 GRID BACKWARD FIXED DIMS=2 FEATURES=1
//! kernel encoding_grid_backward_fixed_2d_f2 GRID BACKWARD FIXED DIMS=2 FEATURES=2
//! kernel encoding_grid_backward_fixed_2d_f4 GRID BACKWARD FIXED DIMS=2 FEATURES=4
//! kernel encoding_grid_backward_fixed_2d_f8 GRID BACKWARD FIXED DIMS=2 FEATURES=8
//! kernel encoding_grid_backward_fixed_3d_f1 GRID BACKWARD FIXED DIMS=3 FEATURES=1
//! kernel encoding_grid_backward_fixed_3d_f2 GRID BACKWARD FIXED DIMS=3 FEATURES=2
//! kernel encoding_grid_backward_fixed_3d_f4 GRID BACKWARD FIXED DIMS=3 FEATURES=4
//! kernel encoding_grid_backward_fixed_3d_f8 GRID BACKWARD FIXED DIMS=3 FEATURES=8
//! kernel encoding_grid_backward_fixed_4d_f1 GRID BACKWARD FIXED DIMS=4 FEATURES=1
//! kernel encoding_grid_backward_fixed_4d_f2 GRID BACKWARD FIXED DIMS=4 FEATURES=2
//! kernel encoding_grid_backward_fixed_4d_f4 GRID BACKWARD FIXED DIMS=4 FEATURES=4
//! kernel encoding_grid_backward_fixed_4d_f8 GRID BACKWARD FIXED DIMS=4 FEATURES=8
//! kernel encoding_simplex_backward_fixed_2d_f1 SIMPLEX BACKWARD FIXED DIMS=2 FEATURES=1
//! kernel encoding_simplex_backward_fixed_2d_f2 SIMPLEX BACKWARD FIXED DIMS=2 FEATURES=2
//! kernel encoding_simplex_backward_fixed_2d_f4 SIMPLEX BACKWARD FIXED DIMS=2 FEATURES=4
//! kernel encoding_simplex_backward_fixed_2d_f8 SIMPLEX BACKWARD FIXED DIMS=2 FEATURES=8
//! kernel encoding_simplex_backward_fixed_3d_f1 SIMPLEX BACKWARD FIXED DIMS=3 FEATURES=1
//! kernel encoding_simplex_backward_fixed_3d_f2 SIMPLEX BACKWARD FIXED DIMS=3 FEATURES=2
//! kernel encoding_simplex_backward_fixed_3d_f4 SIMPLEX BACKWARD FIXED DIMS=3 FEATURES=4
//! kernel encoding_simplex_backward_fixed_3d_f8 SIMPLEX BACKWARD FIXED DIMS=3 FEATURES=8
//! kernel encoding_simplex_backward_fixed_4d_f1 SIMPLEX BACKWARD FIXED DIMS=4 FEATURES=1
//! kernel encoding_simplex_backward_fixed_4d_f2 SIMPLEX BACKWARD FIXED DIMS=4 FEATURES=2
//! kernel encoding_simplex_backward_fixed_4d_f4 SIMPLEX BACKWARD FIXED DIMS=4 FEATURES=4
//! kernel encoding_simplex_backward_fixed_4d_f8 SIMPLEX BACKWARD FIXED DIMS=4 FEATURES=8
// FIXED: no float atomics. Each contribution is rounded to a 64-bit fixed-point integer (FF_FIXED_FRACTION_BITS
// fractional bits) and added with two 32-bit integer atomics (low word, then high word plus the carry the low add
// produced). Integer addition is associative, so the sums are exact and identical in every run whatever the order;
// encoding_fixed_resolve converts them back to float. Contributions must stay below 2^23 in magnitude.
#if defined(BACKWARD) && !defined(FIXED)
#extension GL_EXT_shader_atomic_float : require
#endif
#define FF_WORKGROUP 128
layout(local_size_x = FF_WORKGROUP) in;
#include "ff_common.glsl"
#include "hash.glsl"
#include "encoding_common.glsl"
#include "simplex_lattice.glsl"
#include "grid_lattice.glsl"
#include "fixed_point.glsl"

layout(std430, binding = 0) readonly buffer Points { float points[]; };
layout(std430, binding = 1) readonly buffer Levels { EncodingLevel levelInfo[]; };
#ifdef FORWARD
layout(std430, binding = 2) readonly buffer Params { float params[]; };
layout(std430, binding = 3) writeonly buffer Features { float features[]; };
#elif defined(FIXED)
layout(std430, binding = 2) readonly buffer FeatureGrad { float featureGrad[]; };
layout(std430, binding = 3) buffer FixedLow { uint fixedLow[]; };
layout(std430, binding = 4) buffer FixedHigh { uint fixedHigh[]; };
#else
layout(std430, binding = 2) readonly buffer FeatureGrad { float featureGrad[]; };
layout(std430, binding = 3) buffer ParamGrad { float paramGrad[]; };
#endif

#ifdef FIXED
// Adds v (rounded to a multiple of 2^-FF_FIXED_FRACTION_BITS) to the 64-bit two's-complement value at index i.
void ff_fixed_add(uint i, float v)
{
    float t = abs(v) * FF_FIXED_SCALE;
    float hiF = floor(t * (1.0 / 4294967296.0));
    uint hi = uint(hiF);
    uint lo = uint(t - hiF * 4294967296.0);
    if (v < 0.0) { lo = ~lo + 1u; hi = ~hi + (lo == 0u ? 1u : 0u); }
    if (lo == 0u && hi == 0u) return;
    uint old = atomicAdd(fixedLow[i], lo);
    uint carry = old + lo < old ? 1u : 0u;
    atomicAdd(fixedHigh[i], hi + carry);
}
#endif

#ifdef GRID
#define VERTICES (1 << DIMS)
#else
#define VERTICES (DIMS + 1)
#endif

void main()
{
    uint gid = ff_global_index();
    if (gid >= pc.count * pc.levels) return;
    uint level = gid / pc.count;
    uint s = gid - level * pc.count;
    EncodingLevel lv = levelInfo[level];
    const uint F = uint(FEATURES);  // pc.features, checked on the host
    uint tableBase = pc.paramOffset + lv.offset;

    precise float pos[DIMS];
    for (int d = 0; d < DIMS; d++) pos[d] = clamp(points[uint(d) * pc.count + s], 0.0, 1.0) * lv.scale;

    uint vertex[VERTICES][DIMS];
    float weight[VERTICES];
#ifdef GRID
    ff_grid_vertices(pos, vertex, weight);
#else
    ff_simplex_vertices(pos, vertex, weight);
#endif

    // Feature loops have a compile-time trip count, so the private arrays stay in registers.
#ifdef FORWARD
    float acc[FEATURES];
    for (int f = 0; f < FEATURES; f++) acc[f] = 0.0;
    for (int c = 0; c < VERTICES; c++)
    {
        uint entry = tableBase + ff_lattice_index(vertex[c], lv) * F;
        for (int f = 0; f < FEATURES; f++) acc[f] += weight[c] * params[entry + uint(f)];
    }
    for (int f = 0; f < FEATURES; f++) features[(level * F + uint(f)) * pc.count + s] = acc[f];
#else
    float g[FEATURES];
    for (int f = 0; f < FEATURES; f++) g[f] = featureGrad[(level * F + uint(f)) * pc.count + s];
    for (int c = 0; c < VERTICES; c++)
    {
        uint entry = tableBase + ff_lattice_index(vertex[c], lv) * F;
        for (int f = 0; f < FEATURES; f++)
#ifdef FIXED
            ff_fixed_add(entry + uint(f) - pc.paramOffset, weight[c] * g[f]);
#else
            atomicAdd(paramGrad[entry + uint(f)], weight[c] * g[f]);
#endif
    }
#endif
}
