// Grid geometry shared by the morphing kernels: an N^3 lattice of sample points p = min + voxel * (x, y, z),
// stored x-fastest (index = x + N * (y + N * z)).
#ifndef SDF_GRID_GLSL
#define SDF_GRID_GLSL

uvec3 sdf_grid_coord(uint index, uint n) { return uvec3(index % n, (index / n) % n, index / (n * n)); }
uint sdf_grid_index(uvec3 c, uint n) { return c.x + n * (c.y + n * c.z); }
vec3 sdf_grid_point(uvec3 c, vec3 gridMin, float voxel) { return gridMin + voxel * vec3(c); }

#endif
