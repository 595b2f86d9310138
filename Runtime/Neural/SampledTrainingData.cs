using System.Runtime.InteropServices;
using FieldForge.Gpu;

namespace FieldForge.Neural;

/// <summary>
/// Training data from a fixed set of (input, target) rows held on the GPU; each step draws a random batch of rows
/// (with replacement). Used for SDF fitting (precomputed distances) and any dataset a feature brings.
/// </summary>
public sealed class SampledTrainingData : ITrainingData
{
    internal static readonly KernelSpec SampleSpec = new("fit_dataset_sample", Buffers: 4, PushConstantBytes: 24);

    [StructLayout(LayoutKind.Sequential)]
    private record struct SamplePush(uint Count, uint Rows, uint Inputs, uint Outputs, uint Seed, uint Step);

    private readonly GpuBuffer<float> _inputs, _targets;

    /// <summary>Uploads <paramref name="inputs"/> (interleaved, <paramref name="inputDimensions"/> per row, in [0,1]) and
    /// <paramref name="targets"/> (interleaved, <paramref name="outputDimensions"/> per row).</summary>
    public SampledTrainingData(GpuContext gpu, ReadOnlySpan<float> inputs, int inputDimensions, ReadOnlySpan<float> targets, int outputDimensions)
    {
        ArgumentNullException.ThrowIfNull(gpu);
        ArgumentOutOfRangeException.ThrowIfLessThan(inputDimensions, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outputDimensions, 1);
        if (inputs.Length == 0 || inputs.Length % inputDimensions != 0)
            throw new ArgumentException($"inputs must hold a positive multiple of {inputDimensions} floats, got {inputs.Length}");
        Rows = inputs.Length / inputDimensions;
        if (targets.Length != (long)Rows * outputDimensions)
            throw new ArgumentException($"targets must hold {Rows} rows × {outputDimensions} = {(long)Rows * outputDimensions} floats, got {targets.Length}");
        for (int i = 0; i < inputs.Length; i++) if (!float.IsFinite(inputs[i])) throw new ArgumentException($"inputs[{i}] is {inputs[i]}; must be finite");
        for (int i = 0; i < targets.Length; i++) if (!float.IsFinite(targets[i])) throw new ArgumentException($"targets[{i}] is {targets[i]}; must be finite");
        InputDimensions = inputDimensions;
        OutputDimensions = outputDimensions;
        _inputs = gpu.CreateBuffer(inputs, BufferLocation.DeviceLocal, "dataset inputs");
        _targets = gpu.CreateBuffer(targets, BufferLocation.DeviceLocal, "dataset targets");
    }

    /// <summary>Rows in the dataset.</summary>
    public int Rows { get; }
    /// <inheritdoc/>
    public int InputDimensions { get; }
    /// <inheritdoc/>
    public int OutputDimensions { get; }

    /// <inheritdoc/>
    public void RecordSample(CommandBatch batch, GpuBuffer<float> points, GpuBuffer<float> targets, int count, uint seed, int step)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (points.Length < (long)InputDimensions * count || targets.Length < (long)OutputDimensions * count)
            throw new ArgumentException($"points/targets buffers too small for a batch of {count}");
        if (count == 0) return;
        var push = new SamplePush((uint)count, (uint)Rows, (uint)InputDimensions, (uint)OutputDimensions, seed, (uint)step);
        batch.DispatchThreads(batch.Context.GetKernel(SampleSpec), push, count, _inputs, _targets, points, targets);
    }

    /// <summary>Frees the sample buffers on the GPU.</summary>
    public void Dispose()
    {
        _inputs.Dispose();
        _targets.Dispose();
    }
}
