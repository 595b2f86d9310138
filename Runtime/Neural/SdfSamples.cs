using FieldForge.Gpu;

namespace FieldForge.Neural;

/// <summary>
/// Signed-distance samples for SDF fitting: points in the unit cube (interleaved x, y, z) and their signed distances in
/// world units of the [-1, 1]^3 box the unit cube maps to (world = 2 × point − 1; negative inside).
/// </summary>
public sealed record SdfSamples(float[] Points, float[] Distances)
{
    /// <summary>Number of samples.</summary>
    public int Count => Distances.Length;

    /// <summary>Uploads the samples as GPU training data (3-D inputs, one output).</summary>
    public SampledTrainingData ToTrainingData(GpuContext gpu) => new(gpu, Points, 3, Distances, 1);
}
