using System.Runtime.InteropServices;
using FieldForge.Gpu;

namespace FieldForge.Neural;

/// <summary>
/// Shared machinery of the multiresolution hash encodings: per-level table layout (dense coarse levels, hashed fine
/// ones), the GPU kernels and the CPU reference. <see cref="GridHashEncoding"/> and <see cref="SimplexHashEncoding"/>
/// differ only in which lattice vertices and weights a point gets. Owns a small GPU buffer of level descriptors.
/// </summary>
public abstract class HashEncoding : IEncoding
{
    /// <summary>Initial table values are uniform in [-InitialRange, +InitialRange] (instant-ngp's choice).</summary>
    public const float InitialRange = 1e-4f;

    /// <summary>Bytes of the push-constant block of the encoding kernels (mirrors encoding_common.glsl).</summary>
    internal const int PushBytes = 16;

    [StructLayout(LayoutKind.Sequential)]
    internal readonly record struct EncodingPush(uint Count, uint Levels, uint Features, uint ParamOffset);

    private readonly GpuBuffer<HashEncodingLevel> _levelBuffer;
    private readonly KernelSpec _forwardSpec, _backwardSpec, _backwardFixedSpec, _inputGradientSpec;
    private GpuBuffer<uint>? _fixedLow, _fixedHigh;

    /// <summary>Resolves the deterministic path's 64-bit fixed-point sums into float gradients (and clears them).</summary>
    internal static readonly KernelSpec FixedResolveSpec = new("encoding_fixed_resolve", Buffers: 3, PushConstantBytes: 16);

    /// <summary>Fractional bits of the deterministic path's fixed-point gradient sums (mirrors Shaders/include/fixed_point.glsl).</summary>
    public const int FixedFractionBits = 40;

    /// <param name="gpu">The context.</param>
    /// <param name="config">The configuration (validated here).</param>
    /// <param name="kind">The lattice.</param>
    /// <param name="latticeExtent">Axis-aligned extent of the lattice image of the unit cube per unit of scale (1 for
    /// the grid, 1 + nF for the skewed simplex lattice): a dense level in the plain layout spans scale × extent + 2 vertices per axis.</param>
    /// <param name="compactMultiplicity">0: dense levels in the plain layout; m &gt; 0: the simplex lattice's compact
    /// layout, m × (ceil(scale) + 3)^n entries (see <see cref="SimplexHashEncoding.CompactDenseIndex"/>).</param>
    private protected HashEncoding(GpuContext gpu, HashEncodingConfig config, EncodingKind kind, double latticeExtent, int compactMultiplicity = 0)
    {
        ArgumentNullException.ThrowIfNull(gpu);
        Config = (config ?? throw new ArgumentNullException(nameof(config))).Validate();
        Kind = kind;
        var levels = new HashEncodingLevel[config.Levels];
        long offset = 0;
        long tableSize = 1L << config.Log2TableSize;
        for (int l = 0; l < config.Levels; l++)
        {
            float scale = config.LatticeScale(kind, l);
            long side = compactMultiplicity > 0 ? (long)Math.Ceiling(scale) + SimplexHashEncoding.CompactMargin * 2 + 1 : (long)Math.Ceiling(scale * latticeExtent) + 2;
            double denseEntries = Math.Pow(side, config.Dimensions) * Math.Max(compactMultiplicity, 1);
            bool dense = denseEntries <= tableSize;
            long size = dense ? (long)denseEntries : tableSize;
            uint layout = !dense ? 0u : compactMultiplicity > 0 ? 2u : 1u;
            levels[l] = new HashEncodingLevel((uint)offset, (uint)size, layout, (uint)side, scale);
            offset += size * config.FeaturesPerLevel;
        }
        ParameterCount = offset;
        if (offset * sizeof(float) > (long)gpu.DeviceInfo.MaxStorageBufferBytes)
            throw new ArgumentException($"encoding tables need {offset * 4L >> 20} MiB, more than the device's {gpu.DeviceInfo.MaxStorageBufferBytes >> 20} MiB per buffer; lower Log2TableSize ({config.Log2TableSize}) or Levels ({config.Levels})");
        Levels = levels;
        _levelBuffer = gpu.CreateBuffer<HashEncodingLevel>(levels, BufferLocation.DeviceLocal, $"{kind} encoding levels");
        string name = kind == EncodingKind.Grid ? "grid" : "simplex";
        // Features per level are compiled into the kernels (see encoding.comp): one variant per F in 1, 2, 4, 8.
        string shape = $"{config.Dimensions}d_f{config.FeaturesPerLevel}";
        _forwardSpec = new KernelSpec($"encoding_{name}_forward_{shape}", Buffers: 4, PushConstantBytes: PushBytes);
        _backwardSpec = new KernelSpec($"encoding_{name}_backward_{shape}", Buffers: 4, PushConstantBytes: PushBytes);
        _backwardFixedSpec = new KernelSpec($"encoding_{name}_backward_fixed_{shape}", Buffers: 5, PushConstantBytes: PushBytes);
        _inputGradientSpec = new KernelSpec($"encoding_{name}_input_gradient_{shape}", Buffers: 5, PushConstantBytes: PushBytes);
    }

