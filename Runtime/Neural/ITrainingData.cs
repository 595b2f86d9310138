using FieldForge.Gpu;

namespace FieldForge.Neural;

/// <summary>
/// A source of training batches generated on the GPU (so a whole training step stays in one submission):
/// writes <c>count</c> input points and targets, feature-major, deterministically from (seed, step).
/// </summary>
public interface ITrainingData : IDisposable
{
    /// <summary>Dimensions of an input point (in the unit cube).</summary>
    int InputDimensions { get; }
    /// <summary>Target values per point.</summary>
    int OutputDimensions { get; }

    /// <summary>Records the batch for training step <paramref name="step"/>: points[d * count + s], targets[c * count + s].</summary>
    void RecordSample(CommandBatch batch, GpuBuffer<float> points, GpuBuffer<float> targets, int count, uint seed, int step);
}
