using System.Runtime.InteropServices;
using FieldForge.Gpu;

namespace FieldForge.Neural;

/// <summary>
/// A tiny fully connected network evaluated and differentiated on the GPU, batched, with all weights in one float
/// buffer (per layer W[out][in] row-major then b[out], layers back to back from a weight offset). The Mlp holds no GPU
/// memory itself: callers pass weights, gradients and feature-major activations (<c>[unit * count + s]</c>), so it
/// can run inside any <see cref="CommandBatch"/> on buffers owned by another feature.
/// </summary>
public sealed class Mlp
{
    internal static readonly KernelSpec ForwardLayerSpec = new("mlp_forward_layer", Buffers: 5, PushConstantBytes: PushBytes);
    internal static readonly KernelSpec OutputDeltaSpec = new("mlp_output_delta", Buffers: 3, PushConstantBytes: PushBytes);
    internal static readonly KernelSpec BackwardLayerSpec = new("mlp_backward_layer", Buffers: 4, PushConstantBytes: PushBytes);
    internal static readonly KernelSpec WeightGradientSpec = new("mlp_weight_gradient", Buffers: 4, PushConstantBytes: PushBytes);

    // Tile sizes, mirroring mlp.comp: units per forward/backward invocation, inputs and units per weight-gradient workgroup.
    private const int UnitTile = 8, GradientTile = 8, GradientRows = 4;

    internal const int PushBytes = 48;

    [StructLayout(LayoutKind.Sequential)]
    internal record struct MlpPush(uint Count, uint Inputs, uint Outputs, uint Width, uint HiddenLayers, uint HiddenActivation,
        uint OutputActivation, uint WeightOffset, uint Layer, uint Chunk, uint Reserved0, uint Pad);

    /// <summary>Creates a network description from a validated <paramref name="config"/>.</summary>
    public Mlp(MlpConfig config) => Config = (config ?? throw new ArgumentNullException(nameof(config))).Validate();

    /// <summary>The validated configuration.</summary>
    public MlpConfig Config { get; }

    /// <summary>Total weights and biases.</summary>
    public long ParameterCount => Config.ParameterCount;

    /// <summary>Deterministic initial weights: He-uniform U(±sqrt(6 / fan_in)) (ReLU/none/sigmoid), SIREN's U(±sqrt(6 / fan_in)) for sine; zero biases.</summary>
    public void InitializeParameters(Span<float> weights)
    {
        if (weights.Length != ParameterCount) throw new ArgumentException($"weights must hold {ParameterCount} floats, got {weights.Length}");
        weights.Clear();
        for (int l = 0; l <= Config.HiddenLayers; l++)
        {
            int nIn = Config.LayerInputs(l), nOut = Config.LayerOutputs(l);
            float range = MathF.Sqrt(6f / nIn);
            SpatialHash.FillUniform(weights.Slice((int)Config.LayerOffset(l), nIn * nOut), range, Config.Seed, stream: (uint)(10 + l));
        }
    }

    private MlpPush Push(int count, long weightOffset, int layer = 0, int chunk = 0) =>
        new((uint)count, (uint)Config.Inputs, (uint)Config.Outputs, (uint)Config.Width, (uint)Config.HiddenLayers,
            (uint)Config.HiddenActivation, (uint)Config.OutputActivation, checked((uint)weightOffset), (uint)layer, (uint)chunk,
            0, 0);

    /// <summary>
    /// Records output[j * count + s] = mlp(input[· * count + s]), one dispatch per layer. The pre-activations go to
    /// <paramref name="workspace"/>, which a later <see cref="RecordBackward"/> needs (training); without one (inference)
    /// a temporary workspace is allocated and released when the batch completes.
    /// </summary>
    public void RecordForward(CommandBatch batch, GpuBuffer<float> weights, GpuBuffer<float> input, GpuBuffer<float> output, int count,
        long weightOffset = 0, MlpWorkspace? workspace = null)
    {
        ArgumentNullException.ThrowIfNull(batch);
        CheckCount(count, workspace);
        CheckLength(weights, weightOffset + ParameterCount, nameof(weights));
        CheckLength(input, (long)count * Config.Inputs, nameof(input));
        CheckLength(output, (long)count * Config.Outputs, nameof(output));
        if (count == 0) return;
        if (workspace is null)
        {
            workspace = new MlpWorkspace(batch.Context, Config, count);
            batch.DisposeAfterCompletion(workspace);
        }
        var kernel = batch.Context.GetKernel(ForwardLayerSpec);
        for (int l = 0; l <= Config.HiddenLayers; l++)
            batch.Dispatch(kernel, Push(count, weightOffset, l), UnitGroups(kernel, count, Config.LayerOutputs(l)), weights, input, workspace.PreActivations, workspace.Activations, output);
    }

