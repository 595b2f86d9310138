// Layouts shared by the hash-encoding kernels. Mirrors FieldForge.Neural.HashEncoding (C#):
// EncodingPush (16 bytes) and HashEncodingLevel (32 bytes, std430).
#ifndef FF_ENCODING_COMMON_GLSL
#define FF_ENCODING_COMMON_GLSL

struct EncodingLevel
{
    uint offset;  // first float of this level's table, relative to the parameter offset
    uint size;    // entries (each FEATURES floats); a power of two for hashed levels
    uint dense;   // 1: index = linearised lattice coordinate; 0: spatial hash & (size - 1)
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

uint ff_lattice_index(uint coord[DIMS], EncodingLevel lv)
{
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