    /// <summary>Creates the encoding of <paramref name="kind"/> for <paramref name="config"/>.</summary>
    public static HashEncoding Create(GpuContext gpu, EncodingKind kind, HashEncodingConfig config) => kind switch
    {
        EncodingKind.Grid => new GridHashEncoding(gpu, config),
        EncodingKind.Simplex => new SimplexHashEncoding(gpu, config),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown encoding kind"),
    };

    /// <summary>Which lattice this encoding interpolates on.</summary>
    public EncodingKind Kind { get; }

    /// <summary>The validated configuration.</summary>
    public HashEncodingConfig Config { get; }

    /// <summary>Per-level table layout (offsets in floats relative to the parameter offset).</summary>
    internal IReadOnlyList<HashEncodingLevel> Levels { get; }

    /// <summary>Lattice cells across the unit cube at <paramref name="level"/> as the kernels use it: the configuration's
    /// nominal <see cref="HashEncodingConfig.LevelScale"/> times its <see cref="HashEncodingConfig.LatticeScaleFactor"/>
    /// for this lattice.</summary>
    public float LevelScale(int level) => Levels[level].Scale;

    /// <summary>True when <paramref name="level"/>'s table is indexed by the spatial hash (its lattice has more vertices
    /// than the table has entries), false when it is stored densely.</summary>
    public bool IsLevelHashed(int level) => !Levels[level].IsDense;

    /// <summary>Lattice vertices each sample touches per level (2^n for the grid, n+1 for the simplex).</summary>
    public abstract int VerticesPerLevel { get; }

    /// <inheritdoc/>
    public int InputDimensions => Config.Dimensions;
    /// <inheritdoc/>
    public int OutputDimensions => Config.OutputDimensions;
    /// <inheritdoc/>
    public long ParameterCount { get; }

    /// <summary>The per-level table descriptors the kernels read (binding 1 of every encoding kernel).</summary>
    internal GpuBuffer<HashEncodingLevel> LevelBuffer => _levelBuffer;

    /// <summary>The forward and backward kernels (exposed so tests and tools can load them).</summary>
    internal KernelSpec ForwardSpec => _forwardSpec;
    /// <inheritdoc cref="ForwardSpec"/>
    internal KernelSpec BackwardSpec => _backwardSpec;
    /// <summary>The backward kernel of the deterministic path (no float atomics).</summary>
    internal KernelSpec BackwardFixedSpec => _backwardFixedSpec;
    /// <summary>The input-gradient kernel (d features / d point contracted with dL/dfeatures).</summary>
    internal KernelSpec InputGradientSpec => _inputGradientSpec;

    /// <inheritdoc/>
    public void InitializeParameters(Span<float> parameters)
    {
        if (parameters.Length != ParameterCount) throw new ArgumentException($"parameters must hold {ParameterCount} floats, got {parameters.Length}");
        SpatialHash.FillUniform(parameters, InitialRange, Config.Seed, stream: 1);
    }

