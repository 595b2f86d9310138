using System.Runtime.InteropServices;
using FieldForge.Gpu;

namespace FieldForge.Neural;

/// <summary>
/// The Adam optimiser as one GPU kernel over any (parameters, gradients, first moment, second moment) buffer set,
/// or a range of it. Holds no GPU memory: callers own the four buffers (same length and layout). By default the
/// step clears the gradients it consumed, so backward passes can accumulate into them for the next step.
/// </summary>
public sealed class Adam
{
    internal static readonly KernelSpec StepSpec = new("adam_step", Buffers: 4, PushConstantBytes: PushBytes);
    /// <summary>Four elements per invocation (vec4 loads and stores) for the 16-byte-aligned body of a range.</summary>
    internal static readonly KernelSpec Step4Spec = new("adam_step4", Buffers: 4, PushConstantBytes: PushBytes);

    internal const int PushBytes = 40;

    [StructLayout(LayoutKind.Sequential)]
    internal record struct AdamPush(uint Count, uint Offset, float LearningRate, float Beta1, float Beta2, float Epsilon,
        float Correction1, float Correction2, uint Flags, float WeightDecay);

    /// <summary>Creates an optimiser with validated hyper-parameters.</summary>
    public Adam(AdamConfig? config = null) => Config = (config ?? new AdamConfig()).Validate();

    /// <summary>The hyper-parameters.</summary>
    public AdamConfig Config { get; }

    /// <summary>
    /// Records Adam step number <paramref name="step"/> (1-based, for bias correction) over elements
    /// [offset, offset + count) (count -1: to the end of <paramref name="parameters"/>).
    /// <paramref name="learningRate"/> overrides the configured rate (schedules). With <paramref name="skipZeroGradients"/>
    /// an element whose gradient is exactly zero is left as it is, value and moments (instant-ngp's sparse update of
    /// hash-table entries no sample of the step touched; weight decay does not reach them either).
    /// </summary>
    public void RecordStep(CommandBatch batch, GpuBuffer<float> parameters, GpuBuffer<float> gradients, GpuBuffer<float> firstMoment,
        GpuBuffer<float> secondMoment, int step, long offset = 0, long count = -1, bool clearGradients = true, float? learningRate = null,
        bool skipZeroGradients = false)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentOutOfRangeException.ThrowIfLessThan(step, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        if (count < 0) count = parameters.Length - offset;
        foreach (var (b, name) in new[] { (parameters, nameof(parameters)), (gradients, nameof(gradients)), (firstMoment, nameof(firstMoment)), (secondMoment, nameof(secondMoment)) })
        {
            ArgumentNullException.ThrowIfNull(b, name);
            if (b.Length < offset + count) throw new ArgumentException($"{name} buffer '{b.Label}' holds {b.Length} floats, needs {offset + count}", name);
        }
        float lr = learningRate ?? Config.LearningRate;
        if (!float.IsFinite(lr) || lr <= 0) throw new ArgumentOutOfRangeException(nameof(learningRate), $"learning rate must be finite and > 0, got {lr}");
        if (count == 0) return;
        var (c1, c2) = Corrections(step);
        var push = new AdamPush(0, 0, lr, Config.Beta1, Config.Beta2, Config.Epsilon, c1, c2, (clearGradients ? 1u : 0u) | (skipZeroGradients ? 2u : 0u), Config.WeightDecay);
        // The elements from the first multiple of 4 to the last whole group of 4 go four per invocation (vec4); the
        // at most 3 + 3 elements around them one per invocation. Same arithmetic either way.
        long head = Math.Min(count, (4 - offset % 4) % 4);
        long body = (count - head) & ~3L;
        long tail = count - head - body;
        var gpu = batch.Context;
        if (body > 0)
            batch.DispatchThreads(gpu.GetKernel(Step4Spec), push with { Count = checked((uint)(body / 4)), Offset = checked((uint)((offset + head) / 4)) },
                body / 4, parameters, gradients, firstMoment, secondMoment);
        if (head > 0)
            batch.DispatchThreads(gpu.GetKernel(StepSpec), push with { Count = (uint)head, Offset = checked((uint)offset) }, head, parameters, gradients, firstMoment, secondMoment);
        if (tail > 0)
            batch.DispatchThreads(gpu.GetKernel(StepSpec), push with { Count = (uint)tail, Offset = checked((uint)(offset + head + body)) }, tail,
                parameters, gradients, firstMoment, secondMoment);
    }

    private (float, float) Corrections(int step) =>
        ((float)(1.0 / (1.0 - Math.Pow(Config.Beta1, step))), (float)(1.0 / (1.0 - Math.Pow(Config.Beta2, step))));

    /// <summary>CPU reference of one step (same float arithmetic as the kernel, same zero-gradient skipping).</summary>
    public void ReferenceStep(Span<float> parameters, Span<float> gradients, Span<float> firstMoment, Span<float> secondMoment, int step,
        bool clearGradients = true, float? learningRate = null, bool skipZeroGradients = false)
    {
        var (c1, c2) = Corrections(step);
        float lr = learningRate ?? Config.LearningRate;
        for (int i = 0; i < parameters.Length; i++)
        {
            if (skipZeroGradients && gradients[i] == 0f) continue;
            float g = gradients[i] + Config.WeightDecay * parameters[i];
            float m = Config.Beta1 * firstMoment[i] + (1f - Config.Beta1) * g;
            float v = Config.Beta2 * secondMoment[i] + (1f - Config.Beta2) * g * g;
            firstMoment[i] = m;
            secondMoment[i] = v;
            parameters[i] -= lr * (m * c1) / (MathF.Sqrt(v * c2) + Config.Epsilon);
            if (clearGradients) gradients[i] = 0;
        }
    }
}
