// Spatial hash and in-shader random numbers shared by the neural kernels. Mirrors FieldForge.Neural.SpatialHash (C#).
#ifndef FF_HASH_GLSL
#define FF_HASH_GLSL

// instant-ngp's primes; the first is 1 so the coarsest axis stays coherent in memory.
const uint FF_HASH_PRIMES[4] = uint[4](1u, 2654435761u, 805459861u, 3674653429u);

// PCG-style integer hash (one round of Jarzynski & Olano's pcg_hash): a stateless, well-mixed 32-bit hash.
uint ff_pcg(uint v)
{
    uint state = v * 747796405u + 2891336453u;
    uint word = ((state >> ((state >> 28u) + 4u)) ^ state) * 277803737u;
    return (word >> 22u) ^ word;
}

// Uniform float in [0, 1) from (seed, step, index, stream); identical on every device (integer-only until the end).
float ff_random01(uint seed, uint step, uint index, uint stream)
{
    uint h = ff_pcg(seed ^ ff_pcg(step ^ ff_pcg(index * 4u + stream)));
    return float(h >> 8u) * (1.0 / 16777216.0);
}

#endif
