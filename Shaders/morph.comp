#version 450
// One source's contribution to a morphed SDF: out (+)= weight * D(A + k * p) / k, where D is the source's distance
// grid sampled trilinearly (beyond the grid: the clamped sample plus the distance to the grid box). k = 1, A = 0 is
// plain linear interpolation; the aligned schedule moves and scales each source onto the blended centre and size
// (SdfMorph). Two passes per frame:
//   morph_distance : every source's distance, accumulated over all points;
//   morph_colour   : every source's colour at the same warped point, only where the finished distance is within
//                    COLOUR_BAND voxels of the surface. The blend is 1-Lipschitz, so any lattice edge the isosurface
//                    crosses has both ends within sqrt(3) voxels; colour elsewhere is never read (textured morph at
//                    a fraction of the cost).
// morph_fused does both passes for up to 4 sources in one dispatch: each invocation sums every source's distance,
// then blends the colours only if that finished distance is within the band (same arithmetic and order as the two
// passes, so it matches the CPU reference the same way). Record uses it whenever at most 4 weights are non-zero.
//! kernel morph_distance MORPH_DISTANCE
//! kernel morph_colour MORPH_COLOUR
// Gradients, for analytic normals (SdfMorph with gradients on): the morph's gradient is sum_s w_s * G_s(A_s + k_s p)
// (the 1/k and the chain rule's k cancel), where G_s is the source's gradient grid: exact for sources that know it
// (ISdfGradientSource), central differences of its distance grid for the others (morph_source_gradient, once).
// Grids of gradients are three planes of N^3 floats (axis a of point i at a * N^3 + i). The outside-the-grid term
// of the distance is not differentiated (the surface stays inside the grid).
//! kernel morph_source_gradient MORPH_SOURCE_GRADIENT
//! kernel morph_gradient MORPH_GRADIENT
// lavapipe runs both sides of every branch under a lane mask, so each source count is its own variant rather than
// a runtime test of the count.
//! kernel morph_fused2 MORPH_FUSED SOURCES=2
//! kernel morph_fused3 MORPH_FUSED SOURCES=3
//! kernel morph_fused4 MORPH_FUSED SOURCES=4
// Sparse frames (SdfMorph.RecordFrame) evaluate the fine grid only in 4^3-point blocks that can hold the surface:
//   morph_blocks     : one invocation per block bounds the morphed distance over the block (dilated by 2 points, see
//                      below) from per-source min/max "bricks" (4^3 cells of each source grid). The morph is a
//                      weighted sum of trilinear interpolations of the source grids, and a trilinear value lies between
//                      its cell's corner samples, so the bound holds for any source (analytic, mesh, neural, noisy): no
//                      Lipschitz assumption. Blocks whose bound contains the iso level go to the evaluation list; the
//                      others get the bound nearest the iso level written to their points (a value on the right side
//                      of it, which is all the isosurface reads there) when they did not already hold a value on that
//                      side from an earlier frame. A second bound, over the block's own cubes,
//                      marks the blocks the isosurfacer classifies (surface flags -> scan -> morph_block_list).
//   morph_sparse     : morph_fused's arithmetic, one workgroup per listed block (dispatched indirectly).
// Why dilate by 2 points: the isosurface reads exact distances at both ends of every crossing edge and at their axis
// neighbours (central-difference normals), all within 2 points of any point that is read; so a block whose dilated
// bound excludes the iso level holds no point the isosurface reads exactly.
//   morph_superblocks: first, the same dilated bound over 4^3-block superblocks: a block whose superblock bound does
//                      not contain the iso level skips its own bounds (most of the grid, away from the surface).
//! kernel morph_superblocks MORPH_BLOCKS SUPERBLOCKS
//! kernel morph_blocks MORPH_BLOCKS
//! kernel morph_block_list MORPH_BLOCK_LIST
//! kernel morph_sparse2 MORPH_FUSED MORPH_SPARSE SOURCES=2
//! kernel morph_sparse3 MORPH_FUSED MORPH_SPARSE SOURCES=3
//! kernel morph_sparse4 MORPH_FUSED MORPH_SPARSE SOURCES=4
#define FF_WORKGROUP 64 // rows along x (SdfGrid.Groups)
#define COLOUR_BAND 2.0
layout(local_size_x = FF_WORKGROUP) in;
#include "ff_common.glsl"
#include "sdf_grid.glsl"
#include "sdf_blocks.glsl"

