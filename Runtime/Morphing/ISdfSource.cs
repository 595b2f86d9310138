using System.Numerics;
using FieldForge.Gpu;
using FieldForge.Core;

namespace FieldForge.Morphing;

/// <summary>
/// Something that can be sampled as a signed distance field (negative inside, world units) with a colour: analytic
/// CSG shapes (<see cref="SdfShape"/>), voxelised meshes (<see cref="MeshSdfSource"/>) and learned fields. The GPU path
/// records into a caller's batch; the CPU methods are the reference the tests compare against.
/// </summary>
public interface ISdfSource
{
    /// <summary>A box containing the whole surface (a grid covering it sees the full shape).</summary>
    Bounds Bounds { get; }

    /// <summary>Records evaluation of distance and packed RGBA8 colour at every point of <paramref name="grid"/>
    /// into <paramref name="distance"/> and <paramref name="colour"/> (each at least N^3 long).</summary>
    void Record(CommandBatch batch, SdfGrid grid, GpuBuffer<float> distance, GpuBuffer<uint> colour);

    /// <summary>CPU reference: signed distance at <paramref name="point"/>.</summary>
    float Distance(Vector3 point);

    /// <summary>CPU reference: RGBA colour (0..1) at <paramref name="point"/>.</summary>
    Vector4 Colour(Vector3 point);
}
