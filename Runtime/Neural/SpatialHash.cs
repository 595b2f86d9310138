namespace FieldForge.Neural;

/// <summary>
/// The spatial hash and stateless random numbers the kernels use (Shaders/include/hash.glsl), bit-identical on the CPU
/// so references and samplers agree with the GPU.
/// </summary>
internal static class SpatialHash
{
    /// <summary>instant-ngp's per-axis primes (axis 0 uses 1 so the coarsest axis stays coherent in memory).</summary>
    public static ReadOnlySpan<uint> Primes => [1u, 2654435761u, 805459861u, 3674653429u];

    /// <summary>XOR of coordinate × prime over the axes, masked to a power-of-two table of <paramref name="tableSize"/> entries.</summary>
    public static uint Hash(ReadOnlySpan<uint> coordinate, uint tableSize)
    {
        uint h = 0;
        for (int d = 0; d < coordinate.Length; d++) h ^= unchecked(coordinate[d] * Primes[d]);
        return h & (tableSize - 1);
    }

    /// <summary>One round of the PCG integer hash (as in the shaders).</summary>
    public static uint Pcg(uint v)
    {
        unchecked
        {
            uint state = v * 747796405u + 2891336453u;
            uint word = ((state >> (int)((state >> 28) + 4u)) ^ state) * 277803737u;
            return (word >> 22) ^ word;
        }
    }

    /// <summary>Uniform float in [0, 1) from (seed, step, index, stream), identical to the shaders' <c>ff_random01</c>.</summary>
    public static float Random01(uint seed, uint step, uint index, uint stream) =>
        (Pcg(seed ^ Pcg(step ^ Pcg(unchecked(index * 4u + stream)))) >> 8) * (1.0f / 16777216.0f);

    /// <summary>Fills <paramref name="values"/> with deterministic uniform numbers in [-<paramref name="range"/>, +range).</summary>
    public static void FillUniform(Span<float> values, float range, uint seed, uint stream = 0)
    {
        for (int i = 0; i < values.Length; i++)
            values[i] = (Random01(seed, stream, (uint)i, 3u) * 2f - 1f) * range;
    }
}
