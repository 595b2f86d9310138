#version 450
// GPU isosurface extraction over an N^3 grid, in four stages (IsoSurfacer records them in one batch):
//   mc_classify  : per lattice point, which of its 7 forward edges cross the iso level (mask), how many
//                  vertices it owns (one per crossing edge) and how many triangles its cube emits;
//   (ExclusiveScan of both counts -> vertex and triangle offsets, totals);
//   mc_vertices  : compaction of crossing edges into the shared vertex array (position, gradient normal, colour);
//   mc_triangles : each cube's triangles as indices into that array, oriented from inside (< iso) to outside
//                  (a precomputed case table per tetrahedron, MarchingTetrahedra.BuildTriangleTable).
// mc_vertices and mc_triangles run one invocation per output slot (up to the buffer capacity), not per lattice point:
// each finds its point by a binary search of the scanned offsets. Only a few percent of points emit anything, and on
// a CPU driver every invocation of a per-point kernel pays for the whole body under a lane mask; on a GPU the
// output-parallel form also keeps every lane busy.
//   mc_draw_args : one invocation writes VkDrawIndexedIndirectCommand from the triangle total, so a renderer draws
//                  the mesh with vkCmdDrawIndexedIndirect and never reads a count back.
//! kernel mc_classify MC_CLASSIFY
//! kernel mc_vertices MC_VERTICES
// mc_vertices_gradient: the same, with normals from a gradient grid (three planes of N^3 floats: axis a of point i at
// a * N^3 + i), e.g. a morph's analytic gradient, instead of central differences of the distances.
//! kernel mc_vertices_gradient MC_VERTICES GRADIENT_GRID
//! kernel mc_triangles MC_TRIANGLES
//! kernel mc_draw_args MC_DRAW_ARGS
#define FF_WORKGROUP 64 // rows along x (SdfGrid.Groups)
layout(local_size_x = FF_WORKGROUP) in;
#include "ff_common.glsl"
#include "sdf_grid.glsl"
#include "mc_tables.glsl"

// Mirrors IsoSurfacePush (32 bytes).
layout(push_constant) uniform Push { vec3 gridMin; float voxel; uint n; float iso; uint vertexCapacity; uint triangleCapacity; } pc;

bool inside_grid(uvec3 c) { return all(lessThan(c, uvec3(pc.n))); }

#ifdef MC_CLASSIFY
layout(std430, binding = 0) readonly buffer Distance { float dist[]; };
layout(std430, binding = 1) writeonly buffer Mask { uint mask_out[]; };
layout(std430, binding = 2) writeonly buffer VertexCount { uint vertex_count[]; };
layout(std430, binding = 3) writeonly buffer TriangleCount { uint triangle_count[]; };

void main()
{
    uvec3 c; uint index;
    if (!sdf_grid_invocation(pc.n, c, index)) return;
    bool cube = all(lessThan(c + 1u, uvec3(pc.n)));
    uint corners = 0u;
    for (uint code = 0u; code < 8u; code++)
    {
        uvec3 q = c + mc_corner(code);
        if (inside_grid(q) && dist[sdf_grid_index(q, pc.n)] < pc.iso) corners |= 1u << code;
    }
    uint mask = 0u;
    bool here = (corners & 1u) != 0u;
    for (uint code = 1u; code < 8u; code++)
        if (inside_grid(c + mc_corner(code)) && (((corners >> code) & 1u) != 0u) != here) mask |= 1u << (code - 1u);
    uint tris = 0u;
    if (cube && corners != 0u && corners != 255u)
        for (uint t = 0u; t < 6u; t++) tris += mc_tet_triangles(mc_tet_case(corners, t));
    // Bits 0..6: crossing forward edges; bits 8..15: the cube's inside corners (0 when no cube starts here), so the
    // triangle pass reads one word per point instead of eight distances.
    mask_out[index] = mask | (cube ? corners << 8 : 0u);
    vertex_count[index] = bitCount(mask);
    triangle_count[index] = tris;
}
#endif

// The last point p with offset[p] <= slot: the point that owns output slot `slot` (offsets are an exclusive scan, so
// points that emit nothing share their successor's offset and are skipped). Fixed trip count, no division.
#define MC_OWNER(OFFSETS, SLOT, RESULT) \
    { \
        uint points = pc.n * pc.n * pc.n, lo = 0u; \
        for (uint step = 1u << findMSB(points); step > 0u; step >>= 1) \
            if (lo + step < points && OFFSETS[lo + step] <= SLOT) lo += step; \
        RESULT = lo; \
    }

uvec3 mc_point(uint index) { uint row = index / pc.n; return uvec3(index - row * pc.n, row % pc.n, row / pc.n); }

#ifdef MC_VERTICES
layout(std430, binding = 0) readonly buffer Distance { float dist[]; };
layout(std430, binding = 1) readonly buffer Colour { uint colour[]; };
layout(std430, binding = 2) readonly buffer Mask { uint mask_in[]; };
layout(std430, binding = 3) readonly buffer VertexOffset { uint vertex_offset[]; };
// Mirrors IsoVertex (32 bytes).
struct Vertex { float px, py, pz, nx, ny, nz; uint colour; float pad; };
layout(std430, binding = 4) writeonly buffer Vertices { Vertex vertices[]; };
layout(std430, binding = 5) readonly buffer VertexTotal { uint vertex_total; };

#ifdef GRADIENT_GRID
layout(std430, binding = 6) readonly buffer GradientGrid { float gradient_grid[]; };

