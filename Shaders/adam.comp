#version 450
// Adam over any range of a parameter buffer, with bias correction factors computed on the host.
// Mirrors FieldForge.Neural.Adam.AdamPush (40 bytes) and Adam.ReferenceStep.
// adam_step4: four consecutive elements per invocation through vec4 loads and stores (pc.count and pc.offset in vec4s):
// a quarter of the memory instructions. CPU drivers execute every buffer access as one load per lane, so this is what
// makes Adam over millions of table entries cheaper there; GPUs get 128-bit transactions. Same arithmetic per element.
//! kernel adam_step
//! kernel adam_step4 VEC4
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

#ifdef VEC4
#define FF_T vec4
#else
#define FF_T float
#endif
layout(std430, binding = 0) buffer Params { FF_T params[]; };
layout(std430, binding = 1) buffer Grads { FF_T grads[]; };
layout(std430, binding = 2) buffer M { FF_T m[]; };
layout(std430, binding = 3) buffer V { FF_T v[]; };

void main()
{
    uint i = ff_global_index();
    if (i >= pc.count) return;
    i += pc.offset;
    FF_T g = grads[i] + pc.weightDecay * params[i];
    FF_T mi = pc.beta1 * m[i] + (1.0 - pc.beta1) * g;
    FF_T vi = pc.beta2 * v[i] + (1.0 - pc.beta2) * g * g;
    m[i] = mi;
    v[i] = vi;
    FF_T mHat = mi * pc.correction1;
    FF_T vHat = vi * pc.correction2;
    params[i] -= pc.learningRate * mHat / (sqrt(vHat) + pc.epsilon);
    if (pc.clearGradients != 0u) grads[i] = FF_T(0.0);
}
