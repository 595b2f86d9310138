using System.Numerics;
using System.Runtime.InteropServices;

namespace FieldForge.Morphing;

/// <summary>One blended vertex as the GPU writes it (mirrors Vertex in Shaders/blend_shapes.comp, std430): the vertex
/// layout of <see cref="BlendShapes.VertexBuffer"/> for a renderer's pipeline. Stride 32 bytes: position at offset 0
/// (read it as 3 × float32; the fourth float is 1), normal at 16 (3 × float32, unit length; the fourth float is 0).</summary>
[StructLayout(LayoutKind.Sequential)]
public struct BlendShapeVertex
{
    /// <summary>Byte offset of <see cref="Position"/>.</summary>
    public const int PositionOffset = 0;
    /// <summary>Byte offset of <see cref="Normal"/>.</summary>
    public const int NormalOffset = 16;
    /// <summary>Bytes per vertex.</summary>
    public const int Stride = 32;

    /// <summary>Blended position (xyz, w = 1).</summary>
    public Vector4 Position;
    /// <summary>Blended, renormalised normal (xyz, w = 0).</summary>
    public Vector4 Normal;
}
