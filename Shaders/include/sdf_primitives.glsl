// Exact signed distances of the analytic primitives in their local frame (Inigo Quilez's formulas).
// Mirrors FieldForge.Morphing.SdfProgram's CPU reference; op codes match SdfOp.
#ifndef SDF_PRIMITIVES_GLSL
#define SDF_PRIMITIVES_GLSL

#define SDF_OP_SPHERE 0u
#define SDF_OP_BOX 1u
#define SDF_OP_ROUNDED_BOX 2u
#define SDF_OP_TORUS 3u
#define SDF_OP_CAPSULE 4u
#define SDF_OP_CYLINDER 5u
#define SDF_OP_UNION 10u
#define SDF_OP_INTERSECTION 11u
#define SDF_OP_DIFFERENCE 12u
#define SDF_OP_SMOOTH_UNION 13u

float sdf_box(vec3 p, vec3 b)
{
    vec3 q = abs(p) - b;
    return length(max(q, 0.0)) + min(max(q.x, max(q.y, q.z)), 0.0);
}

// params: sphere (r), box (hx, hy, hz), rounded box (hx, hy, hz, r), torus (R, r; ring in XZ around Y),
// capsule (half length along Y, r), cylinder (r, half height along Y).
float sdf_primitive(uint op, vec3 p, vec4 a)
{
    if (op == SDF_OP_SPHERE) return length(p) - a.x;
    if (op == SDF_OP_BOX) return sdf_box(p, a.xyz);
    if (op == SDF_OP_ROUNDED_BOX) return sdf_box(p, a.xyz - vec3(a.w)) - a.w;
    if (op == SDF_OP_TORUS) return length(vec2(length(p.xz) - a.x, p.y)) - a.y;
    if (op == SDF_OP_CAPSULE) { p.y -= clamp(p.y, -a.x, a.x); return length(p) - a.y; }
    vec2 d = abs(vec2(length(p.xz), p.y)) - vec2(a.x, a.y);
    return min(max(d.x, d.y), 0.0) + length(max(d, 0.0));
}

#endif
