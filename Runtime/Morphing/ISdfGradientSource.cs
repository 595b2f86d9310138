using System.Numerics;
using FieldForge.Gpu;

namespace FieldForge.Morphing;

/// <summary>
/// A source that knows its distance gradient exactly (a learned field differentiates through its network and encoding),
/// so a morph can shade the surface with analytic normals instead of finite differences of the sampled grid.
/// </summary>
public interface ISdfGradientSource : ISdfSource
{
    /// <summary>Records the world-space gradient of the distance at every point of <paramref name="grid"/> into
    /// <paramref name="gradient"/>: three planes of N^3 floats (axis a of point i at <c>a * N^3 + i</c>).</summary>
    void RecordGradient(CommandBatch batch, SdfGrid grid, GpuBuffer<float> gradient);

    /// <summary>CPU reference: the distance gradient at <paramref name="point"/> (world units per world unit).</summary>
    Vector3 Gradient(Vector3 point);
}
