#version 450
// Evaluates an analytic CSG tree, encoded as a postfix program (SdfProgram), at every point of an N^3 grid:
// primitives push (distance, colour); CSG operators pop two and push one.
//! kernel sdf_eval SDF_EVAL
//! kernel sdf_unit_points SDF_UNIT_POINTS
//! kernel sdf_neural_store SDF_NEURAL_STORE
//! kernel sdf_neural_store_gradient SDF_NEURAL_STORE_GRADIENT
#define FF_WORKGROUP 64
#define SDF_STACK 16
layout(local_size_x = FF_WORKGROUP) in;
#include "ff_common.glsl"
#include "sdf_grid.glsl"
#include "sdf_primitives.glsl"

#ifdef SDF_EVAL
// Mirrors SdfInstruction (80 bytes).
struct Instruction { uint op; uint colour; float k; float scale; vec4 params; vec4 row0; vec4 row1; vec4 row2; };

// Mirrors SdfGridPush (32 bytes).
layout(push_constant) uniform Push { vec3 gridMin; float voxel; uint n; uint count; uint extra0; uint extra1; } pc;

layout(std430, binding = 0) readonly buffer Program { Instruction program[]; };
layout(std430, binding = 1) writeonly buffer Distance { float distance_out[]; };
layout(std430, binding = 2) writeonly buffer Colour { uint colour_out[]; };

void main()
{
    uint index = ff_global_index();
    uint total = pc.n * pc.n * pc.n;
    if (index >= total) return;
    vec3 p = sdf_grid_point(sdf_grid_coord(index, pc.n), pc.gridMin, pc.voxel);
    float ds[SDF_STACK];
    vec4 cs[SDF_STACK];
    int top = -1;
    for (uint i = 0u; i < pc.count; i++)
    {
        Instruction ins = program[i];
        if (ins.op < SDF_OP_UNION)
        {
            vec3 local = vec3(dot(ins.row0.xyz, p) + ins.row0.w, dot(ins.row1.xyz, p) + ins.row1.w, dot(ins.row2.xyz, p) + ins.row2.w);
            top++;
            ds[top] = sdf_primitive(ins.op, local, ins.params) * ins.scale;
            cs[top] = unpackUnorm4x8(ins.colour);
            continue;
        }
        float b = ds[top]; vec4 cb = cs[top]; top--;
        float a = ds[top]; vec4 ca = cs[top];
        if (ins.op == SDF_OP_UNION) { if (b < a) { ds[top] = b; cs[top] = cb; } }
        else if (ins.op == SDF_OP_INTERSECTION) { if (b > a) { ds[top] = b; cs[top] = cb; } }
        else if (ins.op == SDF_OP_DIFFERENCE) { if (-b > a) { ds[top] = -b; cs[top] = cb; } }
        else
        {
            float h = clamp(0.5 + 0.5 * (b - a) / ins.k, 0.0, 1.0);
            ds[top] = mix(b, a, h) - ins.k * h * (1.0 - h);
            cs[top] = mix(cb, ca, h);
        }
    }
    distance_out[index] = ds[0];
    colour_out[index] = packUnorm4x8(cs[0]);
}
#endif

#if defined(SDF_UNIT_POINTS) || defined(SDF_NEURAL_STORE) || defined(SDF_NEURAL_STORE_GRADIENT)
// NeuralSdfSource: grid points [offset, offset + count) mapped into the field's unit cube (feature-major, as the neural
// core expects), and the field's outputs scaled into world distances. Mirrors NeuralGridPush (64 bytes).
layout(push_constant) uniform Push { vec3 gridMin; float voxel; uint n; uint count; uint offset; float scale; vec4 domainMin; vec4 domainInvSize; } pc;
#endif

#ifdef SDF_UNIT_POINTS
layout(std430, binding = 0) writeonly buffer Points { float points[]; };
void main()
{
    uint s = ff_global_index();
    if (s >= pc.count) return;
    vec3 p = sdf_grid_point(sdf_grid_coord(pc.offset + s, pc.n), pc.gridMin, pc.voxel);
    vec3 u = (p - pc.domainMin.xyz) * pc.domainInvSize.xyz;
    points[s] = u.x;
    points[pc.count + s] = u.y;
    points[2u * pc.count + s] = u.z;
}
#endif

#ifdef SDF_NEURAL_STORE
layout(std430, binding = 0) readonly buffer Outputs { float outputs[]; };
layout(std430, binding = 1) writeonly buffer Distance { float distance_out[]; };
void main()
{
    uint s = ff_global_index();
    if (s >= pc.count) return;
    distance_out[pc.offset + s] = outputs[s] * pc.scale;
}
#endif

#ifdef SDF_NEURAL_STORE_GRADIENT
// The field's input gradient (unit-cube units, feature-major) as the world-space distance gradient: d(scale * f) / dp
// = scale * df/du / domain size per axis, stored as three planes (axis a of point i at a * N^3 + i).
layout(std430, binding = 0) readonly buffer UnitGradient { float unitGradient[]; };
layout(std430, binding = 1) writeonly buffer Gradient { float gradient_out[]; };
void main()
{
    uint s = ff_global_index();
    if (s >= pc.count) return;
    uint total = pc.n * pc.n * pc.n;
    for (uint a = 0u; a < 3u; a++)
        gradient_out[a * total + pc.offset + s] = unitGradient[a * pc.count + s] * pc.scale * pc.domainInvSize[a];
}
#endif
