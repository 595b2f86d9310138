using System.Numerics;
using System.Runtime.InteropServices;

namespace FieldForge.Morphing;

/// <summary>One isosurface vertex as the GPU writes it (32 bytes, mirrors Vertex in Shaders/marching_cubes.comp).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct IsoVertex
{
    public Vector3 Position;
    public Vector3 Normal;
    public uint Color;
    public float Pad;
}
