#version 450
// Mesh -> signed distance grid (MeshSdfSource). The distance buffer starts at +band (a Fill), then:
//   voxel_distance : per triangle, exact point-triangle distance to every grid point within the narrow band of its
//                    bounding box, kept with atomicMin on the float bits (non-negative floats order like uints);
//   voxel_colour   : per triangle again; the triangle whose distance equals the stored minimum writes the vertex
//                    colours interpolated at the closest point;
//   voxel_sign     : per grid row along +x, the signed crossings of the row's ray with every triangle (winding
//                    number: +1 leaving through a face whose normal has +x, -1 entering); a point is inside when the
//                    crossings beyond it sum to non-zero, and its distance is negated. Rows with more than
//                    MAX_CROSSINGS crossings recount per point instead of failing.
//! kernel voxel_distance VOXEL_DISTANCE
//! kernel voxel_colour VOXEL_COLOUR
//! kernel voxel_sign VOXEL_SIGN
#define FF_WORKGROUP 64
#define MAX_CROSSINGS 64
layout(local_size_x = FF_WORKGROUP) in;
#include "ff_common.glsl"
#include "sdf_grid.glsl"
#include "sdf_triangle.glsl"

// Mirrors VoxelizePush (32 bytes): count = triangles, band = narrow band half-width in world units.
layout(push_constant) uniform Push { vec3 gridMin; float voxel; uint n; uint count; float band; uint pad; } pc;

// Mirrors VoxelTriangle (64 bytes): corners in xyz, packed RGBA8 vertex colours in colours.xyz.
struct Triangle { vec4 a; vec4 b; vec4 c; uvec4 colours; };
layout(std430, binding = 0) readonly buffer Triangles { Triangle tris[]; };

#if defined(VOXEL_DISTANCE) || defined(VOXEL_COLOUR)
#ifdef VOXEL_DISTANCE
layout(std430, binding = 1) buffer Distance { uint dist_bits[]; };
#else
layout(std430, binding = 1) readonly buffer Distance { uint dist_bits[]; };
layout(std430, binding = 2) writeonly buffer Colour { uint colour_out[]; };
#endif

void main()
{
    uint t = ff_global_index();
    if (t >= pc.count) return;
    Triangle tri = tris[t];
    vec3 lo = min(tri.a.xyz, min(tri.b.xyz, tri.c.xyz)) - vec3(pc.band);
    vec3 hi = max(tri.a.xyz, max(tri.b.xyz, tri.c.xyz)) + vec3(pc.band);
    ivec3 i0 = clamp(ivec3(ceil((lo - pc.gridMin) / pc.voxel)), ivec3(0), ivec3(int(pc.n) - 1));
    ivec3 i1 = clamp(ivec3(floor((hi - pc.gridMin) / pc.voxel)), ivec3(0), ivec3(int(pc.n) - 1));
    for (int z = i0.z; z <= i1.z; z++)
    for (int y = i0.y; y <= i1.y; y++)
    for (int x = i0.x; x <= i1.x; x++)
    {
        uvec3 c = uvec3(x, y, z);
        vec3 p = sdf_grid_point(c, pc.gridMin, pc.voxel);
        vec3 w = sdf_closest_barycentric(p, tri.a.xyz, tri.b.xyz, tri.c.xyz);
        vec3 q = w.x * tri.a.xyz + w.y * tri.b.xyz + w.z * tri.c.xyz;
        float d = length(p - q);
        if (d > pc.band) continue;
        uint index = sdf_grid_index(c, pc.n);
#ifdef VOXEL_DISTANCE
        atomicMin(dist_bits[index], floatBitsToUint(d));
#else
        if (floatBitsToUint(d) == dist_bits[index])
            colour_out[index] = packUnorm4x8(w.x * unpackUnorm4x8(tri.colours.x) + w.y * unpackUnorm4x8(tri.colours.y) + w.z * unpackUnorm4x8(tri.colours.z));
#endif
    }
}
#endif

#ifdef VOXEL_SIGN
layout(std430, binding = 1) buffer Distance { float dist[]; };

// Signed crossing of the +x ray from o with triangle t: +1/-1 (normal.x sign) with the crossing's x, or 0.
float crossing(uint t, vec2 o, out float x)
{
    vec2 a = tris[t].a.yz, b = tris[t].b.yz, c = tris[t].c.yz;
    float e0 = (b.x - a.x) * (o.y - a.y) - (b.y - a.y) * (o.x - a.x);
    float e1 = (c.x - b.x) * (o.y - b.y) - (c.y - b.y) * (o.x - b.x);
    float e2 = (a.x - c.x) * (o.y - c.y) - (a.y - c.y) * (o.x - c.x);
    bool pos = e0 > 0.0 && e1 > 0.0 && e2 > 0.0;
    bool neg = e0 < 0.0 && e1 < 0.0 && e2 < 0.0;
    x = 0.0;
    if (!pos && !neg) return 0.0;
    // Barycentric weights of the crossing: e1 weighs a, e2 weighs b, e0 weighs c.
    x = (e1 * tris[t].a.x + e2 * tris[t].b.x + e0 * tris[t].c.x) / (e0 + e1 + e2);
    return pos ? 1.0 : -1.0;
}

void main()
{
    uint row = ff_global_index();
    if (row >= pc.n * pc.n) return;
    uint y = row % pc.n, z = row / pc.n;
    // The ray is nudged off the lattice by an irrational fraction of a voxel so it cannot pass exactly through the
    // vertices and edges of meshes authored on round coordinates (the usual cause of parity errors).
    vec2 o = pc.gridMin.yz + pc.voxel * vec2(float(y) + 1.1920929e-4 * 3.14159265, float(z) + 1.1920929e-4 * 2.71828183);
    float xs[MAX_CROSSINGS];
    float ws[MAX_CROSSINGS];
    uint count = 0u;
    bool overflow = false;
    for (uint t = 0u; t < pc.count && !overflow; t++)
    {
        float x;
        float w = crossing(t, o, x);
        if (w == 0.0) continue;
        if (count == MAX_CROSSINGS) { overflow = true; break; }
        xs[count] = x; ws[count] = w; count++;
    }
    for (uint x = 0u; x < pc.n; x++)
    {
        float px = pc.gridMin.x + pc.voxel * float(x);
        float winding = 0.0;
        if (!overflow) { for (uint k = 0u; k < count; k++) if (xs[k] > px) winding += ws[k]; }
        else
        {
            // A row crossing more surfaces than the list holds: recount per point (slower, same answer).
            for (uint t = 0u; t < pc.count; t++) { float cx; float w = crossing(t, o, cx); if (w != 0.0 && cx > px) winding += w; }
        }
        if (abs(winding) > 0.5)
        {
            uint index = x + pc.n * row;
            dist[index] = -dist[index];
        }
    }
}
#endif
