#version 450
// Noise values -> RGBA8 texels: greyscale or the terrain colour ramp, with the same stops, clamp and round-half-up as
// FieldForge.Noise.NoiseImage.ToRgba, so GPU and CPU pixels of the same values agree (to within one step per channel
// where a device divides less exactly). The packed texels are then copied into an R8G8B8A8_UNORM image.
//! kernel noise_ramp NOISE_RAMP
#define FF_WORKGROUP 64
layout(local_size_x = FF_WORKGROUP) in;
#include "ff_common.glsl"

// Mirrors NoiseRampPush (16 bytes): t = clamp((value - minValue) * invRange, 0, 1).
layout(push_constant) uniform Push { uint count; float minValue; float invRange; uint colorRamp; } pc;

layout(std430, binding = 0) readonly buffer Values { float values[]; };
layout(std430, binding = 1) writeonly buffer Texels { uint texels[]; }; // RGBA8, R in the low byte

// Terrain ramp stops (position, r, g, b): deep water, shallow water, sand, grass, forest, rock, snow, white.
const int RAMP_STOPS = 8;
const float RAMP_AT[RAMP_STOPS] = float[](0.00, 0.38, 0.46, 0.52, 0.66, 0.80, 0.92, 1.00);
const vec3 RAMP_RGB[RAMP_STOPS] = vec3[](
    vec3(12, 28, 84), vec3(36, 92, 170), vec3(214, 200, 140), vec3(88, 160, 64),
    vec3(36, 102, 44), vec3(120, 110, 100), vec3(240, 240, 245), vec3(255, 255, 255));

void main()
{
    uint i = ff_global_index();
    if (i >= pc.count) return;
    float v = values[i];
    // NaN maps to 0 like the reference (clamp of NaN is undefined in GLSL, so test first).
    precise float t = isnan(v) ? 0.0 : clamp((v - pc.minValue) * pc.invRange, 0.0, 1.0);
    if (isnan(t)) t = 0.0;
    uvec3 rgb;
    if (pc.colorRamp != 0u)
    {
        // The reference finds t's segment s and returns a + (b - a) * f. Here every segment contributes
        // (c[s] - c[s-1]) * clamp(f_s, 0, 1): segments below t add whole integer steps (exact in float), t's own adds
        // the same (b - a) * f, segments above add exact zeros, so the sum equals the reference bit for bit, without
        // the data-dependent loop and indexing that CPU drivers pay for on every lane.
        precise vec3 c = RAMP_RGB[0];
        for (int s = 1; s < RAMP_STOPS; s++)
        {
            precise float f = clamp((t - RAMP_AT[s - 1]) / (RAMP_AT[s] - RAMP_AT[s - 1]), 0.0, 1.0);
            c += (RAMP_RGB[s] - RAMP_RGB[s - 1]) * f;
        }
        c += 0.5;
        rgb = uvec3(c);
    }
    else
    {
        precise float g = t * 255.0 + 0.5;
        rgb = uvec3(uint(g));
    }
    texels[i] = rgb.r | (rgb.g << 8) | (rgb.b << 16) | (255u << 24);
}