vec3 gradient(uvec3 u)
{
    uint i = sdf_grid_index(u, pc.n), total = pc.n * pc.n * pc.n;
    return vec3(gradient_grid[i], gradient_grid[total + i], gradient_grid[2u * total + i]);
}
#else
float at(ivec3 c) { c = clamp(c, ivec3(0), ivec3(int(pc.n) - 1)); return dist[sdf_grid_index(uvec3(c), pc.n)]; }

// Central differences (one-sided at the grid boundary, where clamping repeats the edge sample).
vec3 gradient(uvec3 u)
{
    ivec3 c = ivec3(u);
    return vec3(at(c + ivec3(1, 0, 0)) - at(c - ivec3(1, 0, 0)),
                at(c + ivec3(0, 1, 0)) - at(c - ivec3(0, 1, 0)),
                at(c + ivec3(0, 0, 1)) - at(c - ivec3(0, 0, 1)));
}
#endif

void main()
{
    uint slot = ff_global_index();
    if (slot >= min(vertex_total, pc.vertexCapacity)) return;
    uint index;
    MC_OWNER(vertex_offset, slot, index)
    uvec3 c = mc_point(index);
    // The (slot - offset)-th crossing edge of this point, in direction order.
    uint mask = mask_in[index] & 127u;
    for (uint k = slot - vertex_offset[index]; k > 0u; k--) mask &= mask - 1u;
    uint dir = uint(findLSB(mask));
    float da = dist[index];
    vec3 ga = gradient(c);
    vec4 ca = unpackUnorm4x8(colour[index]);
    uvec3 e = c + mc_corner(dir + 1u);
    uint j = sdf_grid_index(e, pc.n);
    float db = dist[j];
    float t = clamp((pc.iso - da) / (db - da), 0.0, 1.0);
    vec3 p = sdf_grid_point(c, pc.gridMin, pc.voxel) + t * pc.voxel * vec3(mc_corner(dir + 1u));
    vec3 g = mix(ga, gradient(e), t);
    float len = length(g);
    vec3 nrm = len > 0.0 ? g / len : vec3(0.0, 0.0, 1.0);
    Vertex v;
    v.px = p.x; v.py = p.y; v.pz = p.z; v.nx = nrm.x; v.ny = nrm.y; v.nz = nrm.z;
    v.colour = packUnorm4x8(mix(ca, unpackUnorm4x8(colour[j]), t));
    v.pad = 0.0;
    vertices[slot] = v;
}
#endif

#ifdef MC_TRIANGLES
layout(std430, binding = 0) readonly buffer Mask { uint mask_in[]; };
layout(std430, binding = 1) readonly buffer VertexOffset { uint vertex_offset[]; };
layout(std430, binding = 2) readonly buffer TriangleOffset { uint triangle_offset[]; };
// Two words per (tetrahedron, case): count << 30 | triangle 0 edges, triangle 1 edges; edge = a | b << 3 (6 bits).
layout(std430, binding = 3) readonly buffer Table { uint table[]; };
layout(std430, binding = 4) writeonly buffer Indices { uint indices[]; };
layout(std430, binding = 5) readonly buffer TriangleTotal { uint triangle_total; };

// Shared vertex of the lattice edge between cube corners a and b (b's bits contain a's) of the cube at c.
uint edge_vertex(uvec3 c, uint edge)
{
    uint a = edge & 7u, b = (edge >> 3) & 7u;
    uint q = sdf_grid_index(c + mc_corner(a), pc.n);
    uint dir = (a ^ b) - 1u;
    return vertex_offset[q] + bitCount(mask_in[q] & ((1u << dir) - 1u)); // bits below dir: edge bits only
}

void main()
{
    uint slot = ff_global_index();
    if (slot >= min(triangle_total, pc.triangleCapacity)) return;
    uint index;
    MC_OWNER(triangle_offset, slot, index)
    uvec3 c = mc_point(index);
    uint corners = (mask_in[index] >> 8) & 255u;
    // The cube's triangles come tetrahedron by tetrahedron, up to two each: find the one this slot holds.
    uint k = slot - triangle_offset[index], entry = 0u;
    bool found = false;
    for (uint t = 0u; t < 6u; t++)
    {
        uint e = 2u * (16u * t + mc_tet_case(corners, t));
        uint count = table[e] >> 30;
        bool here = !found && k < count;
        entry = here ? e : entry;
        k = found || here ? k : k - count;
        found = found || here;
    }
    uint tri = k == 0u ? table[entry] : table[entry + 1u];
    indices[3u * slot] = edge_vertex(c, tri & 63u);
    indices[3u * slot + 1u] = edge_vertex(c, (tri >> 6) & 63u);
    indices[3u * slot + 2u] = edge_vertex(c, (tri >> 12) & 63u);
}
#endif

#ifdef MC_DRAW_ARGS
layout(std430, binding = 0) readonly buffer TriangleTotal { uint triangle_total; };
// VkDrawIndexedIndirectCommand: indexCount, instanceCount, firstIndex, vertexOffset, firstInstance.
layout(std430, binding = 1) writeonly buffer DrawArgs { uint draw_args[5]; };

void main()
{
    if (ff_global_index() != 0u) return;
    // A surface that outgrew the buffers draws what fit (the same prefix TryReadMesh would refuse and regrow).
    draw_args[0] = 3u * min(triangle_total, pc.triangleCapacity);
    draw_args[1] = 1u;
    draw_args[2] = 0u;
    draw_args[3] = 0u;
    draw_args[4] = 0u;
}
#endif
