#version 450
// Tree reductions: each workgroup folds 1024 elements into one partial; the host repeats until one value remains.
// op 0 = sum, 1 = min, 2 = max, 3 = sum of squared differences (a[i]-b[i])^2 (float only; later passes sum).
//! kernel reduce_f32 T_FLOAT
//! kernel reduce_u32 T_UINT
//! kernel reduce_f32_sg T_FLOAT USE_SUBGROUPS
//! kernel reduce_u32_sg T_UINT USE_SUBGROUPS
// The _sg variants fold with subgroup arithmetic first (2 barriers instead of 9); the host picks them when supported.
#define FF_WORKGROUP 256
#define PER_THREAD 4
#define BLOCK (FF_WORKGROUP * PER_THREAD)
layout(local_size_x = FF_WORKGROUP) in;
#include "ff_common.glsl"

#ifdef USE_SUBGROUPS
#extension GL_KHR_shader_subgroup_basic : require
#extension GL_KHR_shader_subgroup_arithmetic : require
#endif
#ifdef T_FLOAT
#define T float
#define T_MAX uintBitsToFloat(0x7f800000u)
#define T_MIN uintBitsToFloat(0xff800000u)
#else
#define T uint
#define T_MAX 0xffffffffu
#define T_MIN 0u
#endif

// Mirrors GpuPrimitives.ReducePush (12 bytes).
layout(push_constant) uniform Push { uint count; uint op; uint hasSecond; } pc;
layout(std430, binding = 0) readonly buffer A { T a[]; };
layout(std430, binding = 1) readonly buffer B { T b[]; };
layout(std430, binding = 2) writeonly buffer Out { T partials[]; };
shared T scratch[FF_WORKGROUP];

T identity() { return pc.op == 1u ? T_MAX : pc.op == 2u ? T_MIN : T(0); }

T combine(T x, T y)
{
    if (pc.op == 1u) return min(x, y);
    if (pc.op == 2u) return max(x, y);
    return x + y;
}

void main()
{
    uint lid = gl_LocalInvocationID.x;
    uint block = ff_group_index();
    T acc = identity();
    for (int k = 0; k < PER_THREAD; k++)
    {
        uint idx = block * BLOCK + uint(k) * FF_WORKGROUP + lid;
        if (idx >= pc.count) continue;
        T v = a[idx];
#ifdef T_FLOAT
        if (pc.hasSecond != 0u) { T d = v - b[idx]; v = d * d; }
#endif
        acc = combine(acc, v);
    }
#ifdef USE_SUBGROUPS
    T folded = pc.op == 1u ? subgroupMin(acc) : pc.op == 2u ? subgroupMax(acc) : subgroupAdd(acc);
    if (subgroupElect()) scratch[gl_SubgroupID] = folded;
    barrier();
    if (gl_SubgroupID == 0u)
    {
        T v = identity();
        for (uint i = gl_SubgroupInvocationID; i < gl_NumSubgroups; i += gl_SubgroupSize) v = combine(v, scratch[i]);
        v = pc.op == 1u ? subgroupMin(v) : pc.op == 2u ? subgroupMax(v) : subgroupAdd(v);
        if (subgroupElect()) partials[block] = v;
    }
#else
    scratch[lid] = acc;
    barrier();
    for (uint stride = FF_WORKGROUP / 2u; stride > 0u; stride >>= 1)
    {
        if (lid < stride) scratch[lid] = combine(scratch[lid], scratch[lid + stride]);
        barrier();
    }
    if (lid == 0u) partials[block] = scratch[0];
#endif
}