#if defined(MORPH_FUSED) || defined(MORPH_BLOCKS) || defined(MORPH_BLOCK_LIST)
#define FUSED_PUSH
// Mirrors FusedMorphPush (112 bytes): per source s, warp[s] = (offset.xyz, weight) and k[s]; for the blocks only: the iso
// level and each active source's index into the brick buffer (8 bits per source).
layout(push_constant) uniform Push { vec3 gridMin; float voxel; uint n; uint count; float iso; uint sources; vec4 warp[4]; vec4 k; } pc;
#else
// Mirrors MorphPush (48 bytes).
layout(push_constant) uniform Push { vec3 gridMin; float voxel; uint n; uint first; float weight; float k; vec4 offset; } pc;
#endif

// Trilinear lookup position of q = offset + k p: base cell, fractions and the distance from q to the grid box.
void locate_warped(vec3 p, vec3 offset, float k, out uvec3 b, out vec3 f, out float outside)
{
    vec3 q = offset + k * p;
    float top = float(pc.n - 1u);
    vec3 g = (q - pc.gridMin) / pc.voxel;
    vec3 gc = clamp(g, vec3(0.0), vec3(top));
    outside = length(g - gc) * pc.voxel;
    b = uvec3(min(floor(gc), vec3(top - 1.0)));
    f = gc - vec3(b);
}

#ifndef FUSED_PUSH
void locate(vec3 p, out uvec3 b, out vec3 f, out float outside) { locate_warped(p, pc.offset.xyz, pc.k, b, f, outside); }
#endif

float corner_weight(vec3 f, uint corner)
{
    vec3 w3 = mix(vec3(1.0) - f, f, vec3(uvec3(corner & 1u, (corner >> 1) & 1u, (corner >> 2) & 1u)));
    return w3.x * w3.y * w3.z;
}

uint corner_index(uvec3 b, uint corner) { return sdf_grid_index(b + uvec3(corner & 1u, (corner >> 1) & 1u, (corner >> 2) & 1u), pc.n); }

#ifdef MORPH_DISTANCE
layout(std430, binding = 0) readonly buffer SourceDistance { float src_dist[]; };
layout(std430, binding = 1) buffer OutDistance { float out_dist[]; };

void main()
{
    uvec3 c; uint index;
    if (!sdf_grid_invocation(pc.n, c, index)) return;
    uvec3 b; vec3 f; float outside;
    locate(sdf_grid_point(c, pc.gridMin, pc.voxel), b, f, outside);
    float d = 0.0;
    for (uint corner = 0u; corner < 8u; corner++) d += corner_weight(f, corner) * src_dist[corner_index(b, corner)];
    d = pc.weight * (d + outside) / pc.k;
    out_dist[index] = pc.first != 0u ? d : out_dist[index] + d;
}
#endif

#ifdef MORPH_COLOUR
layout(std430, binding = 0) readonly buffer SourceColour { uint src_colour[]; };
layout(std430, binding = 1) readonly buffer OutDistance { float out_dist[]; };
layout(std430, binding = 2) buffer OutColour { uint out_colour[]; };

