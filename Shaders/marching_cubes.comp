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
// The block form (SdfMorph.RecordFrame): the same surface, extracted only in the 4^3-point blocks of a list (blocks
// that can hold the surface, from morph_blocks). One invocation per listed block classifies its 64 points and sums
// their counts locally, so the device-wide scans cover one count per block instead of one per point. Vertices are numbered block by block (in list order), then in grid order inside a block.
//   mc_block_classify : per listed block b and point j: cell word (edge mask, cube corners, local vertex offset) and
//                       local triangle offset at b * 64 + j; block totals at b; the block's list position by block id;
//   (one ExclusiveScan of the block totals, vertices then triangles -> block offsets);
//   mc_block_owners   : per output slot, the point that owns it (no binary search in the output kernels);
//   mc_block_args     : indirect dispatch sizes for the two output kernels from the totals;
//   mc_block_vertices, mc_block_triangles : as mc_vertices / mc_triangles.
//! kernel mc_block_classify MC_BLOCK_CLASSIFY
//! kernel mc_block_owners MC_BLOCK_OWNERS
//! kernel mc_block_args MC_BLOCK_ARGS
//! kernel mc_block_vertices MC_BLOCK_VERTICES
//! kernel mc_block_vertices_gradient MC_BLOCK_VERTICES GRADIENT_GRID
//! kernel mc_block_triangles MC_BLOCK_TRIANGLES
#define FF_WORKGROUP 64 // rows along x (SdfGrid.Groups)
layout(local_size_x = FF_WORKGROUP) in;
#include "ff_common.glsl"
#include "sdf_grid.glsl"
#include "mc_tables.glsl"
#include "sdf_blocks.glsl"

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

#if defined(MC_VERTICES) || defined(MC_BLOCK_VERTICES)
layout(std430, binding = 0) readonly buffer Distance { float dist[]; };
layout(std430, binding = 1) readonly buffer Colour { uint colour[]; };
#ifdef MC_VERTICES
layout(std430, binding = 2) readonly buffer Mask { uint mask_in[]; };
layout(std430, binding = 3) readonly buffer VertexOffset { uint vertex_offset[]; };
#else
layout(std430, binding = 2) readonly buffer Cells { uint cell[]; };
layout(std430, binding = 3) readonly buffer VertexOwner { uint vertex_owner[]; };
#endif
// Mirrors IsoVertex (32 bytes).
struct Vertex { float px, py, pz, nx, ny, nz; uint colour; float pad; };
layout(std430, binding = 4) writeonly buffer Vertices { Vertex vertices[]; };
layout(std430, binding = 5) readonly buffer VertexTotal { uint vertex_total; };
#ifdef MC_BLOCK_VERTICES
layout(std430, binding = 6) readonly buffer SurfaceList { uint surface_list[]; };
#define GRADIENT_BINDING 7
#else
#define GRADIENT_BINDING 6
#endif

#ifdef GRADIENT_GRID
layout(std430, binding = GRADIENT_BINDING) readonly buffer GradientGrid { float gradient_grid[]; };

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
#ifdef MC_VERTICES
    uint index;
    MC_OWNER(vertex_offset, slot, index)
    uvec3 c = mc_point(index);
    // The (slot - offset)-th crossing edge of this point, in direction order.
    uint mask = mask_in[index] & 127u;
    for (uint k = slot - vertex_offset[index]; k > 0u; k--) mask &= mask - 1u;
#else
    uint owner = vertex_owner[slot], pt = owner & 63u; // mc_block_owners: block << 6 | point, and its k-th edge << 26
    uint word = cell[(owner & 0x3FFFFFFu) >> 6 << 6 | pt];
    uvec3 c = morph_block_origin(surface_list[(owner & 0x3FFFFFFu) >> 6]) + morph_block_local(pt);
    uint index = sdf_grid_index(c, pc.n);
    uint mask = word & 127u;
    for (uint k = owner >> 26; k > 0u; k--) mask &= mask - 1u;
#endif
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

#ifdef MC_BLOCK_TRIANGLES
layout(std430, binding = 0) readonly buffer Cells { uint cell[]; };
layout(std430, binding = 1) readonly buffer TriangleOwner { uint triangle_owner[]; };
layout(std430, binding = 2) readonly buffer BlockVertexOffset { uint block_vertex_offset[]; };
layout(std430, binding = 3) readonly buffer Table { uint table[]; };
layout(std430, binding = 4) writeonly buffer Indices { uint indices[]; };
layout(std430, binding = 5) readonly buffer TriangleTotal { uint triangle_total; };
layout(std430, binding = 6) readonly buffer SurfaceList { uint surface_list[]; };
layout(std430, binding = 7) readonly buffer BlockSlot { uint block_slot[]; };

