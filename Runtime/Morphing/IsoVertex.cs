using System.Numerics;
using System.Runtime.InteropServices;

namespace FieldForge.Morphing;

/// <summary>One isosurface vertex as the GPU writes it (mirrors Vertex in Shaders/marching_cubes.comp): the vertex
/// layout of <see cref="IsoSurfacer.VertexBuffer"/> for a renderer's pipeline. Stride 32 bytes: position (3 × float32)
/// at offset 0, normal (3 × float32, unit length) at 12, colour (RGBA8 unorm, R in the low byte) at 24, padding at 28.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct IsoVertex
{
    /// <summary>Byte offset of <see cref="Position"/>.</summary>
    public const int PositionOffset = 0;
    /// <summary>Byte offset of <see cref="Normal"/>.</summary>
    public const int NormalOffset = 12;
    /// <summary>Byte offset of <see cref="Color"/>.</summary>
    public const int ColorOffset = 24;
    /// <summary>Bytes per vertex.</summary>
    public const int Stride = 32;

    /// <summary>World-space position.</summary>
    public Vector3 Position;
    /// <summary>Outward unit normal (the distance field's gradient).</summary>
    public Vector3 Normal;
    /// <summary>Packed RGBA8 colour, R in the low byte (VK_FORMAT_R8G8B8A8_UNORM).</summary>
    public uint Color;
    /// <summary>Padding to 32 bytes.</summary>
    public float Pad;
}