void main()
{
    uvec3 c; uint index;
    if (!sdf_grid_invocation(pc.n, c, index)) return;
    if (abs(out_dist[index]) > COLOUR_BAND * pc.voxel) return;
    uvec3 b; vec3 f; float outside;
    locate(sdf_grid_point(c, pc.gridMin, pc.voxel), b, f, outside);
    vec4 col = vec4(0.0);
    for (uint corner = 0u; corner < 8u; corner++) col += corner_weight(f, corner) * unpackUnorm4x8(src_colour[corner_index(b, corner)]);
    // Accumulated in RGBA8 (one rounding per source, < 0.5/255 each) so a 256^3 grid stays within one binding.
    out_colour[index] = pc.first != 0u ? packUnorm4x8(pc.weight * col) : packUnorm4x8(unpackUnorm4x8(out_colour[index]) + pc.weight * col);
}
#endif

#ifdef MORPH_SOURCE_GRADIENT
layout(std430, binding = 0) readonly buffer SourceDistance { float src_dist[]; };
layout(std430, binding = 1) writeonly buffer SourceGradient { float src_gradient[]; };

float at(ivec3 c) { return src_dist[sdf_grid_index(uvec3(c), pc.n)]; }

void main()
{
    uvec3 c; uint index;
    if (!sdf_grid_invocation(pc.n, c, index)) return;
    ivec3 i = ivec3(c), top = ivec3(int(pc.n) - 1);
    uint total = pc.n * pc.n * pc.n;
    for (int a = 0; a < 3; a++)
    {
        ivec3 e = ivec3(0); e[a] = 1;
        ivec3 lo = max(i - e, ivec3(0)), hi = min(i + e, top);
        // Central differences inside, one-sided at the grid faces.
        src_gradient[uint(a) * total + index] = (at(hi) - at(lo)) / (float(hi[a] - lo[a]) * pc.voxel);
    }
}
#endif

#ifdef MORPH_GRADIENT
layout(std430, binding = 0) readonly buffer SourceGradient { float src_gradient[]; };
layout(std430, binding = 1) buffer OutGradient { float out_gradient[]; };

void main()
{
    uvec3 c; uint index;
    if (!sdf_grid_invocation(pc.n, c, index)) return;
    uvec3 b; vec3 f; float outside;
    locate(sdf_grid_point(c, pc.gridMin, pc.voxel), b, f, outside);
    uint total = pc.n * pc.n * pc.n;
    for (uint a = 0u; a < 3u; a++)
    {
        float g = 0.0;
        for (uint corner = 0u; corner < 8u; corner++) g += corner_weight(f, corner) * src_gradient[a * total + corner_index(b, corner)];
        g *= pc.weight;
        out_gradient[a * total + index] = pc.first != 0u ? g : out_gradient[a * total + index] + g;
    }
}
#endif

#ifdef MORPH_FUSED
layout(std430, binding = 0) readonly buffer Dist0 { float dist0[]; };
layout(std430, binding = 1) readonly buffer Dist1 { float dist1[]; };
layout(std430, binding = 2) readonly buffer Dist2 { float dist2[]; };
layout(std430, binding = 3) readonly buffer Dist3 { float dist3[]; };
layout(std430, binding = 4) readonly buffer Colour0 { uint colour0[]; };
layout(std430, binding = 5) readonly buffer Colour1 { uint colour1[]; };
layout(std430, binding = 6) readonly buffer Colour2 { uint colour2[]; };
layout(std430, binding = 7) readonly buffer Colour3 { uint colour3[]; };
layout(std430, binding = 8) writeonly buffer OutDistance { float out_dist[]; };
layout(std430, binding = 9) writeonly buffer OutColour { uint out_colour[]; };

// Source S's weighted distance, added to d (the first source sets it), in the two-pass kernels' arithmetic.
#define FUSED_DISTANCE(S, SRC) \
    if (S < SOURCES) { \
        locate_warped(p, pc.warp[S].xyz, pc.k[S], b[S], f[S], outside); \
        float s = 0.0; \
        for (uint corner = 0u; corner < 8u; corner++) s += corner_weight(f[S], corner) * SRC[corner_index(b[S], corner)]; \
        s = pc.warp[S].w * (s + outside) / pc.k[S]; \
        d = S == 0 ? s : d + s; \
    }
