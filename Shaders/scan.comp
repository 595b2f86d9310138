#version 450
// Exclusive prefix sum of uint, any length: scan_block scans 1024-element blocks and writes each block's total;
// the host scans the totals recursively and scan_add adds them back. Used by stream compaction (marching cubes).
//! kernel scan_block SCAN_BLOCK
//! kernel scan_add SCAN_ADD
#define FF_WORKGROUP 256
#define PER_THREAD 4
#define BLOCK (FF_WORKGROUP * PER_THREAD)
layout(local_size_x = FF_WORKGROUP) in;
#include "ff_common.glsl"

// Mirrors GpuPrimitives.ScanPush (4 bytes).
layout(push_constant) uniform Push { uint count; } pc;

#ifdef SCAN_BLOCK
layout(std430, binding = 0) readonly buffer In { uint data_in[]; };
layout(std430, binding = 1) writeonly buffer Out { uint data_out[]; };
layout(std430, binding = 2) writeonly buffer Sums { uint block_sums[]; };
shared uint partial[FF_WORKGROUP];

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
    uint exclusive = partial[lid] - total;
    for (int k = 0; k < PER_THREAD; k++)
    {
        uint idx = base + uint(k);
        if (idx < pc.count) data_out[idx] = exclusive + prefix[k];
    }
    if (lid == FF_WORKGROUP - 1) block_sums[block] = partial[lid];
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
