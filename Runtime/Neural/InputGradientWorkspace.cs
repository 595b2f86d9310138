using FieldForge.Gpu;

namespace FieldForge.Neural;

/// <summary>
/// Scratch buffers for <see cref="NeuralField.RecordInputGradient"/> on batches of up to <see cref="Capacity"/> points:
/// the encoded features, the MLP's training workspace (its backward pass yields dL/dfeatures), the default output
/// seeds (all ones) and a weight-gradient sink the MLP backward pass writes but nobody reads.
/// </summary>
public sealed class InputGradientWorkspace : IDisposable
{
    /// <summary>Creates the buffers for <paramref name="field"/> and batches of up to <paramref name="capacity"/> points.</summary>
    public InputGradientWorkspace(NeuralField field, int capacity)
    {
        ArgumentNullException.ThrowIfNull(field);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        var gpu = field.Gpu;
        Field = field;
        Capacity = capacity;
        Features = gpu.CreateBuffer<float>((long)capacity * field.Encoding.OutputDimensions, BufferLocation.DeviceLocal, "input gradient features");
        OutputSeeds = gpu.CreateBuffer<float>((long)capacity * field.OutputDimensions, BufferLocation.DeviceLocal, "input gradient output seeds");
        WeightGradientSink = gpu.CreateBuffer<float>(field.Network.ParameterCount, BufferLocation.DeviceLocal, "input gradient weight sink");
        Network = new MlpWorkspace(gpu, field.Network.Config, capacity);
        using var batch = gpu.BeginBatch();
        gpu.Primitives.RecordFill(batch, OutputSeeds, 1f);
        gpu.Primitives.RecordFill(batch, WeightGradientSink, 0f);
        batch.Submit();
    }

    /// <summary>The field these buffers are sized for.</summary>
    public NeuralField Field { get; }
    /// <summary>Largest batch this workspace serves.</summary>
    public int Capacity { get; }
    /// <summary>Encoded features of the last recorded batch, feature-major.</summary>
    internal GpuBuffer<float> Features { get; }
    /// <summary>dL/doutput = 1 for every output of every point (the default seeds).</summary>
    internal GpuBuffer<float> OutputSeeds { get; }
    /// <summary>Where the MLP backward pass accumulates weight gradients that input gradients do not need.</summary>
    internal GpuBuffer<float> WeightGradientSink { get; }
    /// <summary>The MLP's activations and deltas; its <see cref="MlpWorkspace.InputGradients"/> hold dL/dfeatures.</summary>
    internal MlpWorkspace Network { get; }

    /// <summary>Frees the scratch buffers on the GPU.</summary>
    public void Dispose()
    {
        Features.Dispose();
        OutputSeeds.Dispose();
        WeightGradientSink.Dispose();
        Network.Dispose();
    }
}