// Source S's weighted colour, accumulated in RGBA8 like morph_colour (one rounding per source).
#define FUSED_COLOUR(S, SRC) \
    if (S < SOURCES) { \
        vec4 col = vec4(0.0); \
        for (uint corner = 0u; corner < 8u; corner++) col += corner_weight(f[S], corner) * unpackUnorm4x8(SRC[corner_index(b[S], corner)]); \
        packed = S == 0 ? packUnorm4x8(pc.warp[S].w * col) : packUnorm4x8(unpackUnorm4x8(packed) + pc.warp[S].w * col); \
    }

void morph_point(uvec3 c, uint index)
{
    vec3 p = sdf_grid_point(c, pc.gridMin, pc.voxel);
    uvec3 b[SOURCES]; vec3 f[SOURCES]; float outside;
    float d = 0.0;
    FUSED_DISTANCE(0, dist0)
    FUSED_DISTANCE(1, dist1)
#if SOURCES > 2
    FUSED_DISTANCE(2, dist2)
#endif
#if SOURCES > 3
    FUSED_DISTANCE(3, dist3)
#endif
    out_dist[index] = d;
    if (abs(d) > COLOUR_BAND * pc.voxel) return;
    uint packed = 0u;
    FUSED_COLOUR(0, colour0)
    FUSED_COLOUR(1, colour1)
#if SOURCES > 2
    FUSED_COLOUR(2, colour2)
#endif
#if SOURCES > 3
    FUSED_COLOUR(3, colour3)
#endif
    out_colour[index] = packed;
}

#ifdef MORPH_SPARSE
layout(std430, binding = 10) readonly buffer EvalList { uint eval_list[]; };
layout(std430, binding = 11) readonly buffer BlockArgs { uint block_args[MORPH_BLOCK_ARGS]; };

void main()
{
    uint slot = ff_group_index();
    if (slot >= block_args[MORPH_EVAL_COUNT]) return;
    uvec3 c = morph_block_origin(eval_list[slot]) + morph_block_local(gl_LocalInvocationID.x);
    if (any(greaterThanEqual(c, uvec3(pc.n)))) return;
    morph_point(c, sdf_grid_index(c, pc.n));
}
#else
void main()
{
    uvec3 c; uint index;
    if (!sdf_grid_invocation(pc.n, c, index)) return;
    morph_point(c, index);
}
#endif
#endif

#ifdef MORPH_BLOCKS
layout(std430, binding = 0) readonly buffer Bricks { vec2 bricks[]; }; // per source: min, max of each 4^3-cell brick
#ifdef SUPERBLOCKS
layout(std430, binding = 1) writeonly buffer SuperBounds { vec2 super_bound[]; };
#else
layout(std430, binding = 6) readonly buffer SuperBounds { vec2 super_bound[]; };
layout(std430, binding = 1) writeonly buffer OutDistance { float out_dist[]; };
#endif
#ifndef SUPERBLOCKS
layout(std430, binding = 2) writeonly buffer EvalList { uint eval_list[]; };
layout(std430, binding = 3) buffer BlockArgs { uint block_args[MORPH_BLOCK_ARGS]; };
layout(std430, binding = 4) writeonly buffer SurfaceFlags { uint surface_flag[]; };
// Per block, what its points hold since the last sparse frame: 0 = evaluated or unknown (a dense pass wrote them),
// 1 = a value below the iso level, 2 = a value at or above it.
layout(std430, binding = 5) buffer BlockSides { uint block_side[]; };
#endif

