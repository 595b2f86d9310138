#version 450
// Training batch for image fitting: uniform random positions in [0,1]^2 (in-shader RNG from seed, step, sample) and
// the bilinearly interpolated image colour there (texel centres at (i + 0.5) / width). Image: float, row-major,
// interleaved channels. Points and targets out feature-major. Mirrors ImageTrainingData.SamplePush (24 bytes).
//! kernel fit_image_sample
#define FF_WORKGROUP 256
layout(local_size_x = FF_WORKGROUP) in;
#include "ff_common.glsl"
#include "hash.glsl"

layout(push_constant) uniform Push { uint count; uint width; uint height; uint channels; uint seed; uint step; } pc;
layout(std430, binding = 0) readonly buffer Image { float image[]; };
layout(std430, binding = 1) writeonly buffer Points { float points[]; };
layout(std430, binding = 2) writeonly buffer Targets { float targets[]; };

float texel(int x, int y, uint c)
{
    x = clamp(x, 0, int(pc.width) - 1);
    y = clamp(y, 0, int(pc.height) - 1);
    return image[(uint(y) * pc.width + uint(x)) * pc.channels + c];
}

void main()
{
    uint s = ff_global_index();
    if (s >= pc.count) return;
    float u = ff_random01(pc.seed, pc.step, s, 0u);
    float v = ff_random01(pc.seed, pc.step, s, 1u);
    points[s] = u;
    points[pc.count + s] = v;
    float px = u * float(pc.width) - 0.5, py = v * float(pc.height) - 0.5;
    float fx = floor(px), fy = floor(py);
    float tx = px - fx, ty = py - fy;
    int x0 = int(fx), y0 = int(fy);
    for (uint c = 0u; c < pc.channels; c++)
    {
        float top = mix(texel(x0, y0, c), texel(x0 + 1, y0, c), tx);
        float bottom = mix(texel(x0, y0 + 1, c), texel(x0 + 1, y0 + 1, c), tx);
        targets[c * pc.count + s] = mix(top, bottom, ty);
    }
}
