using System.Numerics;
using System.Runtime.InteropServices;

namespace FieldForge.Morphing;

/// <summary>One postfix instruction (80 bytes, mirrors Instruction in Shaders/sdf.comp). For primitives, rows 0..2 map
/// world points to the local frame (xyz · p + w) and Scale converts local distances back to world units.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct SdfInstruction
{
    public uint Op;
    public uint Color;
    public float K;
    public float Scale;
    public Vector4 Params;
    public Vector4 Row0, Row1, Row2;
}
