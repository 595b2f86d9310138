#version 450
// Simplex noise kernels: fill a 2D/3D grid (origin + index * spacing) or evaluate packed points, optionally with
// analytic gradients. The math lives in include/noise_simplex.glsl and include/noise_fractal.glsl and mirrors the
// C# reference (FieldForge.Noise.CpuNoise) operation for operation.
//! kernel noise_grid2 DIM=2 GRID
//! kernel noise_grid2_warp DIM=2 GRID WARP
//! kernel noise_grid2_tiled DIM=2 GRID PERIODIC
//! kernel noise_grid2_tiled_warp DIM=2 GRID PERIODIC WARP
//! kernel noise_grid2_grad DIM=2 GRID GRAD
//! kernel noise_grid2_grad_warp DIM=2 GRID GRAD WARP
//! kernel noise_grid2_grad_tiled DIM=2 GRID GRAD PERIODIC
//! kernel noise_grid2_grad_tiled_warp DIM=2 GRID GRAD PERIODIC WARP
//! kernel noise_grid3 DIM=3 GRID
//! kernel noise_grid3_warp DIM=3 GRID WARP
//! kernel noise_grid3_tiled DIM=3 GRID PERIODIC
//! kernel noise_grid3_tiled_warp DIM=3 GRID PERIODIC WARP
//! kernel noise_grid3_grad DIM=3 GRID GRAD
//! kernel noise_grid3_grad_warp DIM=3 GRID GRAD WARP
//! kernel noise_grid3_grad_tiled DIM=3 GRID GRAD PERIODIC
//! kernel noise_grid3_grad_tiled_warp DIM=3 GRID GRAD PERIODIC WARP
//! kernel noise_grid4 DIM=4 GRID
//! kernel noise_grid4_warp DIM=4 GRID WARP
//! kernel noise_points2 DIM=2
//! kernel noise_points2_warp DIM=2 WARP
//! kernel noise_points2_tiled DIM=2 PERIODIC
//! kernel noise_points2_tiled_warp DIM=2 PERIODIC WARP
//! kernel noise_points2_grad DIM=2 GRAD
//! kernel noise_points2_grad_warp DIM=2 GRAD WARP
//! kernel noise_points2_grad_tiled DIM=2 GRAD PERIODIC
//! kernel noise_points2_grad_tiled_warp DIM=2 GRAD PERIODIC WARP
//! kernel noise_points3 DIM=3
//! kernel noise_points3_warp DIM=3 WARP
//! kernel noise_points3_tiled DIM=3 PERIODIC
//! kernel noise_points3_tiled_warp DIM=3 PERIODIC WARP
//! kernel noise_points3_grad DIM=3 GRAD
//! kernel noise_points3_grad_warp DIM=3 GRAD WARP
//! kernel noise_points3_grad_tiled DIM=3 GRAD PERIODIC
//! kernel noise_points3_grad_tiled_warp DIM=3 GRAD PERIODIC WARP
//! kernel noise_points4 DIM=4
//! kernel noise_points4_warp DIM=4 WARP
#if defined(GRID) && !defined(GRAD) && !defined(PERIODIC)
// Value-only grid fills: FF_NOISE_WIDE neighbouring samples along x per invocation (include/noise_wide.glsl says why),
// 8 x 16 invocations per workgroup: 8 along x so a short row (e.g. 101 samples = 26 invocations) does not leave most of a
// wide workgroup idle, 16 rows so a 1M-sample grid is 2048 workgroups, not 4096 (on lavapipe each workgroup has a fixed
// cost that single-octave fills feel: 8 x 16 measured up to 1.4x 8 x 8 there; 8 x 32 idles too many rows of 101-row
// grids). GpuNoise.GridSamplesPerInvocation mirrors FF_NOISE_WIDE.
#define FF_NOISE_WIDE 4
layout(local_size_x = 8, local_size_y = 16) in;
#else
#define FF_WORKGROUP 64
layout(local_size_x = FF_WORKGROUP) in;
#endif
#include "ff_common.glsl"

