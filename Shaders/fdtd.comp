#version 450
// The standard 7-point leapfrog FDTD scheme for pressure in its two-array form,
//   p^{n+1} = 2 p^n - p^{n-1} + lambda^2 * (sum over air neighbours of (p_nb - p)),
// on a cell-centred grid with a one-cell solid halo and rows padded to a multiple of 4 cells (so a vec4 is 4 cells
// along x and every neighbour index is in range). p^{n+1} overwrites p^{n-1} in place; the caller swaps the buffers.
// Impedance walls (K wall faces, a = loss * K) follow from the staggered form with p at the wall = mean of old and new:
//   (1 + a) p^{n+1} = 2 p^n + lambda^2 lap p^n - (1 - a) p^{n-1}.
// Solid and halo cells hold 0 forever, so summing all six neighbours equals summing the air ones.
//
// Three kernels per step, all reading the current field p^n: interior vec4 groups (branch-free, from a compact list),
// boundary cells (compact list of index + number of air neighbours), and receivers sampling p^n (trilinear stencils).
// They are separate kernels rather than workgroup ranges of one: lavapipe runs both sides of every branch under a lane
// mask, so a range test would make every invocation pay for all three bodies.
//! kernel fdtd_interior FDTD_INTERIOR
//! kernel fdtd_boundary FDTD_BOUNDARY
//! kernel fdtd_sample FDTD_SAMPLE
#define FF_WORKGROUP 256
layout(local_size_x = FF_WORKGROUP) in;
#include "ff_common.glsl"
#include "fdtd_push.glsl"

layout(std430, binding = 0) readonly buffer Current { vec4 p[]; };
#ifdef FDTD_SAMPLE
struct Receiver { uint cell[8]; float weight[8]; };
layout(std430, binding = 1) readonly buffer Receivers { Receiver receivers[]; };
layout(std430, binding = 2) writeonly buffer Output { float outputs[]; };
#else
layout(std430, binding = 1) buffer PreviousNext { vec4 q[]; };
#endif
#ifdef FDTD_INTERIOR
layout(std430, binding = 2) readonly buffer Interior { uint interior[]; };
#endif
#ifdef FDTD_BOUNDARY
layout(std430, binding = 2) readonly buffer Boundary { uvec2 boundary[]; };
#endif

float cell(uint c) { return p[c >> 2u][c & 3u]; }

#ifdef FDTD_INTERIOR
void main()
{
    uint i = ff_global_index();
    if (i >= pc.interiorCount) return;
    uint g = interior[i];
    vec4 c = p[g];
    vec4 xm = p[g - 1u], xp = p[g + 1u];
    vec4 s = vec4(xm.w, c.xyz) + vec4(c.yzw, xp.x) + p[g - pc.rowStride] + p[g + pc.rowStride]
           + p[g - pc.planeStride] + p[g + pc.planeStride];
    q[g] = pc.interiorSelf * c + pc.lap * s - pc.previous * q[g];
}
#endif

#ifdef FDTD_BOUNDARY
void main()
{
    uint i = ff_global_index();
    if (i >= pc.boundaryCount) return;
    uint c = boundary[i].x;
    float k = float(boundary[i].y);
    uint rs = pc.rowStride * 4u, ps = pc.planeStride * 4u;
    float v = cell(c);
    float s = cell(c - 1u) + cell(c + 1u) + cell(c - rs) + cell(c + rs) + cell(c - ps) + cell(c + ps);
    float a = pc.loss * (6.0 - k);
    float old = q[c >> 2u][c & 3u];
    q[c >> 2u][c & 3u] = ((pc.self - pc.selfLoss * a) * v + pc.lap * (s - k * v) - pc.previous * (1.0 - a) * old) / (1.0 + a);
}
#endif

#ifdef FDTD_SAMPLE
void main()
{
    uint r = ff_global_index();
    if (r >= pc.receiverCount) return;
    float s = 0.0;
    for (int n = 0; n < 8; n++) s += receivers[r].weight[n] * cell(receivers[r].cell[n]);
    outputs[pc.outputRow * pc.receiverCount + r] = s;
}
#endif
