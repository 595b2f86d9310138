#version 450
// Converts the encoding's 64-bit fixed-point gradient sums (low and high words, see encoding.comp FIXED) back to float,
// adds them to the float gradient buffer and clears the sums for the next step. One invocation per parameter.
//! kernel encoding_fixed_resolve
#define FF_WORKGROUP 256
layout(local_size_x = FF_WORKGROUP) in;
#include "ff_common.glsl"
#include "fixed_point.glsl"

layout(push_constant) uniform Push { uint count; uint offset; uint pad0; uint pad1; } pc;
layout(std430, binding = 0) buffer FixedLow { uint fixedLow[]; };
layout(std430, binding = 1) buffer FixedHigh { uint fixedHigh[]; };
layout(std430, binding = 2) buffer Grads { float grads[]; };

void main()
{
    uint i = ff_global_index();
    if (i >= pc.count) return;
    uint lo = fixedLow[i];
    uint hi = fixedHigh[i];
    if (lo == 0u && hi == 0u) return;
    // value = (hi * 2^32 + lo) in units of 2^-FF_FIXED_FRACTION_BITS, two's complement: convert the magnitude so small
    // negative sums keep their precision.
    bool negative = (hi & 0x80000000u) != 0u;
    if (negative) { lo = ~lo + 1u; hi = ~hi + (lo == 0u ? 1u : 0u); }
    float magnitude = float(hi) * (4294967296.0 / FF_FIXED_SCALE) + float(lo) * (1.0 / FF_FIXED_SCALE);
    grads[pc.offset + i] += negative ? -magnitude : magnitude;
    fixedLow[i] = 0u;
    fixedHigh[i] = 0u;
}
