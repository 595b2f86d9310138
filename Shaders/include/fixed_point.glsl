// 64-bit fixed-point gradient sums without float atomics (encoding.comp FIXED variants, encoding_fixed.comp): values
// are scaled by 2^FF_FIXED_FRACTION_BITS, so contributions down to 1e-12 survive and sums up to 2^23 fit the signed
// 64-bit value. Mirrors FieldForge.Neural.HashEncoding.FixedFractionBits.
#ifndef FF_FIXED_POINT_GLSL
#define FF_FIXED_POINT_GLSL
#define FF_FIXED_FRACTION_BITS 40
#define FF_FIXED_SCALE 1099511627776.0
#endif
