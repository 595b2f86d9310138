namespace FieldForge.Morphing;

/// <summary>Instruction codes of the SDF program (mirror SDF_OP_* in Shaders/include/sdf_primitives.glsl).</summary>
internal enum SdfOp : uint
{
    Sphere = 0, Box = 1, RoundedBox = 2, Torus = 3, Capsule = 4, Cylinder = 5,
    Union = 10, Intersection = 11, Difference = 12, SmoothUnion = 13,
}
