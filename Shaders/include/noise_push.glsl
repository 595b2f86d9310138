// Push constants of every noise kernel. Mirrors FieldForge.Noise.NoisePush (C#, 112 bytes); a test and the
// KernelSpec check at load compare the sizes.
#ifndef FF_NOISE_PUSH_GLSL
#define FF_NOISE_PUSH_GLSL
layout(push_constant) uniform NoisePush
{
    vec4 origin;      // grid origin (x, y, z, w), input units
    vec4 spacing;     // grid spacing (x, y, z), input units per sample
    uvec4 size;       // grid width, height, depth; sample count
    ivec4 period;     // periods x, y, z in lattice cells of octave 0 (0 = none); integer lacunarity
    uint seed;
    uint octaves;
    uint mode;        // 0 fbm, 1 ridged, 2 billow
    uint warpStages;
    float frequency;
    float lacunarity;
    float gain;
    float scale;      // amplitude / sum of octave gains
    float offset;
    float warpScale;  // warp amplitude / sum of octave gains
    uint reserved0;
    uint reserved1;
} pc;
#endif
