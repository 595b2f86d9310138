#version 450
// One source's contribution to a morphed SDF: out (+)= weight * D(A + k * p) / k, where D is the source's distance
// grid sampled trilinearly (beyond the grid: the clamped sample plus the distance to the grid box). k = 1, A = 0 is
// plain linear interpolation; the aligned schedule moves and scales each source onto the blended centre and size
// (SdfMorph). Colours are blended with the same weights at the same warped point (textured morph).
//! kernel morph_accumulate MORPH_ACCUMULATE
#define FF_WORKGROUP 64
layout(local_size_x = FF_WORKGROUP) in;
#include "ff_common.glsl"
#include "sdf_grid.glsl"

// Mirrors MorphPush (48 bytes).
layout(push_constant) uniform Push { vec3 gridMin; float voxel; uint n; uint first; float weight; float k; vec4 offset; } pc;

layout(std430, binding = 0) readonly buffer SourceDistance { float src_dist[]; };
layout(std430, binding = 1) readonly buffer SourceColour { uint src_colour[]; };
layout(std430, binding = 2) buffer OutDistance { float out_dist[]; };
layout(std430, binding = 3) buffer OutColour { uint out_colour[]; };

void main()
{
    uint index = ff_global_index();
    if (index >= pc.n * pc.n * pc.n) return;
    vec3 p = sdf_grid_point(sdf_grid_coord(index, pc.n), pc.gridMin, pc.voxel);
    vec3 q = pc.offset.xyz + pc.k * p;
    float top = float(pc.n - 1u);
    vec3 g = (q - pc.gridMin) / pc.voxel;
    vec3 gc = clamp(g, vec3(0.0), vec3(top));
    float outside = length(g - gc) * pc.voxel;
    uvec3 b = uvec3(min(floor(gc), vec3(top - 1.0)));
    vec3 f = gc - vec3(b);
    float d = 0.0;
    vec4 col = vec4(0.0);
    for (uint corner = 0u; corner < 8u; corner++)
    {
        uvec3 o = uvec3(corner & 1u, (corner >> 1) & 1u, (corner >> 2) & 1u);
        vec3 w3 = mix(vec3(1.0) - f, f, vec3(o));
        float w = w3.x * w3.y * w3.z;
        uint j = sdf_grid_index(b + o, pc.n);
        d += w * src_dist[j];
        col += w * unpackUnorm4x8(src_colour[j]);
    }
    d = (d + outside) / pc.k;
    // Colours accumulate in RGBA8 (one rounding per source, < 0.5/255 each) so a 256^3 grid stays within one binding.
    if (pc.first != 0u) { out_dist[index] = pc.weight * d; out_colour[index] = packUnorm4x8(pc.weight * col); }
    else { out_dist[index] += pc.weight * d; out_colour[index] = packUnorm4x8(unpackUnorm4x8(out_colour[index]) + pc.weight * col); }
}
