#version 450
//! kernel deeponet_combine DEEPONET_COMBINE
// DeepONet output with a POD trunk: field(q) = sum_j w_j * (mean[i_j] + scale * sum_k branch[k] * basis[k][i_j]),
// where each query interpolates up to 8 (time, receiver) entries i_j of the baked receiver grid with weights w_j.
// The branch outputs come from the neural core's MLP (feature-major, one sample, so branch[k] is output k).
#define FF_WORKGROUP 64
layout(local_size_x = FF_WORKGROUP) in;
#include "ff_common.glsl"
#include "deeponet_push.glsl"

struct Query { uint entry[8]; float weight[8]; };
layout(std430, binding = 0) readonly buffer Branch { float branch[]; };
layout(std430, binding = 1) readonly buffer Basis { float basis[]; };
layout(std430, binding = 2) readonly buffer Mean { float mean[]; };
layout(std430, binding = 3) readonly buffer Queries { Query queries[]; };
layout(std430, binding = 4) writeonly buffer Output { float outputs[]; };

void main()
{
    uint q = ff_global_index();
    if (q >= pc.queries) return;
    float result = 0.0;
    for (int j = 0; j < 8; j++)
    {
        float w = queries[q].weight[j];
        if (w == 0.0) continue;
        uint e = queries[q].entry[j];
        float s = 0.0;
        for (uint k = 0u; k < pc.modes; k++) s += branch[k] * basis[k * pc.fieldLength + e];
        result += w * (mean[e] + pc.scale * s);
    }
    outputs[q] = result;
}
