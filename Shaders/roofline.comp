#version 450
// The device's measured roofline: a streaming copy (bandwidth) and an FMA loop (arithmetic throughput). Benchmarks
// report each kernel's achieved GB/s or GFLOP/s as a fraction of these, so "near the limit" is a number on any device.
//! kernel roofline_copy COPY
//! kernel roofline_copy_texel COPY_TEXEL
//! kernel roofline_fma FMA
#define FF_WORKGROUP 256
layout(local_size_x = FF_WORKGROUP) in;
#include "ff_common.glsl"

// Mirrors DeviceRoofline.Push (8 bytes).
layout(push_constant) uniform Push { uint count; uint iterations; } pc;

#if defined(COPY_TEXEL)
// The same copy reading through a texel view: kernels that read a field through one (the FDTD) are measured against the
// better of the two copies. On a GPU both take the same memory path; on a CPU driver a texel fetch is one SIMD gather,
// while a storage-buffer load is a loop over the lanes, so this copy is the one that shows the memory's rate.
layout(binding = 0) uniform samplerBuffer src;
layout(std430, binding = 1) writeonly buffer Dst { vec4 dst[]; };
void main()
{
    uint i = ff_global_index();
    if (i < pc.count) dst[i] = texelFetch(src, int(i));
}
#elif defined(COPY)
layout(std430, binding = 0) readonly buffer Src { vec4 src[]; };
layout(std430, binding = 1) writeonly buffer Dst { vec4 dst[]; };
void main()
{
    uint i = ff_global_index();
    if (i < pc.count) dst[i] = src[i];
}
#else
// 8 independent vec4 FMA chains per invocation (enough independent work to hide FMA latency on CPUs and GPUs);
// iterations come from a push constant so the compiler cannot fold the loop.
layout(std430, binding = 0) readonly buffer Src { vec4 src[]; };
layout(std430, binding = 1) writeonly buffer Dst { vec4 dst[]; };
void main()
{
    uint i = ff_global_index();
    if (i >= pc.count) return;
    vec4 x0 = src[i], x1 = x0 + 0.1, x2 = x0 + 0.2, x3 = x0 + 0.3, x4 = x0 + 0.4, x5 = x0 + 0.5, x6 = x0 + 0.6, x7 = x0 + 0.7;
    const vec4 a = vec4(0.9999), b = vec4(1e-4);
    for (uint k = 0u; k < pc.iterations; k++)
    {
        x0 = fma(x0, a, b); x1 = fma(x1, a, b); x2 = fma(x2, a, b); x3 = fma(x3, a, b);
        x4 = fma(x4, a, b); x5 = fma(x5, a, b); x6 = fma(x6, a, b); x7 = fma(x7, a, b);
    }
    dst[i] = ((x0 + x1) + (x2 + x3)) + ((x4 + x5) + (x6 + x7));
}
#endif
