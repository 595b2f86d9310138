#version 450
// Training batch drawn from a fixed dataset of (input, target) rows: row = random index from (seed, step, sample).
// Dataset rows are interleaved ([row * dims + d]); the batch comes out feature-major ([d * count + s]).
// Mirrors SampledTrainingData.SamplePush (24 bytes).
//! kernel fit_dataset_sample
#define FF_WORKGROUP 256
layout(local_size_x = FF_WORKGROUP) in;
#include "ff_common.glsl"
#include "hash.glsl"

layout(push_constant) uniform Push { uint count; uint rows; uint inputs; uint outputs; uint seed; uint step; } pc;
layout(std430, binding = 0) readonly buffer DataInputs { float dataInputs[]; };
layout(std430, binding = 1) readonly buffer DataTargets { float dataTargets[]; };
layout(std430, binding = 2) writeonly buffer Points { float points[]; };
layout(std430, binding = 3) writeonly buffer Targets { float targets[]; };

void main()
{
    uint s = ff_global_index();
    if (s >= pc.count) return;
    uint row = min(uint(ff_random01(pc.seed, pc.step, s, 0u) * float(pc.rows)), pc.rows - 1u);
    for (uint d = 0u; d < pc.inputs; d++) points[d * pc.count + s] = dataInputs[row * pc.inputs + d];
    for (uint c = 0u; c < pc.outputs; c++) targets[c * pc.count + s] = dataTargets[row * pc.outputs + c];
}
