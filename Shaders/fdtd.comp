#version 450
// The standard 7-point leapfrog FDTD scheme for pressure in its two-array form,
//   p^{n+1} = 2 p^n - p^{n-1} + lambda^2 * (sum over air neighbours of (p_nb - p)),
// on a cell-centred grid with a one-cell solid halo and rows padded to a multiple of 4 cells (so a vec4 is 4 cells
// along x and every neighbour index is in range). p^{n+1} overwrites p^{n-1} in place; the caller swaps the buffers.
// Impedance walls (K wall faces, a = loss * K) follow from the staggered form with p at the wall = mean of old and new:
//   (1 + a) p^{n+1} = 2 p^n + lambda^2 lap p^n - (1 - a) p^{n-1}.
// Solid and halo cells hold 0 forever, so summing all six neighbours equals summing the air ones.
//
// The kernels of a step all read the current field p^n: interior columns of 2 x 2 blocks of vec4 groups along z
// (branch-free, from a compact list of runs), the same for the interior groups no block covers (1 x 1), boundary vec4
// groups (compact list of group + each cell's number of air neighbours), and receivers sampling p^n (trilinear
// stencils) when an output is due.
// They are separate kernels rather than workgroup ranges of one: lavapipe runs both sides of every branch under a lane
// mask, so a range test would make every invocation pay for all three bodies.
//! kernel fdtd_interior FDTD_INTERIOR BX=1 BY=1
//! kernel fdtd_interior_block FDTD_INTERIOR BX=2 BY=2
//! kernel fdtd_boundary FDTD_BOUNDARY
//! kernel fdtd_sample FDTD_SAMPLE
#define FF_WORKGROUP 256
layout(local_size_x = FF_WORKGROUP) in;
#include "ff_common.glsl"
#include "fdtd_push.glsl"

#ifdef FDTD_SAMPLE
layout(std430, binding = 0) readonly buffer Current { vec4 p[]; };
struct Receiver { uint cell[8]; float weight[8]; };
layout(std430, binding = 1) readonly buffer Receivers { Receiver receivers[]; };
layout(std430, binding = 2) writeonly buffer Output { float outputs[]; };
#else
// The update kernels read p^n as a texel buffer (RGBA32F view: one texel = one vec4 group). On a GPU this is the
// texture-cache path, as fast as a storage buffer; on lavapipe a texel fetch is a SIMD gather, while every storage-buffer
// load is a loop over the lanes with a bounds-check branch per component, so the neighbour loads cost several times less.
layout(binding = 0) uniform samplerBuffer current;
vec4 P(uint g) { return texelFetch(current, int(g)); }
layout(std430, binding = 1) buffer PreviousNext { vec4 q[]; };
#endif
#ifdef FDTD_INTERIOR
// Interior columns: (first vec4 group, number of planes) runs along z of BX x BY blocks of vec4 groups whose cells all
// have six air neighbours; the first group is the block's low-x, low-y corner.
layout(std430, binding = 2) readonly buffer Interior { uvec2 columns[]; };
#endif
#ifdef FDTD_BOUNDARY
// Boundary groups: (vec4 group, 4 bits per cell: its number of air neighbours, or NOT_AIR).
layout(std430, binding = 2) readonly buffer Boundary { uvec2 boundary[]; };
const uint NOT_AIR = 15u;
#endif