// Per source: the source-grid bricks that hold the trilinear cells the warped box lo..hi (lattice points) touches,
// widened by a thousandth of a cell against rounding, and the range of the outside-the-grid term over the box.
void warped_box(uint s, uvec3 lo, uvec3 hi, out uvec3 bLo, out uvec3 bHi, out vec2 outside)
{
    float top = float(pc.n - 1u), k = pc.k[s];
    vec3 glo = (pc.warp[s].xyz + k * sdf_grid_point(lo, pc.gridMin, pc.voxel) - pc.gridMin) / pc.voxel;
    vec3 ghi = (pc.warp[s].xyz + k * sdf_grid_point(hi, pc.gridMin, pc.voxel) - pc.gridMin) / pc.voxel;
    vec3 clo = clamp(glo, vec3(0.0), vec3(top)), chi = clamp(ghi, vec3(0.0), vec3(top));
    // outside(q) = voxel * |g - clamp(g)|: convex, so its maximum is at a box corner (per axis, separably); its
    // minimum is the gap between the box and the grid.
    vec3 gapMax = max(abs(glo - clo), abs(ghi - chi));
    vec3 gapMin = max(vec3(0.0), max(-ghi, glo - vec3(top)));
    outside = pc.voxel * vec2(length(gapMin), length(gapMax));
    bLo = uvec3(min(floor(max(clo - 1e-3, vec3(0.0))), vec3(top - 1.0))) >> 2u;
    bHi = uvec3(min(floor(chi + 1e-3), vec3(top - 1.0))) >> 2u;
}

// Bounds of the morphed distance over two boxes of lattice points, the first inside the second (a block's cubes and
// the block dilated by 2 points): a weighted sum over the sources of the brick ranges the warped boxes touch, in one
// pass over the larger box's bricks.
void morph_bounds(uvec3 innerLo, uvec3 innerHi, uvec3 outerLo, uvec3 outerHi, out vec2 inner, out vec2 outer)
{
    uint bricksPerAxis = (pc.n + 2u) / 4u; // ceil((n - 1) / 4)
    inner = vec2(0.0);
    outer = vec2(0.0);
    for (uint s = 0u; s < pc.count; s++)
    {
        uvec3 iLo, iHi, oLo, oHi;
        vec2 iOut, oOut;
        warped_box(s, innerLo, innerHi, iLo, iHi, iOut);
        warped_box(s, outerLo, outerHi, oLo, oHi, oOut);
        vec2 iRange = vec2(3.4e38, -3.4e38), oRange = iRange;
        uint base = ((pc.sources >> (8u * s)) & 255u) * bricksPerAxis * bricksPerAxis * bricksPerAxis;
        for (uint z = oLo.z; z <= oHi.z; z++)
            for (uint y = oLo.y; y <= oHi.y; y++)
                for (uint x = oLo.x; x <= oHi.x; x++)
                {
                    vec2 m = bricks[base + x + bricksPerAxis * (y + bricksPerAxis * z)];
                    oRange = vec2(min(oRange.x, m.x), max(oRange.y, m.y));
                    if (all(greaterThanEqual(uvec3(x, y, z), iLo)) && all(lessThanEqual(uvec3(x, y, z), iHi)))
                        iRange = vec2(min(iRange.x, m.x), max(iRange.y, m.y));
                }
        float w = pc.warp[s].w / pc.k[s];
        inner += w * (iRange + iOut);
        outer += w * (oRange + oOut);
    }
}

// True when the bound may hold values on both sides of the iso level (inside is d < iso), with a margin for the
// rounding of the per-point arithmetic.
bool straddles(vec2 bound)
{
    float margin = 1e-3 * pc.voxel + 1e-5 * (abs(bound.x) + abs(bound.y));
    return bound.x - margin < pc.iso && bound.y + margin >= pc.iso;
}

