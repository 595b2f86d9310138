using System.Numerics;
using System.Runtime.InteropServices;

namespace FieldForge.Morphing;

/// <summary>Push constants of sdf_eval (32 bytes): grid origin, voxel size, N, instruction count.</summary>
[StructLayout(LayoutKind.Sequential)]
internal readonly record struct SdfGridPush(Vector3 Min, float VoxelSize, uint Resolution, uint Count, uint Extra0, uint Extra1)
{
    public static SdfGridPush For(SdfGrid grid, uint count) => new(grid.Min, grid.VoxelSize, (uint)grid.Resolution, count, 0, 0);
}
