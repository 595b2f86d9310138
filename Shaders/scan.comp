#version 450
// Exclusive prefix sum of uint, any length: scan_block scans 1024-element blocks and writes each block's total;
// the host scans the totals recursively and scan_add adds them back. Used by stream compaction (marching cubes).
//! kernel scan_block SCAN_BLOCK
//! kernel scan_block_sg SCAN_BLOCK USE_SUBGROUPS
//! kernel scan_add SCAN_ADD
// scan_block_sg is the same contract with subgroup arithmetic: 2 workgroup barriers instead of 16, which matters
// most on CPU drivers (lavapipe switches between SIMD batches at every barrier). The host picks it when the device
// supports subgroup arithmetic in compute.
#define FF_WORKGROUP 256
#define PER_THREAD 4
#define BLOCK (FF_WORKGROUP * PER_THREAD)
layout(local_size_x = FF_WORKGROUP) in;
#include "ff_common.glsl"

// Mirrors GpuPrimitives.ScanPush (4 bytes).
layout(push_constant) uniform Push { uint count; } pc;

#ifdef SCAN_BLOCK
#ifdef USE_SUBGROUPS
#extension GL_KHR_shader_subgroup_basic : require
#extension GL_KHR_shader_subgroup_arithmetic : require
#endif
layout(std430, binding = 0) readonly buffer In { uint data_in[]; };
layout(std430, binding = 1) writeonly buffer Out { uint data_out[]; };
layout(std430, binding = 2) writeonly buffer Sums { uint block_sums[]; };
shared uint partial[FF_WORKGROUP];

// Exclusive prefix of `total` over the workgroup's invocations; also returns the workgroup's sum.
uint workgroup_exclusive(uint total, out uint block_total)
{
    uint lid = gl_LocalInvocationID.x;
#ifdef USE_SUBGROUPS
    uint inclusive = subgroupInclusiveAdd(total);
    if (gl_SubgroupInvocationID == gl_SubgroupSize - 1u) partial[gl_SubgroupID] = inclusive;
    barrier();
    if (gl_SubgroupID == 0u)
    {
        // Scan the per-subgroup totals (there may be more of them than lanes in a subgroup).
        uint running = 0u;
        for (uint base = 0u; base < gl_NumSubgroups; base += gl_SubgroupSize)
        {
            uint idx = base + gl_SubgroupInvocationID;
            uint v = idx < gl_NumSubgroups ? partial[idx] : 0u;
            uint s = subgroupInclusiveAdd(v);
            if (idx < gl_NumSubgroups) partial[idx] = running + s - v;
            running += subgroupAdd(v);
        }
        if (gl_SubgroupInvocationID == 0u) partial[FF_WORKGROUP - 1u] = running;
    }
    barrier();
    block_total = partial[FF_WORKGROUP - 1u];
    return partial[gl_SubgroupID] + inclusive - total;
#else
    partial[lid] = total;
    barrier();
    // Hillis-Steele inclusive scan of the per-thread totals.
    for (uint offset = 1u; offset < FF_WORKGROUP; offset <<= 1)
    {
        uint t = lid >= offset ? partial[lid - offset] : 0u;
        barrier();
        partial[lid] += t;
        barrier();
    }
    block_total = partial[FF_WORKGROUP - 1u];
    return partial[lid] - total;
#endif
}

void main()
{
    uint lid = gl_LocalInvocationID.x;
    uint block = ff_group_index();
    uint base = block * BLOCK + lid * PER_THREAD;
    uint prefix[PER_THREAD];
    uint total = 0u;
    for (int k = 0; k < PER_THREAD; k++)
    {
        uint idx = base + uint(k);
        prefix[k] = total;
        total += idx < pc.count ? data_in[idx] : 0u;
    }
    uint block_total;
    uint exclusive = workgroup_exclusive(total, block_total);
    for (int k = 0; k < PER_THREAD; k++)
    {
        uint idx = base + uint(k);
        if (idx < pc.count) data_out[idx] = exclusive + prefix[k];
    }
    if (lid == 0u) block_sums[block] = block_total;
}
#else
layout(std430, binding = 0) buffer Data { uint data[]; };
layout(std430, binding = 1) readonly buffer Sums { uint block_sums[]; };

void main()
{
    uint block = ff_group_index();
    uint add = block_sums[block];
    for (int k = 0; k < PER_THREAD; k++)
    {
        uint idx = block * BLOCK + uint(k) * FF_WORKGROUP + gl_LocalInvocationID.x;
        if (idx < pc.count) data[idx] += add;
    }
}
#endif