    /// <inheritdoc/>
    public void RecordForward(CommandBatch batch, GpuBuffer<float> points, GpuBuffer<float> parameters, GpuBuffer<float> features, int count, long parameterOffset = 0)
    {
        CheckBatch(batch, points, count);
        CheckLength(parameters, parameterOffset + ParameterCount, "parameters");
        CheckLength(features, (long)count * OutputDimensions, "features");
        if (count == 0) return;
        var push = new EncodingPush((uint)count, (uint)Config.Levels, (uint)Config.FeaturesPerLevel, checked((uint)parameterOffset));
        batch.DispatchThreads(batch.Context.GetKernel(_forwardSpec), push, (long)count * Config.Levels, points, _levelBuffer, parameters, features);
    }

    /// <inheritdoc/>
    public void RecordBackward(CommandBatch batch, GpuBuffer<float> points, GpuBuffer<float> featureGradients, GpuBuffer<float> parameterGradients, int count,
        long parameterOffset = 0, GradientAccumulation accumulation = GradientAccumulation.Auto)
    {
        CheckBatch(batch, points, count);
        CheckLength(featureGradients, (long)count * OutputDimensions, "featureGradients");
        CheckLength(parameterGradients, parameterOffset + ParameterCount, "parameterGradients");
        if (count == 0) return;
        var gpu = batch.Context;
        var push = new EncodingPush((uint)count, (uint)Config.Levels, (uint)Config.FeaturesPerLevel, checked((uint)parameterOffset));
        if (GradientAccumulations.Resolve(gpu, accumulation) == GradientAccumulation.FloatAtomics)
        {
            batch.DispatchThreads(gpu.GetKernel(_backwardSpec), push, (long)count * Config.Levels, points, _levelBuffer, featureGradients, parameterGradients);
            return;
        }
        // Deterministic: exact 64-bit fixed-point sums with integer atomics, then one conversion pass (which also clears them).
        if (_fixedLow is null || _fixedHigh is null)
        {
            using var init = gpu.BeginBatch();
            _fixedLow = gpu.CreateBuffer<uint>(ParameterCount, BufferLocation.DeviceLocal, $"{Kind} encoding fixed-point gradients (low)");
            _fixedHigh = gpu.CreateBuffer<uint>(ParameterCount, BufferLocation.DeviceLocal, $"{Kind} encoding fixed-point gradients (high)");
            gpu.Primitives.RecordFill(init, _fixedLow, 0u);
            gpu.Primitives.RecordFill(init, _fixedHigh, 0u);
            init.Submit();
        }
        batch.DispatchThreads(gpu.GetKernel(_backwardFixedSpec), push, (long)count * Config.Levels, points, _levelBuffer, featureGradients, _fixedLow, _fixedHigh);
        batch.DispatchThreads(gpu.GetKernel(FixedResolveSpec), new EncodingPush(checked((uint)ParameterCount), checked((uint)parameterOffset), 0, 0),
            ParameterCount, _fixedLow, _fixedHigh, parameterGradients);
    }

    /// <summary>
    /// Records the encoding's input gradient: <paramref name="inputGradients"/>[d * count + s] = Σ dL/dfeature ×
    /// d feature / d point_d for the points (feature-major), i.e. dL/dpoint given dL/dfeatures (from the MLP's backward
    /// pass). Written, not accumulated. Zero along an axis where the point lies outside the unit cube (the encoding
    /// clamps there). The encoding is piecewise smooth: this is the derivative inside the cell or simplex holding the point.
    /// </summary>
    public void RecordInputGradient(CommandBatch batch, GpuBuffer<float> points, GpuBuffer<float> parameters, GpuBuffer<float> featureGradients,
        GpuBuffer<float> inputGradients, int count, long parameterOffset = 0)
    {
        CheckBatch(batch, points, count);
        CheckLength(parameters, parameterOffset + ParameterCount, "parameters");
        CheckLength(featureGradients, (long)count * OutputDimensions, "featureGradients");
        CheckLength(inputGradients, (long)count * InputDimensions, "inputGradients");
        if (count == 0) return;
        var push = new EncodingPush((uint)count, (uint)Config.Levels, (uint)Config.FeaturesPerLevel, checked((uint)parameterOffset));
        batch.DispatchThreads(batch.Context.GetKernel(_inputGradientSpec), push, count, points, _levelBuffer, parameters, featureGradients, inputGradients);
    }

