using FieldForge.Gpu;

namespace FieldForge.Neural;

/// <summary>
/// An input encoding with trainable parameters, evaluated on the GPU (tiny-cuda-nn style: encodings are swapped without
/// touching the network or trainer). Batches are feature-major: component c of sample s at <c>[c * count + s]</c>.
/// Parameters live in a caller-owned float buffer starting at a parameter offset; gradients use the same layout.
/// </summary>
public interface IEncoding : IDisposable
{
    /// <summary>Input dimensions n of a point (points are expected in the unit cube [0,1]^n; outside values are clamped).</summary>
    int InputDimensions { get; }

    /// <summary>Encoded features per sample.</summary>
    int OutputDimensions { get; }

    /// <summary>Trainable floats the encoding needs in the parameter buffer.</summary>
    long ParameterCount { get; }

    /// <summary>Writes the deterministic initial parameters (length <see cref="ParameterCount"/>).</summary>
    void InitializeParameters(Span<float> parameters);

    /// <summary>Records: features[c * count + s] = encode(points[d * count + s]) using the parameters at <paramref name="parameterOffset"/>.</summary>
    void RecordForward(CommandBatch batch, GpuBuffer<float> points, GpuBuffer<float> parameters, GpuBuffer<float> features, int count, long parameterOffset = 0);

    /// <summary>
    /// Records: accumulates (adds) dL/dparameters into <paramref name="parameterGradients"/> from dL/dfeatures, summing
    /// contributions as <paramref name="accumulation"/> says (float atomics, or the deterministic path without them).
    /// </summary>
    void RecordBackward(CommandBatch batch, GpuBuffer<float> points, GpuBuffer<float> featureGradients, GpuBuffer<float> parameterGradients, int count,
        long parameterOffset = 0, GradientAccumulation accumulation = GradientAccumulation.Auto);

    /// <summary>CPU reference of <see cref="RecordForward"/> (same layouts, parameters start at index 0).</summary>
    void ForwardReference(ReadOnlySpan<float> points, ReadOnlySpan<float> parameters, Span<float> features, int count);

    /// <summary>CPU reference of <see cref="RecordBackward"/> (accumulates into <paramref name="parameterGradients"/>).</summary>
    void BackwardReference(ReadOnlySpan<float> points, ReadOnlySpan<float> featureGradients, Span<float> parameterGradients, int count);
}
