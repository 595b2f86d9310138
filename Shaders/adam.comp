#version 450
// Adam over any range of a parameter buffer, with bias correction factors computed on the host.
// Mirrors FieldForge.Neural.Adam.AdamPush (40 bytes) and Adam.ReferenceStep.
//! kernel adam_step
#define FF_WORKGROUP 256
layout(local_size_x = FF_WORKGROUP) in;
#include "ff_common.glsl"

layout(push_constant) uniform Push
{
    uint count;
    uint offset;
    float learningRate;
    float beta1;
    float beta2;
    float epsilon;
    float correction1;   // 1 / (1 - beta1^t)
    float correction2;   // 1 / (1 - beta2^t)
    uint clearGradients;
    float weightDecay;
} pc;

layout(std430, binding = 0) buffer Params { float params[]; };
layout(std430, binding = 1) buffer Grads { float grads[]; };
layout(std430, binding = 2) buffer M { float m[]; };
layout(std430, binding = 3) buffer V { float v[]; };

void main()
{
    uint i = ff_global_index();
    if (i >= pc.count) return;
    i += pc.offset;
    float g = grads[i] + pc.weightDecay * params[i];
    float mi = pc.beta1 * m[i] + (1.0 - pc.beta1) * g;
    float vi = pc.beta2 * v[i] + (1.0 - pc.beta2) * g * g;
    m[i] = mi;
    v[i] = vi;
    float mHat = mi * pc.correction1;
    float vHat = vi * pc.correction2;
    params[i] -= pc.learningRate * mHat / (sqrt(vHat) + pc.epsilon);
    if (pc.clearGradients != 0u) grads[i] = 0.0;
}
