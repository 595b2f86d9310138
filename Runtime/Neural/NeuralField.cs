using FieldForge.Core;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using FieldForge.Gpu;

namespace FieldForge.Neural;

/// <summary>
/// A learned field: a hash encoding followed by an MLP, with all trainable parameters in one GPU buffer
/// (<see cref="Parameters"/>: encoding tables from offset 0, MLP weights from <see cref="NetworkOffset"/>).
/// Evaluate it at arbitrary points or on a grid; train it with a <see cref="Trainer"/>; save and load it as a
/// versioned, checksummed .ffnf file.
/// </summary>
public sealed class NeuralField : IDisposable
{
    /// <summary>File magic "FFNF".</summary>
    public const uint Magic = 0x464E4646;
    /// <summary>Current file-format version: 3 adds the hash configuration's
    /// <see cref="HashEncodingConfig.MatchGridVertexDensity"/> word.</summary>
    public const int FormatVersion = 3;

    /// <summary>Oldest file-format version <see cref="Load"/> still reads: version 2, whose simplex fields were trained
    /// with the unscaled lattice and load with <see cref="HashEncodingConfig.MatchGridVertexDensity"/> off.</summary>
    public const int OldestReadableVersion = 2;

    private const int EvaluateChunk = 1 << 16;

    private NeuralField(GpuContext gpu, NeuralFieldConfig config, ReadOnlySpan<float> parameters)
    {
        Gpu = gpu;
        Config = config;
        Encoding = HashEncoding.Create(gpu, config.Encoding, config.Hash);
        Network = new Mlp(config.Network);
        NetworkOffset = Encoding.ParameterCount;
        ParameterCount = NetworkOffset + Network.ParameterCount;
        if (ParameterCount * sizeof(float) > (long)gpu.DeviceInfo.MaxStorageBufferBytes)
        {
            Encoding.Dispose();
            throw new ArgumentException($"the field needs {ParameterCount * 4L >> 20} MiB of parameters, more than the device's {gpu.DeviceInfo.MaxStorageBufferBytes >> 20} MiB per buffer; lower Log2TableSize ({config.Hash.Log2TableSize})");
        }
        if (parameters.IsEmpty)
        {
            var init = new float[ParameterCount];
            Encoding.InitializeParameters(init.AsSpan(0, (int)NetworkOffset));
            Network.InitializeParameters(init.AsSpan((int)NetworkOffset));
            Parameters = gpu.CreateBuffer<float>(init, BufferLocation.DeviceLocal, "neural field parameters");
        }
        else Parameters = gpu.CreateBuffer(parameters, BufferLocation.DeviceLocal, "neural field parameters");
    }

    /// <summary>Creates a field with deterministic initial parameters.</summary>
    public static NeuralField Create(GpuContext gpu, NeuralFieldConfig config)
    {
        ArgumentNullException.ThrowIfNull(gpu);
        ArgumentNullException.ThrowIfNull(config);
        return new NeuralField(gpu, config.Validate(), default);
    }

    /// <summary>The context the parameters live on.</summary>
    public GpuContext Gpu { get; }
    /// <summary>The validated configuration.</summary>
    public NeuralFieldConfig Config { get; }
    /// <summary>The input encoding (tables at offset 0 of <see cref="Parameters"/>).</summary>
    public HashEncoding Encoding { get; }
    /// <summary>The network (weights at <see cref="NetworkOffset"/> of <see cref="Parameters"/>).</summary>
    public Mlp Network { get; }
    /// <summary>All trainable floats: encoding tables then MLP weights.</summary>
    public GpuBuffer<float> Parameters { get; }
    /// <summary>First float of the MLP weights in <see cref="Parameters"/>.</summary>
    public long NetworkOffset { get; }
    /// <summary>Length of <see cref="Parameters"/>.</summary>
    public long ParameterCount { get; }
    /// <summary>Input dimensions (points in the unit cube [0,1]^n).</summary>
    public int InputDimensions => Config.Hash.Dimensions;
    /// <summary>Outputs per point.</summary>
    public int OutputDimensions => Config.Network.Outputs;

