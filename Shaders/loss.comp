#version 450
// Per-sample loss and its gradient dL/dprediction. kind 0 = L2, 1 = relative L2 (instant-ngp: (y-t)^2 / (y^2 + 0.01)
// with the denominator treated as a constant), 2 = L1. Buffers feature-major ([c * count + s]); the per-sample loss is
// already scaled so that a sum over samples is the mean over samples and outputs. Mirrors Loss.LossPush (16 bytes).
//! kernel loss_eval
#define FF_WORKGROUP 256
layout(local_size_x = FF_WORKGROUP) in;
#include "ff_common.glsl"

layout(push_constant) uniform Push { uint count; uint outputs; uint kind; float scale; } pc;
layout(std430, binding = 0) readonly buffer Prediction { float prediction[]; };
layout(std430, binding = 1) readonly buffer Target { float target[]; };
layout(std430, binding = 2) writeonly buffer Gradient { float gradient[]; };
layout(std430, binding = 3) writeonly buffer SampleLoss { float sampleLoss[]; };

void main()
{
    uint s = ff_global_index();
    if (s >= pc.count) return;
    float total = 0.0;
    for (uint c = 0u; c < pc.outputs; c++)
    {
        uint i = c * pc.count + s;
        float y = prediction[i];
        float diff = y - target[i];
        float value, grad;
        if (pc.kind == 1u) { float denom = 1.0 / (y * y + 0.01); value = diff * diff * denom; grad = 2.0 * diff * denom; }
        else if (pc.kind == 2u) { value = abs(diff); grad = sign(diff); }
        else { value = diff * diff; grad = 2.0 * diff; }
        total += value;
        gradient[i] = grad * pc.scale;
    }
    sampleLoss[s] = total * pc.scale;
}
