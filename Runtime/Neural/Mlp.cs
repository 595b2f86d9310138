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
    /// <summary>Copies the weights into the fused kernels' layout (rows padded to whole vec4s).</summary>
    internal static readonly KernelSpec PackWeightsSpec = new("mlp_pack_weights", Buffers: 2, PushConstantBytes: PushBytes);
    /// <summary>Sums the fused backward pass's per-workgroup weight-gradient partials in a fixed order.</summary>
    internal static readonly KernelSpec ReducePartialsSpec = new("mlp_reduce_partials", Buffers: 2, PushConstantBytes: PushBytes);

    /// <summary>Samples one workgroup of the fused kernels carries through the network (mirrors FUSED_TILE in mlp_fused_common.glsl).</summary>
    public const int FusedTile = 256;
    /// <summary>Invocations per workgroup of the fused kernels (mirrors FUSED_LANES); each carries FusedTile / FusedLanes samples.</summary>
    internal const int FusedLanes = 32;
    /// <summary>Hidden widths the fused kernels are compiled for.</summary>
    public static ReadOnlySpan<int> FusedWidths => [16, 32, 64];

    // Tile sizes, mirroring mlp.comp: units per forward/backward invocation, inputs and units per weight-gradient workgroup.
    private const int UnitTile = 8, GradientTile = 8, GradientRows = 4;

    internal const int PushBytes = 48;

    [StructLayout(LayoutKind.Sequential)]
    internal record struct MlpPush(uint Count, uint Inputs, uint Outputs, uint Width, uint HiddenLayers, uint HiddenActivation,
        uint OutputActivation, uint WeightOffset, uint Layer, uint Chunk, uint Reserved, uint Stride);

    /// <summary>Creates a network description from a validated <paramref name="config"/>.</summary>
    public Mlp(MlpConfig config) => Config = (config ?? throw new ArgumentNullException(nameof(config))).Validate();

    /// <summary>The validated configuration.</summary>
    public MlpConfig Config { get; }

    /// <summary>Total weights and biases.</summary>
    public long ParameterCount => Config.ParameterCount;

    /// <summary>Which kernels <see cref="RecordForward"/> and <see cref="RecordBackward"/> record (default: fused when it fits).</summary>
    public MlpExecution Execution { get; set; }

    /// <summary>True when the fully fused kernels cover this configuration (hidden width 16, 32 or 64); wider networks run per layer.</summary>
    public bool SupportsFused => FusedCovers(Config);

    /// <summary>Whether the fully fused kernels are compiled for <paramref name="config"/>'s hidden width.</summary>
    internal static bool FusedCovers(MlpConfig config) => FusedWidths.Contains(config.Width);

    /// <summary>True when the next recorded pass of <paramref name="count"/> samples uses the fused kernels.</summary>
    public bool UsesFused(int count) => Execution switch
    {
        MlpExecution.PerLayer => false,
        MlpExecution.Fused when !SupportsFused => throw new NotSupportedException(
            $"the fused MLP kernels are compiled for hidden widths 16, 32 and 64; {this} does not fit: use MlpExecution.PerLayer or Auto"),
        _ => SupportsFused && (count + FusedTile - 1) / FusedTile <= 65535,
    };

    /// <summary>Floats of the packed weight layout: per layer, rows padded to a multiple of 4, then biases padded likewise.</summary>
    internal long PackedParameterCount => PackedCount(Config);

    /// <inheritdoc cref="PackedParameterCount"/>
    internal static long PackedCount(MlpConfig config)
    {
        long total = 0;
        for (int l = 0; l <= config.HiddenLayers; l++)
            total += (long)config.LayerOutputs(l) * Pad4(config.LayerInputs(l)) + Pad4(config.LayerOutputs(l));
        return total;
        static long Pad4(int n) => (n + 3) & ~3;
    }

    /// <summary>Weight-gradient slices the fused backward pass writes for <paramref name="count"/> samples: one per
    /// subgroup (FusedLanes / subgroup size per workgroup, at least one), each <see cref="PackedParameterCount"/> floats.</summary>
    internal static long FusedGradientSlices(GpuDeviceInfo device, int count) =>
        (long)((count + FusedTile - 1) / FusedTile) * Math.Max(1, FusedLanes / (int)Math.Max(1u, device.SubgroupSize));

    private GpuBuffer<float> RecordPack(CommandBatch batch, GpuBuffer<float> weights, long weightOffset, MlpWorkspace workspace) =>
        RecordPack(batch, weights, weightOffset, workspace.Packed(PackedParameterCount));

    /// <summary>Records the copy of the weights at <paramref name="weightOffset"/> into <paramref name="packed"/> (at least
    /// <see cref="PackedParameterCount"/> floats) in the fused kernels' layout; returns <paramref name="packed"/>.</summary>
    internal GpuBuffer<float> RecordPack(CommandBatch batch, GpuBuffer<float> weights, long weightOffset, GpuBuffer<float> packed)
    {
        CheckLength(packed, PackedParameterCount, nameof(packed));
        batch.DispatchThreads(batch.Context.GetKernel(PackWeightsSpec), Push((int)PackedParameterCount, weightOffset), PackedParameterCount, weights, packed);
        return packed;
    }

    /// <summary>The fused forward and backward kernels of this network's width, both variants (for tests that load every kernel).</summary>
    internal KernelSpec[] FusedSpecs => [FusedSpec(false, 1), FusedSpec(true, 1), FusedSpec(false, 4), FusedSpec(true, 4)];

    // Built once per network: a per-frame inference records without formatting kernel names. A batch size that is a
    // multiple of 4 gets the _v4 variant, which moves four consecutive samples per storage-buffer access.
    private KernelSpec FusedSpec(bool backward, int count)
    {
        bool v4 = count % 4 == 0;
        return _fusedSpecs[(backward ? 2 : 0) + (v4 ? 1 : 0)] ??= new($"mlp_fused_{(backward ? "backward" : "forward")}_w{Config.Width}{(v4 ? "_v4" : "")}",
            Buffers: backward ? 8 : 5, PushConstantBytes: PushBytes, TexelBuffers: 1);
    }

    private readonly KernelSpec?[] _fusedSpecs = new KernelSpec?[4];

    // The fused kernels take ReLU's, sigmoid's and the identity's derivative from the activation act(z) itself, which
    // the forward pass stores anyway; only sine's needs z, stored separately.
    private bool HiddenDerivativeNeedsZ => Config.HiddenActivation == Activation.Sine;

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

    private MlpPush Push(int count, long weightOffset, int layer = 0, int chunk = 0, long stride = 0) =>
        new((uint)count, (uint)Config.Inputs, (uint)Config.Outputs, (uint)Config.Width, (uint)Config.HiddenLayers,
            (uint)Config.HiddenActivation, (uint)Config.OutputActivation, checked((uint)weightOffset), (uint)layer, (uint)chunk,
            Reserved: 0, checked((uint)stride));

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
        bool training = workspace is not null;
        if (workspace is null)
        {
            workspace = new MlpWorkspace(batch.Context, Config, count, training: false);
            batch.DisposeAfterCompletion(workspace);
        }
        if (UsesFused(count))
        {
            // Training (pc.chunk != 0) keeps what the backward pass needs: the activations, the output layer's
            // pre-activations after them, and (pc.chunk = 2) the hidden pre-activations where the activation's
            // derivative cannot be had from its output (sine).
            var groups = new GroupCount((uint)((count + FusedTile - 1) / FusedTile));
            var packed = RecordPack(batch, weights, weightOffset, workspace);
            batch.Dispatch(batch.Context.GetKernel(FusedSpec(backward: false, count)), Push(count, weightOffset, chunk: training ? (HiddenDerivativeNeedsZ ? 2 : 1) : 0), groups,
                packed, input, workspace.PreActivations, workspace.Activations, output);
            return;
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
    /// (default: <see cref="MlpWorkspace.InputGradients"/>). <paramref name="accumulation"/> picks float atomics or the
    /// deterministic per-workgroup partials (fused kernels only). <paramref name="weightGradientOffset"/> places the weight
    /// gradients elsewhere than <paramref name="weightOffset"/> (default: the same offset as the weights).
    /// </summary>
    public void RecordBackward(CommandBatch batch, GpuBuffer<float> weights, GpuBuffer<float> input, GpuBuffer<float> outputGradients,
        GpuBuffer<float> weightGradients, int count, MlpWorkspace workspace, long weightOffset = 0,
        GpuBuffer<float>? inputGradients = null, bool computeInputGradients = true, GradientAccumulation accumulation = GradientAccumulation.Auto,
        long? weightGradientOffset = null)
    {
        long gradientOffset = weightGradientOffset ?? weightOffset;
        ArgumentOutOfRangeException.ThrowIfNegative(gradientOffset, nameof(weightGradientOffset));
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(workspace);
        CheckCount(count, workspace);
        CheckLength(weights, weightOffset + ParameterCount, nameof(weights));
        CheckLength(weightGradients, gradientOffset + ParameterCount, nameof(weightGradients));
        CheckLength(input, (long)count * Config.Inputs, nameof(input));
        CheckLength(outputGradients, (long)count * Config.Outputs, nameof(outputGradients));
        inputGradients ??= workspace.InputGradients;
        CheckLength(inputGradients, (long)count * Config.Inputs, nameof(inputGradients));
        if (count == 0) return;
        var gpu = batch.Context;
        bool atomics = GradientAccumulations.Resolve(gpu, accumulation) == GradientAccumulation.FloatAtomics;
        if (UsesFused(count))
        {
            // Weight gradients: each subgroup sums its samples and stores one slice of partials (packed layout), then
            // a fixed-order sum over the slices. No float atomics and the same bits every run, whatever the
            // accumulation asked for.
            int groups = (count + FusedTile - 1) / FusedTile;
            int slices = (int)FusedGradientSlices(gpu.DeviceInfo, count);
            var push = Push(count, weightOffset, layer: computeInputGradients ? 1 : 0, stride: PackedParameterCount);
            var partials = workspace.Partials(slices * PackedParameterCount);
            var packed = RecordPack(batch, weights, weightOffset, workspace);
            // Binding 2 holds what the hidden derivatives are computed from: z for sine, act(z) otherwise.
            batch.Dispatch(gpu.GetKernel(FusedSpec(backward: true, count)), push, new GroupCount((uint)groups), packed, input,
                HiddenDerivativeNeedsZ ? workspace.PreActivations : workspace.Activations, workspace.Activations, outputGradients, workspace.Deltas,
                partials, inputGradients);
            batch.DispatchThreads(gpu.GetKernel(ReducePartialsSpec), Push((int)ParameterCount, gradientOffset, chunk: slices, stride: PackedParameterCount),
                ParameterCount, partials, weightGradients);
            return;
        }
        if (!atomics)
            throw new NotSupportedException($"the per-layer MLP backward pass sums weight gradients with float atomics; {this} on {gpu.DeviceInfo.Name} " +
                                            "needs them (deterministic or atomic-free training needs a network the fused kernels cover: width 16/32/64, ≤ 64 inputs)");
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
            batch.Dispatch(gradient, Push(count, gradientOffset, l, chunk), new GroupCount((uint)chunks, (uint)columnTiles, (uint)rowTiles),
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
