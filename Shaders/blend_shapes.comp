#version 450
// Blend shapes (morph targets): out = base + sum_k w_k * delta_k per vertex, normals renormalised. The sparse
// deltas are grouped by vertex on the host (CSR: offsets[v] .. offsets[v+1]), so each thread gathers its own
// deltas in a fixed order: deterministic, no atomics.
//! kernel blend_shapes BLEND_SHAPES
#define FF_WORKGROUP 64
layout(local_size_x = FF_WORKGROUP) in;
#include "ff_common.glsl"

// Mirrors BlendShapesPush (16 bytes).
layout(push_constant) uniform Push { uint vertexCount; uint targetCount; uint pad0; uint pad1; } pc;

// Mirrors BlendVertex (32 bytes) and BlendDelta (32 bytes).
struct Vertex { vec4 position; vec4 normal; };
struct Delta { vec3 position; uint target; vec3 normal; float pad; };

layout(std430, binding = 0) readonly buffer Base { Vertex base[]; };
layout(std430, binding = 1) readonly buffer Offsets { uint offsets[]; };
layout(std430, binding = 2) readonly buffer Deltas { Delta deltas[]; };
layout(std430, binding = 3) readonly buffer Weights { float weights[]; };
layout(std430, binding = 4) writeonly buffer Result { Vertex result[]; };

void main()
{
    uint v = ff_global_index();
    if (v >= pc.vertexCount) return;
    vec3 p = base[v].position.xyz;
    vec3 nrm = base[v].normal.xyz;
    for (uint i = offsets[v]; i < offsets[v + 1u]; i++)
    {
        float w = weights[deltas[i].target];
        p += w * deltas[i].position;
        nrm += w * deltas[i].normal;
    }
    float len = length(nrm);
    result[v].position = vec4(p, 1.0);
    result[v].normal = vec4(len > 1e-20 ? nrm / len : base[v].normal.xyz, 0.0);
}
