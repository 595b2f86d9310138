using System.Numerics;
using System.Runtime.InteropServices;

namespace FieldForge.Morphing;

/// <summary>Push constants of the marching kernels (32 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
internal readonly record struct IsoSurfacePush(Vector3 Min, float VoxelSize, uint Resolution, float Iso, uint VertexCapacity, uint TriangleCapacity);
