// Tables for the topologically consistent marching-cubes variant FieldForge uses: every cube is split into the
// six tetrahedra of its Kuhn (Freudenthal) triangulation, all sharing the main diagonal. Every cube uses the same
// face diagonals, so neighbouring cubes agree on each shared face and the surface is watertight without the
// ambiguity cases of the classic 256-case table. Mirrors MarchingTetrahedra (CPU reference).
//
// Cube corners are 3-bit codes (bit 0 = +x, bit 1 = +y, bit 2 = +z). Every lattice edge used by the
// triangulation goes from a point q to q + d with d one of seven positive directions; direction index = code - 1.
#ifndef MC_TABLES_GLSL
#define MC_TABLES_GLSL

const uint MC_TETS[6][4] = uint[6][4](
    uint[4](0u, 1u, 3u, 7u), uint[4](0u, 1u, 5u, 7u), uint[4](0u, 2u, 3u, 7u),
    uint[4](0u, 2u, 6u, 7u), uint[4](0u, 4u, 5u, 7u), uint[4](0u, 4u, 6u, 7u));

uvec3 mc_corner(uint code) { return uvec3(code & 1u, (code >> 1) & 1u, (code >> 2) & 1u); }

// Triangles a tetrahedron with this inside mask (bit i = corner i inside) produces.
uint mc_tet_triangles(uint insideMask)
{
    uint c = bitCount(insideMask);
    return c == 0u || c == 4u ? 0u : (c == 2u ? 2u : 1u);
}

#endif