#ifdef GRAD
const bool FF_NOISE_GRAD = true;
#else
const bool FF_NOISE_GRAD = false;
#endif
// Tiling and warping are separate variants: on lavapipe even a skipped wrap branch (integer division) or a
// zero-trip warp loop (four more inlined fractal sums) slows a plain field 5-10x, so plain kernels contain neither.
#ifdef PERIODIC
const bool FF_NOISE_PERIODIC = true;
#else
const bool FF_NOISE_PERIODIC = false;
#endif
#ifdef WARP
const bool FF_NOISE_WARP = true;
#else
const bool FF_NOISE_WARP = false;
#endif

#include "noise_push.glsl"
#include "noise_simplex.glsl"
#include "noise_fractal.glsl"
#ifdef FF_NOISE_WIDE
#include "noise_wide.glsl"
#endif

#ifdef GRID
layout(std430, binding = 0) writeonly buffer Values { float values[]; };
#ifdef GRAD
layout(std430, binding = 1) writeonly buffer Gradients { float gradients[]; };
#endif
#else
layout(std430, binding = 0) readonly buffer Points { float points[]; };
layout(std430, binding = 1) writeonly buffer Values { float values[]; };
#ifdef GRAD
layout(std430, binding = 2) writeonly buffer Gradients { float gradients[]; };
#endif
#endif

void main()
{
#ifdef FF_NOISE_WIDE
    uint ix = gl_GlobalInvocationID.x * uint(FF_NOISE_WIDE), iy = gl_GlobalInvocationID.y, iz = gl_GlobalInvocationID.z;
    if (ix >= pc.size.x || iy >= pc.size.y) return;
    uint i = (iz * pc.size.y + iy) * pc.size.x + ix;
    // Component-wise without loops: lavapipe may keep a short constant loop, and a loop-indexed vector goes to memory.
    FV fx = FV(UV(ix) + UV(0u, 1u, 2u, 3u)); // float(ix + s), as the one-sample kernel and the reference convert
    precise FV px = pc.origin.x + fx * pc.spacing.x;
    precise float py = pc.origin.y + float(iy) * pc.spacing.y;
    precise float pz = pc.origin.z + float(iz) * pc.spacing.z;
#if DIM == 2
    FV v = ff_sample2_w(px, FV(py));
#elif DIM == 3
    FV v = ff_sample3_w(px, FV(py), FV(pz));
#else
    FV v = ff_sample4_w(px, FV(py), FV(pz), FV(pc.origin.w));
#endif
    uint left = pc.size.x - ix;
    values[i] = v.x;
    if (left > 1u) values[i + 1u] = v.y;
    if (left > 2u) values[i + 2u] = v.z;
    if (left > 3u) values[i + 3u] = v.w;
#else
#ifdef GRID
    // Grid kernels are dispatched as (ceil(width / FF_WORKGROUP), height, depth) groups: no integer division per
    // sample (lavapipe scalarises vector division, which cost as much as a single-octave evaluation).
    uint ix = gl_GlobalInvocationID.x, iy = gl_GlobalInvocationID.y, iz = gl_GlobalInvocationID.z;
    if (ix >= pc.size.x) return;
    uint i = (iz * pc.size.y + iy) * pc.size.x + ix;
    precise float px = pc.origin.x + float(ix) * pc.spacing.x;
    precise float py = pc.origin.y + float(iy) * pc.spacing.y;
    precise float pz = pc.origin.z + float(iz) * pc.spacing.z;
    vec4 p = vec4(px, py, pz, pc.origin.w);
#else
    uint i = ff_global_index();
    if (i >= pc.size.w) return;
    vec4 p = vec4(0.0);
    for (int c = 0; c < DIM; c++) p[c] = points[i * uint(DIM) + uint(c)];
#endif
#if DIM == 2
    vec2 g;
    values[i] = ff_sample2(p.xy, g);
#ifdef GRAD
    gradients[2u * i] = g.x; gradients[2u * i + 1u] = g.y;
#endif
#elif DIM == 3
    vec3 g;
    values[i] = ff_sample3(p.xyz, g);
#ifdef GRAD
    gradients[3u * i] = g.x; gradients[3u * i + 1u] = g.y; gradients[3u * i + 2u] = g.z;
#endif
#else
    values[i] = ff_sample4(p);
#endif
#endif
}