    /// <summary>Points one workgroup of the fused encoding + MLP inference kernel carries (mirrors FIELD_TILE in
    /// Shaders/encoding_mlp_fused.comp).</summary>
    public const int FusedTile = 128;

    /// <summary>Mirrors the push constants of encoding_mlp_fused.comp (48 bytes): the MLP's fields, then the encoding's.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal readonly record struct FusedPush(uint Count, uint Inputs, uint Outputs, uint Width, uint HiddenLayers, uint HiddenActivation,
        uint OutputActivation, uint WeightOffset, uint Levels, uint Features, uint ParamOffset, uint Pad = 0);

    /// <summary>The fused encoding + MLP inference kernel of this field's lattice, dimensions and width.</summary>
    internal KernelSpec FusedEvaluateSpec => _fusedEvaluateSpec ??= new(
        $"field_fused_{(Config.Encoding == EncodingKind.Grid ? "grid" : "simplex")}_{InputDimensions}d_w{Network.Config.Width}", Buffers: 5, PushConstantBytes: 48,
        TexelBuffers: 1u << 3);

    private KernelSpec? _fusedEvaluateSpec;
    private GpuBuffer<float>? _packedWeights;
    private readonly object _packedLock = new();

    /// <summary>
    /// True when <see cref="RecordEvaluate"/> of <paramref name="count"/> points runs the fused encoding + MLP kernel (one
    /// dispatch from points to outputs, no feature or activation buffers): the network runs fused
    /// (<see cref="Mlp.UsesFused"/>: not <see cref="MlpExecution.PerLayer"/>, width 16/32/64) and the device has the
    /// shared memory for a tile of hidden activations (width × <see cref="FusedTile"/> floats).
    /// </summary>
    public bool UsesFusedEvaluate(int count) =>
        Network.UsesFused(count) && (count + FusedTile - 1) / FusedTile <= 65535 &&
        (long)Network.Config.Width * FusedTile * sizeof(float) <= Gpu.DeviceInfo.MaxComputeSharedMemoryBytes;

    /// <summary>
    /// Records inference on feature-major buffers: outputs[c * count + s] = field(points[d * count + s]).
    /// <paramref name="features"/> is scratch of at least count × encoding outputs floats for the unfused path (encoding
    /// kernel, then the MLP); the fused path (<see cref="UsesFusedEvaluate"/>) computes the features on the fly and
    /// leaves it untouched.
    /// </summary>
    /// <remarks>With a <paramref name="workspace"/> (capacity ≥ <paramref name="count"/>) the MLP's scratch buffers are
    /// reused instead of temporaries: an inference recorded every frame then creates and frees no GPU memory.</remarks>
    public void RecordEvaluate(CommandBatch batch, GpuBuffer<float> points, GpuBuffer<float> features, GpuBuffer<float> outputs, int count, MlpWorkspace? workspace = null)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (!UsesFusedEvaluate(count))
        {
            Encoding.RecordForward(batch, points, Parameters, features, count);
            Network.RecordForward(batch, Parameters, features, outputs, count, NetworkOffset, workspace);
            return;
        }
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(outputs);
        if (points.Length < (long)count * InputDimensions) throw new ArgumentException($"points buffer '{points.Label}' holds {points.Length} floats, needs {(long)count * InputDimensions}", nameof(points));
        if (outputs.Length < (long)count * OutputDimensions) throw new ArgumentException($"outputs buffer '{outputs.Label}' holds {outputs.Length} floats, needs {(long)count * OutputDimensions}", nameof(outputs));
        if (workspace is not null && count > workspace.Capacity)
            throw new ArgumentOutOfRangeException(nameof(count), $"batch of {count} points exceeds the workspace capacity {workspace.Capacity}");
        if (count == 0) return;
        var packed = Network.RecordPack(batch, Parameters, NetworkOffset, workspace?.Packed(Network.PackedParameterCount) ?? PackedWeights());
        var net = Network.Config;
        var hash = Config.Hash;
        var push = new FusedPush((uint)count, (uint)net.Inputs, (uint)net.Outputs, (uint)net.Width, (uint)net.HiddenLayers, (uint)net.HiddenActivation,
            (uint)net.OutputActivation, 0, (uint)hash.Levels, (uint)hash.FeaturesPerLevel, 0);
        batch.Dispatch(batch.Context.GetKernel(FusedEvaluateSpec), push, new GroupCount((uint)((count + FusedTile - 1) / FusedTile)),
            points, Encoding.LevelBuffer, Parameters, packed, outputs);
    }

    // The field's own packed copy of the weights for fused inference without a workspace (tiny; rewritten by every
    // evaluation's pack dispatch, so it always reflects the parameters at that point of the batch).
    private GpuBuffer<float> PackedWeights()
    {
        lock (_packedLock)
            return _packedWeights ??= Gpu.CreateBuffer<float>(Network.PackedParameterCount, BufferLocation.DeviceLocal, "neural field packed weights",
                GpuBufferUsage.TexelBuffer);
    }

    /// <summary>CPU reference of <see cref="RecordEvaluate"/>: the encoding's then the MLP's reference forward pass on
    /// <paramref name="parameters"/> (as <see cref="DownloadParameters"/> returns them), feature-major points and outputs.</summary>
    public void EvaluateReference(ReadOnlySpan<float> parameters, ReadOnlySpan<float> points, Span<float> outputs, int count)
    {
        if (parameters.Length != ParameterCount) throw new ArgumentException($"parameters must hold {ParameterCount} floats, got {parameters.Length}");
        var features = new float[(long)count * Encoding.OutputDimensions];
        Encoding.ForwardReference(points, parameters[..(int)NetworkOffset], features, count);
        Network.ForwardReference(parameters[(int)NetworkOffset..], features, outputs, count);
    }

    /// <summary>
    /// Records the field's values and their derivative with respect to the input point, on the GPU: the forward pass,
    /// the MLP's backward pass seeded with dL/doutput (<paramref name="outputGradients"/>, feature-major; null: all
    /// ones, so a one-output field gets its plain gradient) and the encoding's input gradient (the lattice weights'
    /// derivative per level, contracted with dL/dfeatures). Writes <paramref name="outputs"/>[c * count + s] and
    /// <paramref name="inputGradients"/>[d * count + s] = Σ_c seed_c × d output_c / d point_d (unit-cube coordinates).
    /// </summary>
    public void RecordInputGradient(CommandBatch batch, GpuBuffer<float> points, GpuBuffer<float> outputs, GpuBuffer<float> inputGradients, int count,
        InputGradientWorkspace workspace, GpuBuffer<float>? outputGradients = null)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(workspace);
        if (workspace.Field != this) throw new ArgumentException("the workspace was created for another field", nameof(workspace));
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count > workspace.Capacity) throw new ArgumentOutOfRangeException(nameof(count), $"batch of {count} points exceeds the workspace capacity {workspace.Capacity}");
        Encoding.RecordForward(batch, points, Parameters, workspace.Features, count);
        Network.RecordForward(batch, Parameters, workspace.Features, outputs, count, NetworkOffset, workspace.Network);
        // The backward pass also sums weight gradients; they go to a sink: only dL/dfeatures is wanted here.
        Network.RecordBackward(batch, Parameters, workspace.Features, outputGradients ?? workspace.OutputSeeds, workspace.WeightGradientSink, count,
            workspace.Network, NetworkOffset, weightGradientOffset: 0);
        Encoding.RecordInputGradient(batch, points, Parameters, workspace.Network.InputGradients, inputGradients, count);
    }

    /// <summary>
    /// Evaluates the field and its input gradient at <paramref name="points"/> (interleaved, n floats per point in
    /// [0,1]^n): values interleaved (OutputDimensions per point) and gradients interleaved (n per point, of the sum of
    /// the outputs: the gradient itself for a one-output field such as an SDF). Chunks of 65536 points, one submission each.
    /// </summary>
    public (float[] Values, float[] Gradients) EvaluateWithGradient(ReadOnlySpan<float> points)
    {
        int n = InputDimensions, m = OutputDimensions;
        int total = CheckedPointCount(points);
        var values = new float[(long)total * m];
        var gradients = new float[(long)total * n];
        if (total == 0) return (values, gradients);
        int chunk = Math.Min(total, EvaluateChunk);
        using var workspace = new InputGradientWorkspace(this, chunk);
        using var pointBuffer = Gpu.CreateBuffer<float>((long)chunk * n, BufferLocation.HostVisible, "gradient points");
        using var outputBuffer = Gpu.CreateBuffer<float>((long)chunk * m, BufferLocation.HostVisible, "gradient outputs");
        using var gradientBuffer = Gpu.CreateBuffer<float>((long)chunk * n, BufferLocation.HostVisible, "gradient values");
        var soa = new float[(long)chunk * Math.Max(n, m)];
        for (int start = 0; start < total; start += chunk)
        {
            int count = Math.Min(chunk, total - start);
            ToFeatureMajor(points, start, count, n, soa);
            pointBuffer.Upload(soa.AsSpan(0, count * n));
            using (var batch = Gpu.BeginBatch())
            {
                RecordInputGradient(batch, pointBuffer, outputBuffer, gradientBuffer, count, workspace);
                batch.Submit();
            }
            outputBuffer.Download(soa.AsSpan(0, count * m));
            FromFeatureMajor(soa, start, count, m, values);
            gradientBuffer.Download(soa.AsSpan(0, count * n));
            FromFeatureMajor(soa, start, count, n, gradients);
        }
        return (values, gradients);
    }

    /// <summary>The number of interleaved points in <paramref name="points"/>; throws unless it holds whole points of finite
    /// coordinates.</summary>
    private int CheckedPointCount(ReadOnlySpan<float> points)
    {
        int n = InputDimensions;
        if (points.Length % n != 0) throw new ArgumentException($"points must hold a multiple of {n} floats (interleaved {n}-D points), got {points.Length}");
        for (int i = 0; i < points.Length; i++)
            if (!float.IsFinite(points[i])) throw new ArgumentException($"points[{i}] is {points[i]}; points must be finite");
        return points.Length / n;
    }

    // Points [start, start + count) of an interleaved array (width floats each) into feature-major soa[d * count + s],
    // the layout the kernels read; FromFeatureMajor is the way back.
    private static void ToFeatureMajor(ReadOnlySpan<float> interleaved, int start, int count, int width, Span<float> soa)
    {
        for (int s = 0; s < count; s++)
            for (int d = 0; d < width; d++) soa[d * count + s] = interleaved[(start + s) * width + d];
    }

    private static void FromFeatureMajor(ReadOnlySpan<float> soa, int start, int count, int width, Span<float> interleaved)
    {
        for (int s = 0; s < count; s++)
            for (int d = 0; d < width; d++) interleaved[(start + s) * width + d] = soa[d * count + s];
    }

    /// <summary>
    /// CPU reference of <see cref="RecordInputGradient"/> with all-ones seeds, through the encoding's and the MLP's
    /// reference passes: <paramref name="parameters"/> as <see cref="DownloadParameters"/> returns them, points,
    /// outputs and gradients feature-major.
    /// </summary>
    public void InputGradientReference(ReadOnlySpan<float> parameters, ReadOnlySpan<float> points, Span<float> outputs, Span<float> inputGradients, int count)
    {
        if (parameters.Length != ParameterCount) throw new ArgumentException($"parameters must hold {ParameterCount} floats, got {parameters.Length}");
        var encoding = parameters[..(int)NetworkOffset];
        var weights = parameters[(int)NetworkOffset..];
        var features = new float[(long)count * Encoding.OutputDimensions];
        Encoding.ForwardReference(points, encoding, features, count);
        Network.ForwardReference(weights, features, outputs, count);
        var seeds = new float[(long)count * OutputDimensions];
        Array.Fill(seeds, 1f);
        var featureGradients = new float[features.Length];
        Network.BackwardReference(weights, features, seeds, new float[Network.ParameterCount], featureGradients, count);
        Encoding.InputGradientReference(points, encoding, featureGradients, inputGradients, count);
    }

    /// <summary>
    /// Evaluates the field at <paramref name="points"/> (interleaved: n floats per point, in [0,1]^n) and returns the
    /// outputs interleaved (OutputDimensions floats per point). Runs in chunks of 65536 points, one submission each.
    /// </summary>
    public float[] Evaluate(ReadOnlySpan<float> points)
    {
        int n = InputDimensions, m = OutputDimensions;
        int total = CheckedPointCount(points);
        var result = new float[(long)total * m];
        if (total == 0) return result;
        int chunk = Math.Min(total, EvaluateChunk);
        using var pointBuffer = Gpu.CreateBuffer<float>((long)chunk * n, BufferLocation.HostVisible, "evaluate points");
        // The fused path computes the features on the fly: no feature buffer beyond a placeholder.
        using var featureBuffer = Gpu.CreateBuffer<float>(UsesFusedEvaluate(chunk) ? 1 : (long)chunk * Encoding.OutputDimensions, BufferLocation.DeviceLocal, "evaluate features");
        using var outputBuffer = Gpu.CreateBuffer<float>((long)chunk * m, BufferLocation.HostVisible, "evaluate outputs");
        var soa = new float[(long)chunk * Math.Max(n, m)];
        for (int start = 0; start < total; start += chunk)
        {
            int count = Math.Min(chunk, total - start);
            ToFeatureMajor(points, start, count, n, soa);
            pointBuffer.Upload(soa.AsSpan(0, count * n));
            using (var batch = Gpu.BeginBatch())
            {
                RecordEvaluate(batch, pointBuffer, featureBuffer, outputBuffer, count);
                batch.Submit();
            }
            outputBuffer.Download(soa.AsSpan(0, count * m));
            FromFeatureMajor(soa, start, count, m, result);
        }
        return result;
    }

    /// <summary>
    /// Evaluates the field at the cell centres of a regular grid over the unit cube with <paramref name="resolution"/>
    /// cells per axis (point (i + 0.5) / resolution[d]); returns outputs interleaved, axis 0 fastest.
    /// </summary>
    public float[] EvaluateGrid(params ReadOnlySpan<int> resolution)
    {
        int n = InputDimensions;
        if (resolution.Length != n) throw new ArgumentException($"resolution needs {n} entries (one per input dimension), got {resolution.Length}");
        long total = 1;
        foreach (int r in resolution)
        {
            if (r < 1) throw new ArgumentOutOfRangeException(nameof(resolution), $"grid resolution must be ≥ 1 per axis, got {r}");
            total *= r;
        }
        if (total > 1 << 26) throw new ArgumentOutOfRangeException(nameof(resolution), $"grid of {total} points is too large (max 2^26)");
        var points = new float[total * n];
        var res = resolution.ToArray();
        for (long p = 0; p < total; p++)
        {
            long rest = p;
            for (int d = 0; d < n; d++) { points[p * n + d] = (rest % res[d] + 0.5f) / res[d]; rest /= res[d]; }
        }
        return Evaluate(points);
    }

    /// <summary>Downloads all parameters (encoding tables then MLP weights).</summary>
    public float[] DownloadParameters() => Parameters.ToArray();

    // ---- file format -----------------------------------------------------------------------------------------------
    // A BinaryContainer ("FFNF", version, payload length, payload, CRC-32), all little-endian. Payload:
    // version 3: 16 config words | parameter count i32 | parameters f32[]
    // version 2: the same without config word 8 (MatchGridVertexDensity, 0 or 1), which reads as 0.

    /// <summary>Writes the field to <paramref name="path"/> (.ffnf: magic, version, config, parameters, CRC-32).</summary>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        AtomicFile.WriteAllBytes(path, Serialize());
    }

    /// <summary>The field's file contents (see <see cref="Save"/>): a <see cref="BinaryContainer"/> holding the
    /// configuration words and the parameters.</summary>
    public byte[] Serialize()
    {
        var parameters = DownloadParameters();
        var h = Config.Hash; var net = Config.Network;
        return BinaryContainer.Write(Magic, FormatVersion, w =>
        {
            uint[] words =
            [
                (uint)Config.Encoding, (uint)h.Dimensions, (uint)h.Levels, (uint)h.FeaturesPerLevel, (uint)h.Log2TableSize,
                BitConverter.SingleToUInt32Bits(h.BaseResolution), BitConverter.SingleToUInt32Bits(h.FinestResolution), h.Seed,
                h.MatchGridVertexDensity ? 1u : 0u,
                (uint)net.Inputs, (uint)net.Outputs, (uint)net.Width, (uint)net.HiddenLayers, (uint)net.HiddenActivation,
                (uint)net.OutputActivation, net.Seed,
            ];
            foreach (var word in words) w.WriteUInt32(word);
            w.WriteInt32(parameters.Length);
            w.WriteFloats(parameters);
        });
    }

    /// <summary>Reads a field saved with <see cref="Save"/>; throws <see cref="InvalidDataException"/> for truncated, corrupted or foreign files.</summary>
    public static NeuralField Load(GpuContext gpu, string path)
    {
        ArgumentNullException.ThrowIfNull(gpu);
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"neural field file '{path}' does not exist", path);
        return Deserialize(gpu, File.ReadAllBytes(path), path);
    }

    /// <summary>Reads a field from file contents (see <see cref="Load"/>); <paramref name="source"/> names it in messages.</summary>
    /// <exception cref="InvalidDataException">Truncated, corrupted, foreign, or an inconsistent configuration.</exception>
    public static NeuralField Deserialize(GpuContext gpu, ReadOnlySpan<byte> bytes, string source = "neural field data")
    {
        ArgumentNullException.ThrowIfNull(gpu);
        var r = BinaryContainer.Open(bytes.ToArray(), Magic, OldestReadableVersion, FormatVersion, source, "neural field", out int version);
        // Version 2 has no density word: its simplex fields were trained on the unscaled lattice (factor 1).
        Span<uint> w = stackalloc uint[16];
        for (int i = 0; i < w.Length; i++)
            w[i] = version == 2 && i == 8 ? 0u : r.ReadUInt32();
        if (w[8] > 1) throw r.Corrupt($"invalid configuration: MatchGridVertexDensity word is {w[8]}, must be 0 or 1");
        NeuralFieldConfig config;
        try
        {
            var hash = new HashEncodingConfig((int)w[1], (int)w[2], (int)w[3], (int)w[4], BitConverter.UInt32BitsToSingle(w[5]),
                BitConverter.UInt32BitsToSingle(w[6]), w[7], MatchGridVertexDensity: w[8] == 1);
            var net = new MlpConfig((int)w[9], (int)w[10], (int)w[11], (int)w[12], (Activation)w[13], (Activation)w[14], w[15]);
            config = new NeuralFieldConfig((EncodingKind)w[0], hash, net).Validate();
        }
        catch (ArgumentException e)
        {
            throw r.Corrupt($"invalid configuration: {e.Message}");
        }
        var parameters = r.ReadFloats(r.ReadCount("parameter"));
        r.ExpectEnd();
        var field = new NeuralField(gpu, config, parameters.Length == 0 ? [float.NaN] : parameters);
        if (field.ParameterCount != parameters.Length)
        {
            field.Dispose();
            throw r.Corrupt($"holds {parameters.Length} parameters, its configuration needs {field.ParameterCount}");
        }
        return field;
    }

    /// <inheritdoc/>
    public override string ToString() => $"NeuralField({Encoding}; {Network}; {ParameterCount} parameters)";

    /// <summary>Frees the parameter buffer and the encoding's GPU resources.</summary>
    public void Dispose()
    {
        Parameters.Dispose();
        _packedWeights?.Dispose();
        Encoding.Dispose();
    }
}
