#version 450
// The eikonal term of SDF fitting (EikonalTerm, Trainer): W * mean over the batch of (|grad f| - 1)^2, with grad f by
// central differences in the input. A batch of `count` points becomes 2n shifted batches (block k = 2i + 0 for
// x + h e_i, 2i + 1 for x - h e_i, sample s at k * count + s, feature-major with stride 2n * count):
//   eikonal_shift : writes the shifted points, clamped to the unit cube as the encoding would clamp them;
//   eikonal_loss  : from f at the shifted points, adds each sample's share of the term to sampleLosses[s] and writes
//                   the seeds dTerm/df at the shifted points, which the ordinary backward pass turns into parameter
//                   gradients (the exact gradient of the finite-difference term: no second derivatives needed).
// Mirrors Trainer.EikonalPush (32 bytes).
//! kernel eikonal_shift EIKONAL_SHIFT
//! kernel eikonal_loss EIKONAL_LOSS
#define FF_WORKGROUP 64
layout(local_size_x = FF_WORKGROUP) in;
#include "ff_common.glsl"

layout(push_constant) uniform Push { uint count; uint dims; float step; float weight; float worldPerUnit; uint pad0; uint pad1; uint pad2; } pc;

layout(std430, binding = 0) readonly buffer Points { float points[]; };

#ifdef EIKONAL_SHIFT
layout(std430, binding = 1) writeonly buffer Shifted { float shifted[]; };

void main()
{
    uint s = ff_global_index();
    if (s >= pc.count) return;
    uint total = 2u * pc.dims * pc.count;
    for (uint k = 0u; k < 2u * pc.dims; k++)
    {
        uint axis = k >> 1;
        float offset = (k & 1u) == 0u ? pc.step : -pc.step;
        for (uint d = 0u; d < pc.dims; d++)
        {
            float x = points[d * pc.count + s];
            shifted[d * total + k * pc.count + s] = clamp(d == axis ? x + offset : x, 0.0, 1.0);
        }
    }
}
#endif

#ifdef EIKONAL_LOSS
layout(std430, binding = 1) readonly buffer ShiftedOutputs { float shiftedOut[]; };
layout(std430, binding = 2) writeonly buffer Seeds { float seeds[]; };
layout(std430, binding = 3) buffer SampleLosses { float sampleLosses[]; };

void main()
{
    uint s = ff_global_index();
    if (s >= pc.count) return;
    float grad[4];
    float span[4]; // world length of each axis's difference: (clamp(x + h) - clamp(x - h)) * worldPerUnit
    float len2 = 0.0;
    for (uint i = 0u; i < 4u; i++)
    {
        if (i >= pc.dims) { grad[i] = 0.0; span[i] = 1.0; continue; }
        float x = points[i * pc.count + s];
        span[i] = (clamp(x + pc.step, 0.0, 1.0) - clamp(x - pc.step, 0.0, 1.0)) * pc.worldPerUnit;
        grad[i] = (shiftedOut[(2u * i) * pc.count + s] - shiftedOut[(2u * i + 1u) * pc.count + s]) / span[i];
        len2 += grad[i] * grad[i];
    }
    float len = sqrt(len2);
    float r = len - 1.0;
    float mean = pc.weight / float(pc.count);
    sampleLosses[s] += mean * r * r;
    // d/df(x +- h e_i) of mean * (|g| - 1)^2 = mean * 2 (|g| - 1) * g_i / |g| * (+-1 / span_i).
    float c = len > 1e-20 ? mean * 2.0 * r / len : 0.0;
    for (uint i = 0u; i < pc.dims; i++)
    {
        float seed = c * grad[i] / span[i];
        seeds[(2u * i) * pc.count + s] = seed;
        seeds[(2u * i + 1u) * pc.count + s] = -seed;
    }
}
#endif
