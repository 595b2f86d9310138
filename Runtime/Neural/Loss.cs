using System.Runtime.InteropServices;
using FieldForge.Gpu;

namespace FieldForge.Neural;

/// <summary>
/// Losses on the GPU: per-sample loss values (scaled so their sum is the mean over samples and outputs) and the
/// gradient dL/dprediction, both from feature-major predictions and targets.
/// </summary>
public static class Loss
{
    internal static readonly KernelSpec EvalSpec = new("loss_eval", Buffers: 4, PushConstantBytes: PushBytes);

    internal const int PushBytes = 16;

    [StructLayout(LayoutKind.Sequential)]
    internal record struct LossPush(uint Count, uint Outputs, uint Kind, float Scale);

    /// <summary>
    /// Records: <paramref name="gradients"/> = dL/dprediction and <paramref name="sampleLosses"/>[s] = the sample's share
    /// of the mean loss (sum it, e.g. with <c>gpu.Primitives.Reduce</c>, for the loss value).
    /// </summary>
    public static void Record(CommandBatch batch, LossKind kind, GpuBuffer<float> predictions, GpuBuffer<float> targets,
        GpuBuffer<float> gradients, GpuBuffer<float> sampleLosses, int count, int outputs)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfLessThan(outputs, 1);
        if (!Enum.IsDefined(kind)) throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown loss");
        long n = (long)count * outputs;
        if (predictions.Length < n || targets.Length < n || gradients.Length < n)
            throw new ArgumentException($"predictions, targets and gradients must hold {count} × {outputs} floats");
        if (sampleLosses.Length < count) throw new ArgumentException($"sampleLosses must hold {count} floats, got {sampleLosses.Length}");
        if (count == 0) return;
        var push = new LossPush((uint)count, (uint)outputs, (uint)kind, 1f / n);
        batch.DispatchThreads(batch.Context.GetKernel(EvalSpec), push, count, predictions, targets, gradients, sampleLosses);
    }

    /// <summary>CPU reference: returns the mean loss and writes dL/dprediction.</summary>
    public static float Reference(LossKind kind, ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets, Span<float> gradients)
    {
        float scale = 1f / predictions.Length;
        double total = 0;
        for (int i = 0; i < predictions.Length; i++)
        {
            float y = predictions[i], diff = y - targets[i];
            float value, grad;
            switch (kind)
            {
                case LossKind.RelativeL2: { float denom = 1f / (y * y + 0.01f); value = diff * diff * denom; grad = 2f * diff * denom; break; }
                case LossKind.L1: value = MathF.Abs(diff); grad = MathF.Sign(diff); break;
                default: value = diff * diff; grad = 2f * diff; break;
            }
            total += value;
            gradients[i] = grad * scale;
        }
        return (float)(total * scale);
    }
}