    /// <summary>
    /// CPU reference of <see cref="RecordInputGradient"/> (feature-major layouts, parameters from index 0):
    /// writes dL/dpoint into <paramref name="inputGradients"/> from dL/dfeatures.
    /// </summary>
    public void InputGradientReference(ReadOnlySpan<float> points, ReadOnlySpan<float> parameters, ReadOnlySpan<float> featureGradients,
        Span<float> inputGradients, int count)
    {
        CheckReference(points, count, parameters.Length, featureGradients.Length);
        int n = Config.Dimensions, F = Config.FeaturesPerLevel, V = VerticesPerLevel;
        if (inputGradients.Length < (long)count * n) throw new ArgumentException($"inputGradients must hold {count} × {n} floats, got {inputGradients.Length}");
        Span<float> pos = stackalloc float[n];
        Span<float> grad = stackalloc float[n];
        Span<uint> coords = stackalloc uint[V * n];
        Span<float> weights = stackalloc float[V];
        Span<float> dWeights = stackalloc float[V * n];
        for (int s = 0; s < count; s++)
        {
            grad.Clear();
            for (int l = 0; l < Config.Levels; l++)
            {
                var lv = Levels[l];
                for (int d = 0; d < n; d++) pos[d] = Math.Clamp(points[d * count + s], 0f, 1f) * lv.Scale;
                LatticeVertices(pos, coords, weights);
                LatticeWeightGradients(pos, dWeights);
                for (int v = 0; v < V; v++)
                {
                    long entry = lv.Offset + Index(coords.Slice(v * n, n), lv) * (long)F;
                    float dot = 0;
                    for (int f = 0; f < F; f++) dot += featureGradients[(l * F + f) * count + s] * parameters[(int)(entry + f)];
                    for (int e = 0; e < n; e++) grad[e] += lv.Scale * dot * dWeights[v * n + e];
                }
            }
            for (int d = 0; d < n; d++)
            {
                float x = points[d * count + s];
                inputGradients[d * count + s] = x is >= 0f and <= 1f ? grad[d] : 0f;
            }
        }
    }

    /// <summary>
    /// CPU reference of one level's lattice lookup: the vertices' table entry indices (relative to the level) and their
    /// interpolation weights for a point in the unit cube. Returns the number of vertices written.
    /// </summary>
    public int LevelVertices(ReadOnlySpan<float> point, int level, Span<uint> entries, Span<float> weights)
    {
        if (point.Length != Config.Dimensions) throw new ArgumentException($"point must have {Config.Dimensions} coordinates, got {point.Length}");
        var lv = Levels[level];
        Span<float> pos = stackalloc float[Config.Dimensions];
        for (int d = 0; d < pos.Length; d++) pos[d] = Math.Clamp(point[d], 0f, 1f) * lv.Scale;
        Span<uint> coords = stackalloc uint[VerticesPerLevel * Config.Dimensions];
        int n = LatticeVertices(pos, coords, weights);
        for (int v = 0; v < n; v++) entries[v] = Index(coords.Slice(v * Config.Dimensions, Config.Dimensions), lv);
        return n;
    }

    /// <summary>Lattice vertices (integer coordinates, vertex-major) and weights for a point in lattice units.</summary>
    private protected abstract int LatticeVertices(ReadOnlySpan<float> position, Span<uint> coordinates, Span<float> weights);

    /// <summary>d weight_v / d position_e (vertex-major: [v * n + e]) for a point in lattice units, inside its cell or simplex.</summary>
    private protected abstract void LatticeWeightGradients(ReadOnlySpan<float> position, Span<float> weightGradients);

    private static uint Index(ReadOnlySpan<uint> coord, HashEncodingLevel lv)
    {
        if (!lv.IsDense) return SpatialHash.Hash(coord, lv.Size);
        if (lv.Dense == 2) return SimplexHashEncoding.CompactDenseIndex(coord, lv.Side);
        uint index = 0, stride = 1;
        for (int d = 0; d < coord.Length; d++) { index += coord[d] * stride; stride *= lv.Side; }
        return index;
    }

