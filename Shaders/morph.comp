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
//! kernel morph_distance MORPH_DISTANCE
//! kernel morph_colour MORPH_COLOUR
#define FF_WORKGROUP 64 // rows along x (SdfGrid.Groups)
#define COLOUR_BAND 2.0
layout(local_size_x = FF_WORKGROUP) in;
#include "ff_common.glsl"
#include "sdf_grid.glsl"

// Mirrors MorphPush (48 bytes).
layout(push_constant) uniform Push { vec3 gridMin; float voxel; uint n; uint first; float weight; float k; vec4 offset; } pc;

// Trilinear lookup position: base cell, fractions and the distance from q to the grid box.
void locate(vec3 p, out uvec3 b, out vec3 f, out float outside)
{
    vec3 q = pc.offset.xyz + pc.k * p;
    float top = float(pc.n - 1u);
    vec3 g = (q - pc.gridMin) / pc.voxel;
    vec3 gc = clamp(g, vec3(0.0), vec3(top));
    outside = length(g - gc) * pc.voxel;
    b = uvec3(min(floor(gc), vec3(top - 1.0)));
    f = gc - vec3(b);
}

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
