#version 450
// Adam over any range of a parameter buffer, with bias correction factors computed on the host.
// Mirrors FieldForge.Neural.Adam.AdamPush (40 bytes) and Adam.ReferenceStep.
// flags bit 0: clear the consumed gradients. Bit 1: skip every element whose gradient is exactly zero (its value and
// moments stay as they are) - instant-ngp's sparse update for hash tables, where a step touches only the entries
// around its batch's points. A skipped element costs one gradient read instead of four reads and four writes: that
// is the whole saving on a GPU (bandwidth) and on a CPU driver (each masked-off lane skips its loads and stores).
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
    uint flags;          // bit 0: clear gradients, bit 1: skip zero gradients
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
    FF_T gradient = grads[i];
    bool sparse = (pc.flags & 2u) != 0u;
#ifdef VEC4
    bvec4 untouched = equal(gradient, vec4(0.0));
    if (sparse && all(untouched)) return;
#else
    bool untouched = gradient == 0.0;
    if (sparse && untouched) return;
#endif
    FF_T p = params[i], m0 = m[i], v0 = v[i];
    FF_T g = gradient + pc.weightDecay * p;
    FF_T mi = pc.beta1 * m0 + (1.0 - pc.beta1) * g;
    FF_T vi = pc.beta2 * v0 + (1.0 - pc.beta2) * g * g;
    FF_T mHat = mi * pc.correction1;
    FF_T vHat = vi * pc.correction2;
    FF_T updated = p - pc.learningRate * mHat / (sqrt(vHat) + pc.epsilon);
#ifdef VEC4
    // A group of four with some untouched elements: those keep their value and moments (mix with a bvec selects).
    if (sparse)
    {
        mi = mix(mi, m0, untouched);
        vi = mix(vi, v0, untouched);
        updated = mix(updated, p, untouched);
    }
#endif
    m[i] = mi;
    v[i] = vi;
    params[i] = updated;
    if ((pc.flags & 1u) != 0u) grads[i] = FF_T(0.0);
}