// Shared vertex of the lattice edge between cube corners a and b of the cube at c. The edge's lower point q owns the
// vertex; it lies in a listed block (its crossing edge lies in that block's cubes, whose bound held the iso level).
uint edge_vertex(uvec3 c, uint edge)
{
    uint a = edge & 7u, b = (edge >> 3) & 7u;
    uvec3 q = c + mc_corner(a), bq = q >> 2u;
    uint nb = (pc.n + 3u) / 4u;
    uint slot = block_slot[bq.x + nb * (bq.y + nb * bq.z)];
    uvec3 l = q & 3u;
    uint word = cell[slot * 64u + l.x + 4u * l.y + 16u * l.z];
    uint dir = (a ^ b) - 1u;
    return block_vertex_offset[slot] + ((word >> 16) & 511u) + bitCount(word & ((1u << dir) - 1u));
}

void main()
{
    uint slot = ff_global_index();
    if (slot >= min(triangle_total, pc.triangleCapacity)) return;
    uint owner = triangle_owner[slot]; // mc_block_owners: block << 6 | point, and its k-th triangle << 26
    uint b = (owner & 0x3FFFFFFu) >> 6, j = owner & 63u;
    uvec3 c = morph_block_origin(surface_list[b]) + morph_block_local(j);
    uint corners = (cell[b * 64u + j] >> 8) & 255u;
    uint k = owner >> 26, entry = 0u;
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

#ifdef MC_BLOCK_CLASSIFY
layout(std430, binding = 0) readonly buffer Distance { float dist[]; };
layout(std430, binding = 1) readonly buffer SurfaceList { uint surface_list[]; };
layout(std430, binding = 2) readonly buffer BlockArgs { uint block_args[MORPH_BLOCK_ARGS]; };
layout(std430, binding = 3) writeonly buffer Cells { uint cell[]; };
layout(std430, binding = 4) writeonly buffer LocalTriangles { uint local_triangle[]; };
// Per listed block b: vertices at b, triangles at (blocks in the grid) + b, so one scan numbers both.
layout(std430, binding = 5) writeonly buffer BlockCounts { uint block_counts[]; };
layout(std430, binding = 6) writeonly buffer BlockSlot { uint block_slot[]; };

// Inside bits (d < iso, in the grid) of the 5 points q, q + x, ..., q + 4x: one row of a block's cube corners.
uint inside_row(uvec3 q)
{
    uint bits = 0u;
    for (uint i = 0u; i < 5u; i++)
    {
        uvec3 p = q + uvec3(i, 0u, 0u);
        if (inside_grid(p) && dist[sdf_grid_index(p, pc.n)] < pc.iso) bits |= 1u << i;
    }
    return bits;
}

// One invocation per listed block walks its 64 points in grid order, so the block's local scan is a running sum and
// the kernel needs no barrier: on a CPU driver every workgroup barrier switches between coroutines of SIMD batches,
// which cost this kernel most of its time in a workgroup-per-block form. (On a GPU a workgroup per block with a
// shared 5^3 tile would spread the work wider; the blocks here are few, so one thread each is still quick.)
// Each row of 4 points reads the 4 rows of 5 corners around it once (20 reads instead of 32).
void main()
{
    uint b = ff_global_index();
    if (b >= block_args[MORPH_SURFACE_COUNT]) return;
    uvec3 origin = morph_block_origin(surface_list[b]);
    uint running = 0u; // vertices | triangles << 16 of the points before this one
    for (uint z = 0u; z < 4u; z++)
        for (uint y = 0u; y < 4u; y++)
        {
            uvec3 row = origin + uvec3(0u, y, z);
            // Corner bit k of a cube: +x = bit 0, +y = bit 1, +z = bit 2 (mc_corner).
            uint r00 = inside_row(row), r10 = inside_row(row + uvec3(0u, 1u, 0u));
            uint r01 = inside_row(row + uvec3(0u, 0u, 1u)), r11 = inside_row(row + uvec3(0u, 1u, 1u));
            for (uint x = 0u; x < 4u; x++)
            {
                uvec3 c = row + uvec3(x, 0u, 0u);
                uint corners = ((r00 >> x) & 1u) | ((r00 >> (x + 1u)) & 1u) * 2u
                        | ((r10 >> x) & 1u) * 4u | ((r10 >> (x + 1u)) & 1u) * 8u
                        | ((r01 >> x) & 1u) * 16u | ((r01 >> (x + 1u)) & 1u) * 32u
                        | ((r11 >> x) & 1u) * 64u | ((r11 >> (x + 1u)) & 1u) * 128u;
                bool cube = all(lessThan(c + 1u, uvec3(pc.n)));
                // Same classification as mc_classify (out-of-grid corners count as outside).
                uint mask = 0u;
                bool here = (corners & 1u) != 0u;
                for (uint code = 1u; code < 8u; code++)
                    if (inside_grid(c + mc_corner(code)) && (((corners >> code) & 1u) != 0u) != here) mask |= 1u << (code - 1u);
                uint tris = 0u;
                if (cube && corners != 0u && corners != 255u)
                    for (uint t = 0u; t < 6u; t++) tris += mc_tet_triangles(mc_tet_case(corners, t));
                if (!inside_grid(c)) { mask = 0u; tris = 0u; }
                uint j = x + 4u * y + 16u * z;
                cell[b * 64u + j] = mask | (cube ? corners << 8 : 0u) | ((running & 0xFFFFu) << 16);
                local_triangle[b * 64u + j] = running >> 16;
                running += bitCount(mask) | (tris << 16);
            }
        }
    uint nb = (pc.n + 3u) / 4u;
    block_counts[b] = running & 0xFFFFu;
    block_counts[nb * nb * nb + b] = running >> 16;
    uvec3 bc = origin >> 2u;
    block_slot[bc.x + nb * (bc.y + nb * bc.z)] = b;
}
#endif

#ifdef MC_BLOCK_OWNERS
layout(std430, binding = 0) readonly buffer Cells { uint cell[]; };
layout(std430, binding = 1) readonly buffer LocalTriangles { uint local_triangle[]; };
layout(std430, binding = 2) readonly buffer BlockOffsets { uint block_offsets[]; }; // exclusive scan of block_counts
layout(std430, binding = 3) readonly buffer BlockCounts { uint block_counts[]; };
layout(std430, binding = 4) readonly buffer BlockArgs { uint block_args[MORPH_BLOCK_ARGS]; };
layout(std430, binding = 5) writeonly buffer VertexOwner { uint vertex_owner[]; };
layout(std430, binding = 6) writeonly buffer TriangleOwner { uint triangle_owner[]; };

// One invocation per listed block writes, for every output slot its points own, who owns it: block << 6 | point,
// and which of the point's vertices (edges) or triangles it is << 26. The output kernels then find their point with
// one read instead of a binary search over the scanned offsets (about twenty dependent reads, each a per-lane gather
// on a CPU driver).
void main()
{
    uint b = ff_global_index();
    if (b >= block_args[MORPH_SURFACE_COUNT]) return;
    uint nb = (pc.n + 3u) / 4u, blocks = nb * nb * nb;
    uint vertexBase = block_offsets[b], triangleBase = block_offsets[blocks + b] - block_offsets[blocks];
    for (uint j = 0u; j < 64u; j++)
    {
        uint word = cell[b * 64u + j], owner = (b << 6) | j;
        uint first = vertexBase + ((word >> 16) & 511u), count = bitCount(word & 127u);
        for (uint i = 0u; i < count; i++)
            if (first + i < pc.vertexCapacity) vertex_owner[first + i] = owner | (i << 26);
        uint local = local_triangle[b * 64u + j];
        uint next = j < 63u ? local_triangle[b * 64u + j + 1u] : block_counts[blocks + b];
        for (uint i = 0u; i < next - local; i++)
            if (triangleBase + local + i < pc.triangleCapacity) triangle_owner[triangleBase + local + i] = owner | (i << 26);
    }
}
#endif

#ifdef MC_BLOCK_ARGS
layout(std430, binding = 0) readonly buffer BlockOffsets { uint block_offsets[]; };
layout(std430, binding = 1) readonly buffer CountTotal { uint count_total; }; // vertices + triangles
layout(std430, binding = 2) writeonly buffer VertexTotal { uint vertex_total; };
layout(std430, binding = 3) writeonly buffer TriangleTotal { uint triangle_total; };
// Two VkDispatchIndirectCommand: the vertex kernel's, then the triangle kernel's.
layout(std430, binding = 4) writeonly buffer OutputArgs { uint output_args[6]; };

void write_groups(uint at, uint threads)
{
    uint groups = (threads + FF_WORKGROUP - 1u) / FF_WORKGROUP;
    output_args[at] = min(groups, MORPH_MAX_GROUPS_X);
    output_args[at + 1u] = max(1u, (groups + MORPH_MAX_GROUPS_X - 1u) / MORPH_MAX_GROUPS_X);
    output_args[at + 2u] = 1u;
}

void main()
{
    if (ff_global_index() != 0u) return;
    uint nb = (pc.n + 3u) / 4u, vertices = block_offsets[nb * nb * nb], triangles = count_total - vertices;
    vertex_total = vertices;
    triangle_total = triangles;
    write_groups(0u, min(vertices, pc.vertexCapacity));
    write_groups(3u, min(triangles, pc.triangleCapacity));
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
