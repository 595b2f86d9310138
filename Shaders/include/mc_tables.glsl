// Tables for the topologically consistent marching-cubes variant FieldForge uses: every cube is split into the
// six tetrahedra of its Kuhn (Freudenthal) triangulation, all sharing the main diagonal. Every cube uses the same
// face diagonals, so neighbouring cubes agree on each shared face and the surface is watertight without the
// ambiguity cases of the classic 256-case table. Mirrors MarchingTetrahedra (CPU reference).
//
// Cube corners are 3-bit codes (bit 0 = +x, bit 1 = +y, bit 2 = +z). Every lattice edge used by the
// triangulation goes from a point q to q + d with d one of seven positive directions; direction index = code - 1.
#ifndef MC_TABLES_GLSL
#define MC_TABLES_GLSL

// Tetrahedron t has corners 0, MC_MID1[t], MC_MID2[t], 7 (the axis orders of the Kuhn triangulation), packed as
// nibbles so no thread materialises a constant array (dynamic indexing of constant arrays is slow on CPU drivers):
// t = 0..5 -> (1,3), (1,5), (2,3), (2,6), (4,5), (4,6).
#define MC_MID1 0x442211u
#define MC_MID2 0x656353u

uvec3 mc_corner(uint code) { return uvec3(code & 1u, (code >> 1) & 1u, (code >> 2) & 1u); }

// Inside mask of tetrahedron t (bit k = its corner k inside) from the cube's 8-bit corner mask.
uint mc_tet_case(uint corners, uint t)
{
    uint a = (MC_MID1 >> (4u * t)) & 15u, b = (MC_MID2 >> (4u * t)) & 15u;
    return (corners & 1u) | (((corners >> a) & 1u) << 1) | (((corners >> b) & 1u) << 2) | (((corners >> 7) & 1u) << 3);
}

// Triangles a tetrahedron with this inside mask produces: 0 (all in or out), 1 (one corner differs), 2 (two and two).
uint mc_tet_triangles(uint insideMask)
{
    uint c = bitCount(insideMask);
    return c == 0u || c == 4u ? 0u : (c == 2u ? 2u : 1u);
}

// The per-(tetrahedron, case) triangle table lives in a storage buffer (MarchingTetrahedra.BuildTriangleTable).

#endif
