// Layouts shared by the hash-encoding kernels. Mirrors FieldForge.Neural.HashEncoding (C#):
// EncodingPush (16 bytes) and HashEncodingLevel (32 bytes, std430).
#ifndef FF_ENCODING_COMMON_GLSL
#define FF_ENCODING_COMMON_GLSL

struct EncodingLevel
{
    uint offset;  // first float of this level's table, relative to the parameter offset
    uint size;    // entries (each FEATURES floats); a power of two for hashed levels
    uint dense;   // 1: index = linearised lattice coordinate; 2: compact simplex index; 0: spatial hash & (size - 1)
    uint side;    // lattice vertices per axis of a dense level
    float scale;  // lattice cells across the unit cube
    uint pad0;
    uint pad1;
    uint pad2;
};

// A kernel that also runs an MLP (encoding_mlp_fused.comp) declares one push block with these fields and the MLP's,
// and defines FF_PUSH_DECLARED before including this file.
#ifndef FF_PUSH_DECLARED
layout(push_constant) uniform Push
{
    uint count;        // samples in the batch (also the stride of feature-major buffers)
    uint levels;
    uint features;     // features per level (1..8)
    uint paramOffset;  // first float of the encoding's tables in the parameter / gradient buffer
} pc;
#endif

#ifndef GRID
// Compact dense index of a simplex-lattice vertex (dense == 2; mirrors SimplexHashEncoding.CompactDenseIndex in C#).
// The vertices a unit cube reaches fill only part of their skewed bounding box (1/4 of it in 3D), so instead of the
// box the table holds q = v - c(k) per axis (k = sum of v, c(k) = round(G k), G = F / (1 + nF) the unskew factor):
// q is within 1.6 cells of the point's unskewed position (a vertex is within one cell of it per axis, c rounds to
// half a cell), so q + 1 lies in [0, side) with side = ceil(scale) + 3. At most
// FF_SIMPLEX_MULTIPLICITY vertices share a q, with consecutive c, so c mod that tells them apart. G is a rational
// (exact 1/6 in 3D) evaluated in integers, so CPU and GPU pick the same entry.
#if DIMS == 2
#define FF_SIMPLEX_MULTIPLICITY 2u
#define FF_UNSKEW_NUM 13849u
#define FF_UNSKEW_DEN 65536u
#elif DIMS == 3
#define FF_SIMPLEX_MULTIPLICITY 2u
#define FF_UNSKEW_NUM 1u
#define FF_UNSKEW_DEN 6u
#else
#define FF_SIMPLEX_MULTIPLICITY 3u
#define FF_UNSKEW_NUM 9057u
#define FF_UNSKEW_DEN 65536u
#endif
uint ff_simplex_compact_index(uint coord[DIMS], uint side)
{
    uint k = 0u;
    for (int d = 0; d < DIMS; d++) k += coord[d];
    uint c = (k * FF_UNSKEW_NUM + FF_UNSKEW_DEN / 2u) / FF_UNSKEW_DEN;
    uint index = 0u, stride = 1u;
    for (int d = 0; d < DIMS; d++) { index += (coord[d] + 1u - c) * stride; stride *= side; }
    return index * FF_SIMPLEX_MULTIPLICITY + c % FF_SIMPLEX_MULTIPLICITY;
}
#endif

uint ff_lattice_index(uint coord[DIMS], EncodingLevel lv)
{
#ifndef GRID
    if (lv.dense == 2u) return ff_simplex_compact_index(coord, lv.side);
#endif
    if (lv.dense != 0u)
    {
        uint index = 0u, stride = 1u;
        for (int d = 0; d < DIMS; d++) { index += coord[d] * stride; stride *= lv.side; }
        return index;
    }
    uint h = 0u;
    for (int d = 0; d < DIMS; d++) h ^= coord[d] * FF_HASH_PRIMES[d];
    return h & (lv.size - 1u);
}

#endif
