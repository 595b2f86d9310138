// Constants and bindings of the fully fused MLP kernels (mlp_fused.comp). Mirrors FieldForge.Neural.Mlp:
// FusedLanes invocations per workgroup, each owning FusedK samples, so a workgroup carries FusedTile samples.
#ifndef FF_MLP_FUSED_COMMON_GLSL
#define FF_MLP_FUSED_COMMON_GLSL

#define FUSED_LANES 32
#define FUSED_K 8
#define FUSED_TILE (FUSED_LANES * FUSED_K)
// Weight-gradient register block: rows (output units) x columns (inputs, bias last) per invocation.
#define FUSED_RB 8
#define FUSED_CB 8

#ifdef FUSED_PACK
layout(std430, binding = 0) readonly buffer Weights { float W[]; };
layout(std430, binding = 1) writeonly buffer Packed { float packed[]; };
#endif

#ifdef FUSED_FORWARD
layout(std430, binding = 0) readonly buffer Packed { vec4 P4[]; };
layout(std430, binding = 1) readonly buffer Input { float inputValues[]; };
layout(std430, binding = 2) writeonly buffer Acts { float acts[]; };
layout(std430, binding = 3) buffer Post { float post[]; };
layout(std430, binding = 4) writeonly buffer Output { float outputValues[]; };
#endif

#ifdef FUSED_BACKWARD
// Inputs, activations and deltas are declared as vec4 so the weight gradient loads four samples at once (feature-major
// rows start on a multiple of four floats when the batch size is); scalar access goes through the macros below.
layout(std430, binding = 0) readonly buffer Packed { vec4 P4[]; };
layout(std430, binding = 1) readonly buffer Input { vec4 inputValues4[]; };
layout(std430, binding = 2) readonly buffer Acts { float acts[]; };
layout(std430, binding = 3) readonly buffer Post { vec4 post4[]; };
layout(std430, binding = 4) readonly buffer OutputGrad { float outputGrad[]; };
layout(std430, binding = 5) buffer Deltas { vec4 deltas4[]; };
#define inputValues(i) inputValues4[(i) >> 2][(i) & 3u]
#define post(i) post4[(i) >> 2][(i) & 3u]
#define deltas(i) deltas4[(i) >> 2][(i) & 3u]
layout(std430, binding = 6) writeonly buffer Partials { float partials[]; };
layout(std430, binding = 7) writeonly buffer InputGrad { float inputGrad[]; };
#endif

#if defined(FUSED_FORWARD) || defined(FUSED_BACKWARD)
#define packedScalar(i) P4[(i) >> 2][(i) & 3u]
#endif

#ifdef FUSED_REDUCE
layout(std430, binding = 0) readonly buffer Partials { float partials[]; };
layout(std430, binding = 1) buffer Grads { float grads[]; };
#endif

#endif
