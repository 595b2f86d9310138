// Grid geometry shared by the morphing kernels: an N^3 lattice of sample points p = min + voxel * (x, y, z),
// stored x-fastest (index = x + N * (y + N * z)).
#ifndef SDF_GRID_GLSL
#define SDF_GRID_GLSL

uvec3 sdf_grid_coord(uint index, uint n) { return uvec3(index % n, (index / n) % n, index / (n * n)); }
uint sdf_grid_index(uvec3 c, uint n) { return c.x + n * (c.y + n * c.z); }
vec3 sdf_grid_point(uvec3 c, vec3 gridMin, float voxel) { return gridMin + voxel * vec3(c); }

// For kernels dispatched with SdfGrid.Groups (rows along x, one workgroup row per (y, z)): this invocation's lattice
// point and its linear index; false for the padding invocations past the end of a row. No integer division.
bool sdf_grid_invocation(uint n, out uvec3 c, out uint index)
{
    c = gl_GlobalInvocationID;
    index = sdf_grid_index(c, n);
    return c.x < n;
}

#endif
