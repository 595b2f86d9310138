// Constants and bindings of the fully fused MLP kernels (mlp_fused.comp). Mirrors FieldForge.Neural.Mlp:
// FusedLanes invocations per workgroup, each owning FusedK samples, so a workgroup carries FusedTile samples.
#ifndef FF_MLP_FUSED_COMMON_GLSL
#define FF_MLP_FUSED_COMMON_GLSL

#define FUSED_LANES 32
#define FUSED_K 8
#define FUSED_TILE (FUSED_LANES * FUSED_K)
// Inputs the weight gradient holds in registers at a time (a multiple of 4).
#define FUSED_CH 16

#ifdef FUSED_PACK
layout(std430, binding = 0) readonly buffer Weights { float W[]; };
layout(std430, binding = 1) writeonly buffer Packed { float packed[]; };
#endif

// Per-sample buffers are declared as vec4 in the FUSED_VEC4 variants (batch size a multiple of 4: every feature-major row
// starts on a 16-byte boundary, so an invocation's four consecutive samples are one aligned vec4) and as float otherwise.
// On SIMD CPU drivers every storage-buffer access is a loop over the lanes, so one vec4 access instead of four scalar
// ones is most of what the fused kernels cost there; on a GPU the accesses stay coalesced either way.
#ifdef FUSED_VEC4
#define FF_SAMPLE_T vec4
#define FF_SAMPLE_ARRAY(name) name##4[]
#else
#define FF_SAMPLE_T float
#define FF_SAMPLE_ARRAY(name) name[]
#endif

#ifdef FUSED_FORWARD
layout(binding = 0) uniform samplerBuffer packedWeights;
#define P4_AT(i) texelFetch(packedWeights, int(i))
layout(std430, binding = 1) readonly buffer Input { FF_SAMPLE_T FF_SAMPLE_ARRAY(inputValues); };
layout(std430, binding = 2) writeonly buffer Acts { FF_SAMPLE_T FF_SAMPLE_ARRAY(acts); };
layout(std430, binding = 3) buffer Post { FF_SAMPLE_T FF_SAMPLE_ARRAY(post); };
layout(std430, binding = 4) writeonly buffer Output { FF_SAMPLE_T FF_SAMPLE_ARRAY(outputValues); };
#endif

#ifdef FUSED_BACKWARD
layout(binding = 0) uniform samplerBuffer packedWeights;
#define P4_AT(i) texelFetch(packedWeights, int(i))
layout(std430, binding = 1) readonly buffer Input { FF_SAMPLE_T FF_SAMPLE_ARRAY(inputValues); };
layout(std430, binding = 2) readonly buffer Acts { FF_SAMPLE_T FF_SAMPLE_ARRAY(acts); };
layout(std430, binding = 3) readonly buffer Post { FF_SAMPLE_T FF_SAMPLE_ARRAY(post); };
layout(std430, binding = 4) readonly buffer OutputGrad { FF_SAMPLE_T FF_SAMPLE_ARRAY(outputGrad); };
layout(std430, binding = 5) buffer Deltas { FF_SAMPLE_T FF_SAMPLE_ARRAY(deltas); };
layout(std430, binding = 6) writeonly buffer Partials { vec4 partials4[]; };
layout(std430, binding = 7) writeonly buffer InputGrad { FF_SAMPLE_T FF_SAMPLE_ARRAY(inputGrad); };
#endif

#if defined(FUSED_FORWARD) || defined(FUSED_BACKWARD)
#define packedScalar(i) P4_AT((i) >> 2)[(i) & 3u]
#endif

#ifdef FUSED_REDUCE
layout(std430, binding = 0) readonly buffer Partials { float partials[]; };
layout(std430, binding = 1) buffer Grads { float grads[]; };
#endif

#endif
