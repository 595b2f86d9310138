#version 450
// Word-wise fill and copy: every 4-byte element type (float, int, uint) goes through these.
//! kernel fill_u32 FILL
//! kernel copy_u32 COPY
#define FF_WORKGROUP 256
layout(local_size_x = FF_WORKGROUP) in;
#include "ff_common.glsl"

// Mirrors GpuPrimitives.MemoryPush (16 bytes).
layout(push_constant) uniform Push { uint count; uint value; uint srcOffset; uint dstOffset; } pc;

#ifdef FILL
layout(std430, binding = 0) writeonly buffer Dst { uint dst[]; };
void main()
{
    uint i = ff_global_index();
    if (i < pc.count) dst[pc.dstOffset + i] = pc.value;
}
#else
layout(std430, binding = 0) readonly buffer Src { uint src[]; };
layout(std430, binding = 1) writeonly buffer Dst { uint dst[]; };
void main()
{
    uint i = ff_global_index();
    if (i < pc.count) dst[pc.dstOffset + i] = src[pc.srcOffset + i];
}
#endif