    /// <inheritdoc/>
    public void ForwardReference(ReadOnlySpan<float> points, ReadOnlySpan<float> parameters, Span<float> features, int count)
    {
        CheckReference(points, count, parameters.Length, features.Length);
        int n = Config.Dimensions, F = Config.FeaturesPerLevel;
        Span<float> point = stackalloc float[n];
        Span<uint> entries = stackalloc uint[VerticesPerLevel];
        Span<float> weights = stackalloc float[VerticesPerLevel];
        for (int s = 0; s < count; s++)
        {
            for (int d = 0; d < n; d++) point[d] = points[d * count + s];
            for (int l = 0; l < Config.Levels; l++)
            {
                int v = LevelVertices(point, l, entries, weights);
                long tableBase = Levels[l].Offset;
                for (int f = 0; f < F; f++)
                {
                    float acc = 0;
                    for (int c = 0; c < v; c++) acc += weights[c] * parameters[(int)(tableBase + entries[c] * F + f)];
                    features[(l * F + f) * count + s] = acc;
                }
            }
        }
    }

    /// <inheritdoc/>
    public void BackwardReference(ReadOnlySpan<float> points, ReadOnlySpan<float> featureGradients, Span<float> parameterGradients, int count)
    {
        CheckReference(points, count, parameterGradients.Length, featureGradients.Length);
        int n = Config.Dimensions, F = Config.FeaturesPerLevel;
        Span<float> point = stackalloc float[n];
        Span<uint> entries = stackalloc uint[VerticesPerLevel];
        Span<float> weights = stackalloc float[VerticesPerLevel];
        for (int s = 0; s < count; s++)
        {
            for (int d = 0; d < n; d++) point[d] = points[d * count + s];
            for (int l = 0; l < Config.Levels; l++)
            {
                int v = LevelVertices(point, l, entries, weights);
                long tableBase = Levels[l].Offset;
                for (int f = 0; f < F; f++)
                {
                    float g = featureGradients[(l * F + f) * count + s];
                    for (int c = 0; c < v; c++) parameterGradients[(int)(tableBase + entries[c] * F + f)] += weights[c] * g;
                }
            }
        }
    }

    private void CheckReference(ReadOnlySpan<float> points, int count, int parameterLength, int featureLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (points.Length < (long)count * InputDimensions) throw new ArgumentException($"points must hold {count} × {InputDimensions} floats, got {points.Length}");
        if (parameterLength < ParameterCount) throw new ArgumentException($"parameters must hold {ParameterCount} floats, got {parameterLength}");
        if (featureLength < (long)count * OutputDimensions) throw new ArgumentException($"features must hold {count} × {OutputDimensions} floats, got {featureLength}");
    }

    private void CheckBatch(CommandBatch batch, GpuBuffer<float> points, int count)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (batch.Context != _levelBuffer.Context) throw new ArgumentException("the batch belongs to another GpuContext than this encoding");
        CheckLength(points, (long)count * InputDimensions, "points");
    }

    private static void CheckLength(GpuBuffer<float> buffer, long needed, string name)
    {
        ArgumentNullException.ThrowIfNull(buffer, name);
        if (buffer.Length < needed) throw new ArgumentException($"{name} buffer '{buffer.Label}' holds {buffer.Length} floats, needs {needed}", name);
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"{Kind} hash encoding {Config.Dimensions}D, L={Config.Levels}, F={Config.FeaturesPerLevel}, T=2^{Config.Log2TableSize}, N={Config.BaseResolution}..{Config.FinestResolution}" +
        (Config.LatticeScaleFactor(Kind) != 1 ? $" (lattice scales x{Config.LatticeScaleFactor(Kind):F3}: the grid's vertex density)" : "");

    /// <summary>Frees the level table buffer on the GPU.</summary>
    public void Dispose()
    {
        _levelBuffer.Dispose();
        _fixedLow?.Dispose();
        _fixedHigh?.Dispose();
        GC.SuppressFinalize(this);
    }
}
