using System.Runtime.InteropServices;

namespace FieldForge.Neural;

/// <summary>
/// Where one level of a hash encoding lives (mirrors <c>EncodingLevel</c> in Shaders/include/encoding_common.glsl, 32 bytes).
/// </summary>
/// <param name="Offset">First float of the level's table, relative to the encoding's parameter offset.</param>
/// <param name="Size">Entries (each F floats); a power of two when hashed.</param>
/// <param name="Dense">1 when the level is stored densely (index = linearised coordinate), 2 when densely in the
/// simplex lattice's compact layout (<see cref="SimplexHashEncoding.CompactDenseIndex"/>), 0 when hashed.</param>
/// <param name="Side">Lattice vertices per axis of a dense level.</param>
/// <param name="Scale">Lattice cells across the unit cube.</param>
/// <param name="Pad0">Padding to 32 bytes (std430).</param>
/// <param name="Pad1">Padding.</param>
/// <param name="Pad2">Padding.</param>
[StructLayout(LayoutKind.Sequential)]
internal readonly record struct HashEncodingLevel(uint Offset, uint Size, uint Dense, uint Side, float Scale, uint Pad0 = 0, uint Pad1 = 0, uint Pad2 = 0)
{
    /// <summary>True when the level's table is indexed densely rather than hashed.</summary>
    public bool IsDense => Dense != 0;
}