    /// <summary>
    /// Records the backward pass of the last training forward on the same <paramref name="workspace"/>: from
    /// dL/doutput (<paramref name="outputGradients"/>, feature-major) it accumulates (adds) dL/dweights into
    /// <paramref name="weightGradients"/> (same layout and offset as the weights) and, when
    /// <paramref name="computeInputGradients"/>, writes dL/dinput into <paramref name="inputGradients"/>
    /// (default: <see cref="MlpWorkspace.InputGradients"/>).
    /// </summary>
    public void RecordBackward(CommandBatch batch, GpuBuffer<float> weights, GpuBuffer<float> input, GpuBuffer<float> outputGradients,
        GpuBuffer<float> weightGradients, int count, MlpWorkspace workspace, long weightOffset = 0,
        GpuBuffer<float>? inputGradients = null, bool computeInputGradients = true)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(workspace);
        CheckCount(count, workspace);
        CheckLength(weights, weightOffset + ParameterCount, nameof(weights));
        CheckLength(weightGradients, weightOffset + ParameterCount, nameof(weightGradients));
        CheckLength(input, (long)count * Config.Inputs, nameof(input));
        CheckLength(outputGradients, (long)count * Config.Outputs, nameof(outputGradients));
        inputGradients ??= workspace.InputGradients;
        CheckLength(inputGradients, (long)count * Config.Inputs, nameof(inputGradients));
        if (count == 0) return;
        if (!batch.Context.DeviceInfo.AtomicFloatAdd)
            throw new NotSupportedException($"the MLP backward pass needs float atomics (VK_EXT_shader_atomic_float), which {batch.Context.DeviceInfo.Name} lacks");
        var gpu = batch.Context;
        batch.DispatchThreads(gpu.GetKernel(OutputDeltaSpec), Push(count, weightOffset), (long)Config.Outputs * count,
            workspace.PreActivations, outputGradients, workspace.Deltas);
        var backward = gpu.GetKernel(BackwardLayerSpec);
        for (int l = Config.HiddenLayers; l >= (computeInputGradients ? 0 : 1); l--)
            batch.Dispatch(backward, Push(count, weightOffset, l), UnitGroups(backward, count, Config.LayerInputs(l)),
                weights, workspace.PreActivations, workspace.Deltas, inputGradients);
        var gradient = gpu.GetKernel(WeightGradientSpec);
        for (int l = 0; l <= Config.HiddenLayers; l++)
        {
            int columnTiles = (Config.LayerInputs(l) + 1 + GradientTile - 1) / GradientTile;
            int rowTiles = (Config.LayerOutputs(l) + GradientRows - 1) / GradientRows;
            long tiles = (long)rowTiles * columnTiles;
            // Enough workgroups to keep every core busy, each summing at least 512 samples.
            long chunks = Math.Clamp(2048 / tiles, 1, Math.Max(1, count / 512));
            int chunk = (int)((count + chunks - 1) / chunks);
            chunks = (count + chunk - 1) / chunk;
            batch.Dispatch(gradient, Push(count, weightOffset, l, chunk), new GroupCount((uint)chunks, (uint)columnTiles, (uint)rowTiles),
                input, workspace.Activations, workspace.Deltas, weightGradients);
        }
    }

    /// <summary>Workgroups for a per-unit kernel: x = blocks of samples, y = tiles of units.</summary>
    private static GroupCount UnitGroups(Kernel kernel, int count, int units) =>
        new((uint)((count + kernel.LocalSize.X - 1) / kernel.LocalSize.X), (uint)((units + UnitTile - 1) / UnitTile));

    // ---- CPU reference ---------------------------------------------------------------------------------------------

    /// <summary>CPU reference forward (feature-major, weights from index 0); fills <paramref name="preActivations"/> when given.</summary>
    public void ForwardReference(ReadOnlySpan<float> weights, ReadOnlySpan<float> input, Span<float> output, int count, Span<float> preActivations = default)
    {
        var a = new float[MlpConfig.MaxWidth];
        var z = new float[MlpConfig.MaxWidth];
        for (int s = 0; s < count; s++)
        {
            for (int i = 0; i < Config.Inputs; i++) a[i] = input[i * count + s];
            int row = 0;
            for (int l = 0; l <= Config.HiddenLayers; l++)
            {
                int nIn = Config.LayerInputs(l), nOut = Config.LayerOutputs(l);
                int w = (int)Config.LayerOffset(l);
                for (int j = 0; j < nOut; j++)
                {
                    float acc = weights[w + nOut * nIn + j];
                    for (int i = 0; i < nIn; i++) acc += weights[w + j * nIn + i] * a[i];
                    z[j] = acc;
                }
                var act = l == Config.HiddenLayers ? Config.OutputActivation : Config.HiddenActivation;
                for (int j = 0; j < nOut; j++)
                {
                    if (!preActivations.IsEmpty) preActivations[(row + j) * count + s] = z[j];
                    a[j] = Activate(z[j], act);
                }
                row += nOut;
            }
            for (int j = 0; j < Config.Outputs; j++) output[j * count + s] = a[j];
        }
    }

    /// <summary>CPU reference backward: accumulates dL/dweights and writes dL/dinput (when non-empty).</summary>
    public void BackwardReference(ReadOnlySpan<float> weights, ReadOnlySpan<float> input, ReadOnlySpan<float> outputGradients,
        Span<float> weightGradients, Span<float> inputGradients, int count)
    {
        int rows = Config.HiddenLayers * Config.Width + Config.Outputs;
        var pre = new float[rows * count];
        var output = new float[Config.Outputs * count];
        ForwardReference(weights, input, output, count, pre);
        var d = new float[MlpConfig.MaxWidth];
        var dn = new float[MlpConfig.MaxWidth];
        for (int s = 0; s < count; s++)
        {
            int outRow = Config.HiddenLayers * Config.Width;
            for (int j = 0; j < Config.Outputs; j++)
                d[j] = outputGradients[j * count + s] * ActivateDerivative(pre[(outRow + j) * count + s], Config.OutputActivation);
            for (int l = Config.HiddenLayers; l >= 0; l--)
            {
                int nIn = Config.LayerInputs(l), nOut = Config.LayerOutputs(l);
                int w = (int)Config.LayerOffset(l);
                for (int j = 0; j < nOut; j++)
                {
                    for (int i = 0; i < nIn; i++)
                    {
                        float ai = l == 0 ? input[i * count + s] : Activate(pre[((l - 1) * Config.Width + i) * count + s], Config.HiddenActivation);
                        weightGradients[w + j * nIn + i] += d[j] * ai;
                    }
                    weightGradients[w + nOut * nIn + j] += d[j];
                }
                for (int i = 0; i < nIn; i++)
                {
                    float g = 0;
                    for (int j = 0; j < nOut; j++) g += weights[w + j * nIn + i] * d[j];
                    if (l > 0) dn[i] = g * ActivateDerivative(pre[((l - 1) * Config.Width + i) * count + s], Config.HiddenActivation);
                    else if (!inputGradients.IsEmpty) inputGradients[i * count + s] = g;
                }
                Array.Copy(dn, d, nIn);
            }
        }
    }

    /// <summary>The activation function as the kernels compute it.</summary>
    public static float Activate(float z, Activation activation) => activation switch
    {
        Activation.ReLU => MathF.Max(z, 0f),
        Activation.Sine => MathF.Sin(z),
        Activation.Sigmoid => 1f / (1f + MathF.Exp(-z)),
        _ => z,
    };

    /// <summary>d activation / dz at pre-activation <paramref name="z"/>.</summary>
    public static float ActivateDerivative(float z, Activation activation)
    {
        switch (activation)
        {
            case Activation.ReLU: return z > 0f ? 1f : 0f;
            case Activation.Sine: return MathF.Cos(z);
            case Activation.Sigmoid: { float y = 1f / (1f + MathF.Exp(-z)); return y * (1f - y); }
            default: return 1f;
        }
    }

    private static void CheckCount(int count, MlpWorkspace? workspace)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (workspace is not null && count > workspace.Capacity)
            throw new ArgumentOutOfRangeException(nameof(count), $"batch of {count} samples exceeds the workspace capacity {workspace.Capacity}");
    }

    private static void CheckLength(GpuBuffer<float> buffer, long needed, string name)
    {
        ArgumentNullException.ThrowIfNull(buffer, name);
        if (buffer.Length < needed) throw new ArgumentException($"{name} buffer '{buffer.Label}' holds {buffer.Length} floats, needs {needed}", name);
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"MLP {Config.Inputs}->{Config.HiddenLayers}x{Config.Width} {Config.HiddenActivation}->{Config.Outputs} {Config.OutputActivation}";
}