#ifdef FDTD_INTERIOR
// Each invocation marches a block of BX x BY vec4 groups (x by y) along z, carrying the plane below and the current
// plane in registers. Per step of the march it loads the plane above, the rows just outside the block in y, one float
// from each group just outside the block in x and p^{n-1}, and stores p^{n+1}: for a 2 x 2 block 20 memory operations
// for 16 cells, against 40 when every group loads all its neighbours (2.5-D blocking helps any GPU by cutting traffic
// through the cache; on lavapipe every load is a loop over the SIMD lanes, so the count of load instructions is what
// costs most). fdtd_interior (1 x 1) takes the interior groups no whole block covers.
void main()
{
    uint i = ff_global_index();
    if (i >= pc.interiorCount) return;
    uvec2 column = columns[i];
    uint g = column.x, rs = pc.rowStride, ps = pc.planeStride;
    vec4 below[BY][BX], c[BY][BX], above[BY][BX];
    for (int y = 0; y < BY; y++)
        for (int x = 0; x < BX; x++)
        {
            below[y][x] = P(g + uint(x) + uint(y) * rs - ps);
            c[y][x] = P(g + uint(x) + uint(y) * rs);
        }
    for (uint n = 0u; n < column.y; n++, g += ps)
    {
        vec4 south[BX], north[BX];
        float west[BY], east[BY];
        for (int x = 0; x < BX; x++)
        {
            south[x] = P(g + uint(x) - rs);
            north[x] = P(g + uint(x) + uint(BY) * rs);
        }
        for (int y = 0; y < BY; y++)
        {
            west[y] = P(g + uint(y) * rs - 1u).w;
            east[y] = P(g + uint(y) * rs + uint(BX)).x;
            for (int x = 0; x < BX; x++) above[y][x] = P(g + uint(x) + uint(y) * rs + ps);
        }
        for (int y = 0; y < BY; y++)
            for (int x = 0; x < BX; x++)
            {
                vec4 v = c[y][x];
                vec4 xm = vec4(x == 0 ? west[y] : c[y][max(x - 1, 0)].w, v.xyz);
                vec4 xp = vec4(v.yzw, x == BX - 1 ? east[y] : c[y][min(x + 1, BX - 1)].x);
                vec4 ym = y == 0 ? south[x] : c[max(y - 1, 0)][x];
                vec4 yp = y == BY - 1 ? north[x] : c[min(y + 1, BY - 1)][x];
                vec4 s = xm + xp + ym + yp + below[y][x] + above[y][x];
                uint at = g + uint(x) + uint(y) * rs;
                q[at] = pc.interiorSelf * v + pc.lap * s - pc.previous * q[at];
            }
        below = c;
        c = above;
    }
}
#endif

#ifdef FDTD_BOUNDARY
// Four cells per invocation like the interior, so a wall costs a quarter of the invocations and loads it would cost
// cell by cell. Solid cells hold 0, so the six-neighbour sum is the sum over air neighbours; a solid cell of the group
// gets k = 0 and is multiplied by 0, so it stays 0.
void main()
{
    uint i = ff_global_index();
    if (i >= pc.boundaryCount) return;
    uvec2 b = boundary[i];
    uint g = b.x;
    uvec4 code = (uvec4(b.y) >> uvec4(0u, 4u, 8u, 12u)) & 15u;
    vec4 air = vec4(notEqual(code, uvec4(NOT_AIR)));
    vec4 k = vec4(code) * air;
    vec4 v = P(g);
    vec4 s = vec4(P(g - 1u).w, v.xyz) + vec4(v.yzw, P(g + 1u).x) + P(g - pc.rowStride) + P(g + pc.rowStride)
           + P(g - pc.planeStride) + P(g + pc.planeStride);
    vec4 a = pc.loss * (6.0 - k);
    vec4 next = ((pc.self - pc.selfLoss * a) * v + pc.lap * (s - k * v) - pc.previous * (1.0 - a) * q[g]) / (1.0 + a);
    q[g] = next * air;
}
#endif

#ifdef FDTD_SAMPLE
float cell(uint c) { return p[c >> 2u][c & 3u]; }

void main()
{
    uint r = ff_global_index();
    if (r >= pc.receiverCount) return;
    float s = 0.0;
    for (int n = 0; n < 8; n++) s += receivers[r].weight[n] * cell(receivers[r].cell[n]);
    outputs[pc.outputRow * pc.receiverCount + r] = s;
}
#endif
