#version 450
// Tiny fully connected network as per-layer kernels over feature-major activations. The workspace keeps each layer's
// pre-activations z ("acts", for the derivatives) and the hidden layers' activations ("post", the next layer's input). Dispatch grid: x = blocks of 64
// samples, y = unit (z = output unit for weight gradients), so the unit, and with it every weight address, is uniform
// per workgroup (scalar loads on CPU drivers like lavapipe, broadcasts on GPUs) while samples run across lanes on
// contiguous activations. Weight gradients: one workgroup per (sample chunk, 8 inputs, 4 output units), summed
// across lanes with subgroup adds (no barriers), one atomic add per subgroup and weight.
//! kernel mlp_forward_layer MLP_FORWARD
//! kernel mlp_output_delta MLP_OUTPUT_DELTA
//! kernel mlp_backward_layer MLP_BACKWARD
//! kernel mlp_weight_gradient MLP_WEIGHT_GRADIENT
#ifdef MLP_WEIGHT_GRADIENT
#extension GL_EXT_shader_atomic_float : require
#extension GL_KHR_shader_subgroup_arithmetic : require
#extension GL_KHR_shader_subgroup_basic : require
#endif
#define FF_WORKGROUP 64
#define GRADIENT_TILE 8
#define GRADIENT_ROWS 4
#define UNIT_TILE 8
layout(local_size_x = FF_WORKGROUP) in;
#include "ff_common.glsl"
#include "mlp_common.glsl"

#ifdef MLP_FORWARD
layout(std430, binding = 0) readonly buffer Weights { float W[]; };
layout(std430, binding = 1) readonly buffer Input { float inputValues[]; };
layout(std430, binding = 2) writeonly buffer Acts { float acts[]; };
layout(std430, binding = 3) buffer Post { float post[]; };
layout(std430, binding = 4) writeonly buffer Output { float outputValues[]; };