#ifdef SUPERBLOCKS
void main()
{
    uint supers = (pc.n + 15u) / 16u;
    uint id = ff_global_index();
    if (id >= supers * supers * supers) return;
    uvec3 origin = 16u * uvec3(id % supers, (id / supers) % supers, id / (supers * supers)), last = uvec3(pc.n - 1u);
    uvec3 lo = uvec3(max(ivec3(origin) - 2, ivec3(0))), hi = min(origin + 17u, last);
    vec2 inner, outer;
    morph_bounds(lo, hi, lo, hi, inner, outer);
    super_bound[id] = outer;
}
#else
void main()
{
    uint blocks = (pc.n + 3u) / 4u;
    uint id = ff_global_index();
    if (id >= blocks * blocks * blocks) return;
    uvec3 bc = uvec3(id % blocks, (id / blocks) % blocks, id / (blocks * blocks));
    uvec3 origin = 4u * bc, last = uvec3(pc.n - 1u);
    // The block's own cubes (points origin .. origin + 4): does the isosurfacer need to classify it? And the points
    // within 2 of the block: does any of them need its exact distance? The superblock's bound covers both boxes, so
    // when it is one-sided the block's own (tighter) bounds are not needed.
    uint supers = (blocks + 3u) / 4u;
    uvec3 sc = bc >> 2u;
    vec2 cubes = super_bound[sc.x + supers * (sc.y + supers * sc.z)], bound = cubes;
    if (straddles(bound))
        morph_bounds(origin, min(origin + 4u, last), uvec3(max(ivec3(origin) - 2, ivec3(0))), min(origin + 5u, last), cubes, bound);
    surface_flag[id] = straddles(cubes) ? 1u : 0u;
    if (straddles(bound))
    {
        eval_list[atomicAdd(block_args[MORPH_EVAL_COUNT], 1u)] = bc.x | (bc.y << 8) | (bc.z << 16);
        block_side[id] = 0u;
        return;
    }
    // Every point of the block is on one side: write the bound nearest the iso level (same side), unless the block
    // already holds values on that side from an earlier frame (a moving surface changes few blocks per frame).
    bool above = bound.x - (1e-3 * pc.voxel + 1e-5 * (abs(bound.x) + abs(bound.y))) >= pc.iso;
    uint side = above ? 2u : 1u;
    if (block_side[id] == side) return;
    block_side[id] = side;
    float fill = above ? bound.x : bound.y;
    for (uint l = 0u; l < 64u; l++)
    {
        uvec3 c = origin + morph_block_local(l);
        if (all(lessThan(c, uvec3(pc.n)))) out_dist[sdf_grid_index(c, pc.n)] = fill;
    }
}
#endif
#endif

#ifdef MORPH_BLOCK_LIST
layout(std430, binding = 0) readonly buffer SurfaceFlags { uint surface_flag[]; };
layout(std430, binding = 1) readonly buffer SurfaceIndex { uint surface_index[]; }; // exclusive scan of the flags
layout(std430, binding = 2) readonly buffer SurfaceTotal { uint surface_total; };
layout(std430, binding = 3) writeonly buffer SurfaceList { uint surface_list[]; };
layout(std430, binding = 4) buffer BlockArgs { uint block_args[MORPH_BLOCK_ARGS]; };

// Workgroup counts for `count` workgroups, folded into y past the portable x limit (ff_group_index).
void write_groups(uint at, uint count)
{
    block_args[at] = min(count, MORPH_MAX_GROUPS_X);
    block_args[at + 1u] = max(1u, (count + MORPH_MAX_GROUPS_X - 1u) / MORPH_MAX_GROUPS_X);
    block_args[at + 2u] = 1u;
}

void main()
{
    uint blocks = (pc.n + 3u) / 4u;
    uint id = ff_global_index();
    if (id == 0u)
    {
        write_groups(MORPH_EVAL_ARGS, block_args[MORPH_EVAL_COUNT]);
        write_groups(MORPH_SURFACE_ARGS, (surface_total + 63u) / 64u); // mc_block_classify: one invocation per block
        block_args[MORPH_SURFACE_COUNT] = surface_total;
    }
    if (id >= blocks * blocks * blocks || surface_flag[id] == 0u) return;
    uvec3 bc = uvec3(id % blocks, (id / blocks) % blocks, id / (blocks * blocks));
    surface_list[surface_index[id]] = bc.x | (bc.y << 8) | (bc.z << 16);
}
#endif
