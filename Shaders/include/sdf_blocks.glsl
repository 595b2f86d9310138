// 4^3-point blocks of an SDF grid, shared by the sparse morph (morph.comp) and the block isosurfacer
// (marching_cubes.comp). Mirrors SurfaceBlocks (C#): list entries pack block coordinates as x | y << 8 | z << 16, and
// the block-arguments buffer holds two indirect dispatches and two counts.
#ifndef SDF_BLOCKS_GLSL
#define SDF_BLOCKS_GLSL

#define MORPH_BLOCK_ARGS 8
#define MORPH_EVAL_ARGS 0u     // x, y, z workgroups for morph_sparse (one per block to evaluate)
#define MORPH_SURFACE_ARGS 3u  // x, y, z workgroups for mc_block_classify (64 blocks to classify each)
#define MORPH_EVAL_COUNT 6u
#define MORPH_SURFACE_COUNT 7u
#define MORPH_MAX_GROUPS_X 65535u // the smallest maxComputeWorkGroupCount[0] Vulkan allows

uvec3 morph_block_origin(uint packed) { return 4u * uvec3(packed & 255u, (packed >> 8) & 255u, packed >> 16); }
// Invocation l of a 64-invocation block workgroup: x fastest, like the grid.
uvec3 morph_block_local(uint l) { return uvec3(l & 3u, (l >> 2) & 3u, l >> 4); }

#endif