// Each invocation computes UNIT_TILE units of one sample, so every activation load feeds UNIT_TILE multiply-adds.
void main()
{
    uint l = pc.layer;
    uint nIn = ff_layer_inputs(l), nOut = ff_layer_outputs(l);
    uint j0 = gl_WorkGroupID.y * UNIT_TILE;
    uint s = gl_WorkGroupID.x * FF_WORKGROUP + gl_LocalInvocationID.x;
    if (s >= pc.count) return;
    uint woff = pc.weightOffset + ff_layer_offset(l);
    float z[UNIT_TILE];
    for (int t = 0; t < UNIT_TILE; t++) z[t] = j0 + uint(t) < nOut ? W[woff + nOut * nIn + j0 + uint(t)] : 0.0;
    uint prev = l == 0u ? 0u : (l - 1u) * pc.width;
    for (uint i = 0u; i < nIn; i++)
    {
        float a = l == 0u ? inputValues[i * pc.count + s] : post[(prev + i) * pc.count + s];
        for (int t = 0; t < UNIT_TILE; t++)
            if (j0 + uint(t) < nOut) z[t] += W[woff + (j0 + uint(t)) * nIn + i] * a;
    }
    for (int t = 0; t < UNIT_TILE; t++)
    {
        uint j = j0 + uint(t);
        if (j >= nOut) break;
        uint row = (l * pc.width + j) * pc.count + s;
        acts[row] = z[t];
        if (l == pc.hiddenLayers) outputValues[j * pc.count + s] = ff_activate(z[t], pc.outputActivation);
        else post[row] = ff_activate(z[t], pc.hiddenActivation);
    }
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

// Propagates layer l's deltas to UNIT_TILE of its inputs: the deltas of layer l-1 (l > 0) or dL/dinput (l == 0).
void main()
{
    uint l = pc.layer;
    uint nIn = ff_layer_inputs(l), nOut = ff_layer_outputs(l);
    uint i0 = gl_WorkGroupID.y * UNIT_TILE;
    uint s = gl_WorkGroupID.x * FF_WORKGROUP + gl_LocalInvocationID.x;
    if (s >= pc.count) return;
    uint woff = pc.weightOffset + ff_layer_offset(l);
    uint dBase = l * pc.width;
    float g[UNIT_TILE];
    for (int t = 0; t < UNIT_TILE; t++) g[t] = 0.0;
    for (uint j = 0u; j < nOut; j++)
    {
        float d = deltas[(dBase + j) * pc.count + s];
        for (int t = 0; t < UNIT_TILE; t++)
            if (i0 + uint(t) < nIn) g[t] += W[woff + j * nIn + i0 + uint(t)] * d;
    }
    for (int t = 0; t < UNIT_TILE; t++)
    {
        uint i = i0 + uint(t);
        if (i >= nIn) break;
        if (l > 0u)
        {
            uint row = ((l - 1u) * pc.width + i) * pc.count + s;
            deltas[row] = g[t] * ff_activate_derivative(acts[row], pc.hiddenActivation);
        }
        else inputGrad[i * pc.count + s] = g[t];
    }
}
#endif

#ifdef MLP_WEIGHT_GRADIENT
layout(std430, binding = 0) readonly buffer Input { float inputValues[]; };
layout(std430, binding = 1) readonly buffer Post { float post[]; };
layout(std430, binding = 2) readonly buffer Deltas { float deltas[]; };
layout(std430, binding = 3) buffer Grads { float grads[]; };

// dW[j][c] = sum_s delta_j(s) a_c(s) for a tile of GRADIENT_ROWS units x GRADIENT_TILE inputs (column nIn = bias, a = 1):
// each sample's GRADIENT_ROWS + GRADIENT_TILE loads feed GRADIENT_ROWS x GRADIENT_TILE multiply-adds.
void main()
{
    uint l = pc.layer;
    uint nIn = ff_layer_inputs(l), nOut = ff_layer_outputs(l);
    uint chunk = gl_WorkGroupID.x;
    uint column0 = gl_WorkGroupID.y * GRADIENT_TILE;
    uint j0 = gl_WorkGroupID.z * GRADIENT_ROWS;
    uint first = chunk * pc.chunk;
    uint last = min(first + pc.chunk, pc.count);
    float acc[GRADIENT_ROWS][GRADIENT_TILE];
    for (int r = 0; r < GRADIENT_ROWS; r++)
        for (int t = 0; t < GRADIENT_TILE; t++) acc[r][t] = 0.0;
    uint prev = l == 0u ? 0u : (l - 1u) * pc.width;
    for (uint s = first + gl_LocalInvocationID.x; s < last; s += FF_WORKGROUP)
    {
        float d[GRADIENT_ROWS];
        for (int r = 0; r < GRADIENT_ROWS; r++)
            d[r] = j0 + uint(r) < nOut ? deltas[(l * pc.width + j0 + uint(r)) * pc.count + s] : 0.0;
        for (int t = 0; t < GRADIENT_TILE; t++)
        {
            uint c = column0 + uint(t);
            float a;
            if (c < nIn) a = l == 0u ? inputValues[c * pc.count + s] : post[(prev + c) * pc.count + s];
            else a = c == nIn ? 1.0 : 0.0;
            for (int r = 0; r < GRADIENT_ROWS; r++) acc[r][t] += d[r] * a;
        }
    }
    uint layerBase = pc.weightOffset + ff_layer_offset(l);
    for (int r = 0; r < GRADIENT_ROWS; r++)
    {
        uint j = j0 + uint(r);
        if (j >= nOut) break;
        for (int t = 0; t < GRADIENT_TILE; t++)
        {
            float sum = subgroupAdd(acc[r][t]);
            uint c = column0 + uint(t);
            if (subgroupElect() && c <= nIn)
                atomicAdd(grads[layerBase + (c < nIn ? j * nIn + c : nOut * nIn + j)], sum);
        }
    }
}
#endif
