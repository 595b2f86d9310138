#version 450
// Tiny fully connected network as per-layer kernels over feature-major activations: one invocation per
// (unit, sample) with samples fastest, so a subgroup reads contiguous activations and one broadcast weight row
// (what CPU drivers like lavapipe vectorise well, and coalesced on GPUs). Weight gradients: one workgroup per
// (output unit, tile of 8 inputs, sample chunk), reduced in shared memory, one atomic add per weight and chunk.
//! kernel mlp_forward_layer MLP_FORWARD
//! kernel mlp_output_delta MLP_OUTPUT_DELTA
//! kernel mlp_backward_layer MLP_BACKWARD
//! kernel mlp_weight_gradient MLP_WEIGHT_GRADIENT
#ifdef MLP_WEIGHT_GRADIENT
#extension GL_EXT_shader_atomic_float : require
#endif
#define FF_WORKGROUP 64
#define GRADIENT_TILE 8
layout(local_size_x = FF_WORKGROUP) in;
#include "ff_common.glsl"
#include "mlp_common.glsl"

#ifdef MLP_FORWARD
layout(std430, binding = 0) readonly buffer Weights { float W[]; };
layout(std430, binding = 1) readonly buffer Input { float inputValues[]; };
layout(std430, binding = 2) buffer Acts { float acts[]; };
layout(std430, binding = 3) writeonly buffer Output { float outputValues[]; };

void main()
{
    uint gid = ff_global_index();
    uint l = pc.layer;
    uint nIn = ff_layer_inputs(l), nOut = ff_layer_outputs(l);
    if (gid >= nOut * pc.count) return;
    uint j = gid / pc.count, s = gid - j * pc.count;
    uint woff = pc.weightOffset + ff_layer_offset(l);
    float z = W[woff + nOut * nIn + j];
    uint wrow = woff + j * nIn;
    if (l == 0u)
        for (uint i = 0u; i < nIn; i++) z += W[wrow + i] * inputValues[i * pc.count + s];
    else
    {
        uint prev = (l - 1u) * pc.width;
        for (uint i = 0u; i < nIn; i++) z += W[wrow + i] * ff_activate(acts[(prev + i) * pc.count + s], pc.hiddenActivation);
    }
    acts[(l * pc.width + j) * pc.count + s] = z;
    if (l == pc.hiddenLayers) outputValues[j * pc.count + s] = ff_activate(z, pc.outputActivation);
}
#endif

#ifdef MLP_OUTPUT_DELTA
layout(std430, binding = 0) readonly buffer Acts { float acts[]; };
layout(std430, binding = 1) readonly buffer OutputGrad { float outputGrad[]; };
layout(std430, binding = 2) writeonly buffer Deltas { float deltas[]; };

void main()
{
    uint gid = ff_global_index();
    if (gid >= pc.outputs * pc.count) return;
    uint row = pc.hiddenLayers * pc.width * pc.count + gid;
    deltas[row] = outputGrad[gid] * ff_activate_derivative(acts[row], pc.outputActivation);
}
#endif

#ifdef MLP_BACKWARD
layout(std430, binding = 0) readonly buffer Weights { float W[]; };
layout(std430, binding = 1) readonly buffer Acts { float acts[]; };
layout(std430, binding = 2) buffer Deltas { float deltas[]; };
layout(std430, binding = 3) writeonly buffer InputGrad { float inputGrad[]; };

// Propagates layer l's deltas to its inputs: the deltas of layer l-1 (l > 0) or dL/dinput (l == 0).
void main()
{
    uint gid = ff_global_index();
    uint l = pc.layer;
    uint nIn = ff_layer_inputs(l), nOut = ff_layer_outputs(l);
    if (gid >= nIn * pc.count) return;
    uint i = gid / pc.count, s = gid - i * pc.count;
    uint woff = pc.weightOffset + ff_layer_offset(l);
    uint dBase = l * pc.width;
    float g = 0.0;
    for (uint j = 0u; j < nOut; j++) g += W[woff + j * nIn + i] * deltas[(dBase + j) * pc.count + s];
    if (l > 0u)
    {
        uint row = ((l - 1u) * pc.width + i) * pc.count + s;
        deltas[row] = g * ff_activate_derivative(acts[row], pc.hiddenActivation);
    }
    else inputGrad[i * pc.count + s] = g;
}
#endif

#ifdef MLP_WEIGHT_GRADIENT
layout(std430, binding = 0) readonly buffer Input { float inputValues[]; };
layout(std430, binding = 1) readonly buffer Acts { float acts[]; };
layout(std430, binding = 2) readonly buffer Deltas { float deltas[]; };
layout(std430, binding = 3) buffer Grads { float grads[]; };

shared float partial[GRADIENT_TILE][FF_WORKGROUP];

void main()
{
    uint l = pc.layer;
    uint nIn = ff_layer_inputs(l), nOut = ff_layer_outputs(l);
    uint tiles = (nIn + 1u + GRADIENT_TILE - 1u) / GRADIENT_TILE;   // column nIn is the bias (input 1)
    uint group = ff_group_index();
    uint perChunk = nOut * tiles;
    uint chunk = group / perChunk;
    uint rest = group - chunk * perChunk;
    uint j = rest / tiles;
    uint column0 = (rest - j * tiles) * GRADIENT_TILE;
    uint lane = gl_LocalInvocationID.x;
    uint first = chunk * pc.chunk;
    uint last = min(first + pc.chunk, pc.count);
    float acc[GRADIENT_TILE];
    for (int t = 0; t < GRADIENT_TILE; t++) acc[t] = 0.0;
    uint dBase = (l * pc.width + j) * pc.count;
    uint prev = l == 0u ? 0u : (l - 1u) * pc.width;
    for (uint s = first + lane; s < last; s += FF_WORKGROUP)
    {
        float d = deltas[dBase + s];
        for (int t = 0; t < GRADIENT_TILE; t++)
        {
            uint c = column0 + uint(t);
            float a;
            if (c < nIn) a = l == 0u ? inputValues[c * pc.count + s] : ff_activate(acts[(prev + c) * pc.count + s], pc.hiddenActivation);
            else a = c == nIn ? 1.0 : 0.0;
            acc[t] += d * a;
        }
    }
    for (int t = 0; t < GRADIENT_TILE; t++) partial[t][lane] = acc[t];
    barrier();
    for (uint stride = FF_WORKGROUP / 2u; stride > 0u; stride >>= 1)
    {
        if (lane < stride)
            for (int t = 0; t < GRADIENT_TILE; t++) partial[t][lane] += partial[t][lane + stride];
        barrier();
    }
    if (lane < GRADIENT_TILE)
    {
        uint c = column0 + lane;
        if (c <= nIn)
        {
            uint w = c < nIn ? j * nIn + c : nOut * nIn + j;
            atomicAdd(grads[pc.weightOffset + ff_layer_offset(l) + w], partial[lane][0]);
        }
    }
}
#endif
