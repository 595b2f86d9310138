using System.Runtime.CompilerServices;
using FieldForge.Core;
using System.Buffers.Binary;
using System.Diagnostics;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using FieldForge.Gpu;
using FieldForge.Neural;

namespace FieldForge.Acoustics;

/// <summary>
/// A DeepONet surrogate of the FDTD solver (Borrel-Jensen et al.): the branch net maps the source position (through the
/// neural core's <see cref="SimplexHashEncoding"/> and <see cref="Mlp"/>) to K coefficients; the trunk is a POD basis
/// over (receiver, time) of the baked fields; the prediction is their dot product plus the mean field. Inference runs
/// on the GPU in one submission: the impulse response at a listener (trilinear over the receiver grid) or the whole
/// receiver grid at one time.
/// </summary>
public sealed class SoundFieldSurrogate : IDisposable
{
    internal static readonly KernelSpec CombineSpec = new("deeponet_combine", Buffers: 5, PushConstantBytes: 16);
    /// <summary>File magic "FFSG".</summary>
    public const uint Magic = 0x47534646;
    /// <summary>Version of the .ffsg layout this build writes and reads.</summary>
    public const int FormatVersion = 2;

    private readonly GpuContext _gpu;
    private readonly Header _header;
    private readonly GpuBuffer<float> _basis, _mean, _point, _features, _branch;
    private readonly Dictionary<(int, int, int), int> _receiverIndex = new();
    private readonly float[] _basisHost, _meanHost;
    private GpuBuffer<FdtdReceiver>? _queries;
    private GpuBuffer<float>? _output;
    private (Vector3 Listener, int Kind)? _cachedQueries;

    private SoundFieldSurrogate(GpuContext gpu, Header header, NeuralField branch, float[] mean, float[] basis)
    {
        _gpu = gpu; _header = header; Branch = branch; _meanHost = mean; _basisHost = basis;
        Receivers = header.Receivers.Select(r => new Vector3((float)r[0], (float)r[1], (float)r[2])).ToArray();
        _basis = gpu.CreateBuffer<float>(basis, BufferLocation.DeviceLocal, "deeponet trunk basis");
        _mean = gpu.CreateBuffer<float>(mean, BufferLocation.DeviceLocal, "deeponet mean field");
        _point = gpu.CreateBuffer<float>(3, BufferLocation.HostVisible, "deeponet source");
        _features = gpu.CreateBuffer<float>(branch.Encoding.OutputDimensions, BufferLocation.DeviceLocal, "deeponet features");
        _branch = gpu.CreateBuffer<float>(header.Modes, BufferLocation.DeviceLocal, "deeponet branch outputs");
        var origin = GridOrigin;
        for (int r = 0; r < Receivers.Length; r++)
        {
            var g = (Receivers[r] - origin) / (float)header.ReceiverSpacing - new Vector3(0.5f);
            _receiverIndex[((int)MathF.Round(g.X), (int)MathF.Round(g.Y), (int)MathF.Round(g.Z))] = r;
        }
    }

    /// <summary>The branch network (simplex hash encoding + MLP) over the normalised source position.</summary>
    public NeuralField Branch { get; }
    /// <summary>Trunk basis functions (= branch outputs).</summary>
    public int Modes => _header.Modes;
    /// <summary>Time samples per impulse response (t = 0 included).</summary>
    public int Outputs => _header.Outputs;
    /// <summary>Seconds between time samples.</summary>
    public double OutputInterval => _header.OutputInterval;
    /// <summary>The baked receiver grid, metres.</summary>
    public Vector3[] Receivers { get; }
    /// <summary>Source region the branch was trained on (positions outside are clamped), metres.</summary>
    public (Vector3 Min, Vector3 Max) SourceRegion => (V(_header.RegionMin), V(_header.RegionMax));
    /// <summary>Spec of the dataset it was trained on.</summary>
    public string Room => _header.Room;

    private Vector3 GridOrigin => V(_header.GridOrigin);
    private int FieldLength => _header.Outputs * Receivers.Length;

    /// <summary>
    /// Trains a surrogate on the sources <paramref name="trainRows"/> (indices into the dataset's arrays; null = all):
    /// POD of their fields, then the branch on (source → POD coefficients) with the neural core's Trainer on the GPU.
    /// </summary>
    public static SoundFieldSurrogate Train(GpuContext gpu, SoundFieldDataset data, SurrogateSettings settings, IReadOnlyList<int>? trainRows = null, Action<TrainingProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(gpu);
        ArgumentNullException.ThrowIfNull(data);
        settings = (settings ?? throw new ArgumentNullException(nameof(settings))).Validate();
        var rows = trainRows ?? Enumerable.Range(0, data.Sources.Length).ToArray();
        if (rows.Count < 2) throw new ArgumentException($"training needs at least 2 sources, got {rows.Count}");
        var pod = PodBasis.Compute(rows.Select(r => data.Fields[r]).ToArray(), settings.Modes);
        int k = pod.Count;
        var coefficients = rows.Select(r => pod.Project(data.Fields[r])).ToArray();
        double scale = Math.Sqrt(pod.Eigenvalues[0] / rows.Count);
        if (!(scale > 0)) scale = 1;
        var spec = data.Spec;
        var header = new Header
        {
            Modes = k, Outputs = data.Outputs, OutputInterval = data.OutputInterval, Scale = scale,
            RegionMin = spec.SourceMin, RegionMax = spec.SourceMax, ReceiverSpacing = spec.ReceiverSpacing,
            GridOrigin = Array.ConvertAll(ToArray(spec.BuildRoom().Min), v => (double)v), Room = spec.Room,
            Receivers = data.Receivers.Select(r => new double[] { r.X, r.Y, r.Z }).ToArray(),
        };
        var inputs = new float[rows.Count * 3];
        var targets = new float[rows.Count * k];
        for (int i = 0; i < rows.Count; i++)
        {
            Normalize(header, data.Sources[rows[i]]).CopyTo(inputs, i * 3);
            for (int c = 0; c < k; c++) targets[i * k + c] = (float)(coefficients[i][c] / scale);
        }
        var config = new NeuralFieldConfig(EncodingKind.Simplex,
            new HashEncodingConfig(3, settings.EncodingLevels, settings.FeaturesPerLevel, settings.Log2TableSize, settings.BaseResolution, settings.FinestResolution, settings.Seed,
                // The surrogate's few dense levels were tuned on the unscaled simplex lattice; keep them as they are.
                MatchGridVertexDensity: false),
            new MlpConfig(settings.EncodingLevels * settings.FeaturesPerLevel, k, settings.Width, settings.HiddenLayers, Activation.ReLU, Activation.None, settings.Seed + 1)).Validate();
        var branch = NeuralField.Create(gpu, config);
        try
        {
            using var samples = new SampledTrainingData(gpu, inputs, 3, targets, k);
            using var trainer = new Trainer(branch, samples, new TrainerOptions(settings.BatchSize, LossKind.L2, new AdamConfig(settings.LearningRate), settings.Seed));
            const int stepsPerSubmission = 8, reportEvery = 200;
            var clock = Stopwatch.StartNew();
            for (int step = 0; step < settings.Steps;)
            {
                int chunk = Math.Min(stepsPerSubmission, settings.Steps - step);
                bool report = (step + chunk) / reportEvery != step / reportEvery || step + chunk == settings.Steps;
                using (var batch = gpu.BeginBatch())
                {
                    for (int s = 0; s < chunk; s++)
                    {
                        double f = (double)(step + s) / Math.Max(1, settings.Steps - 1);
                        float lr = (float)(settings.LearningRate * Math.Pow(settings.FinalLearningRate / settings.LearningRate, f));
                        trainer.RecordStep(batch, measureLoss: report && s == chunk - 1, learningRate: lr);
                    }
                    batch.Submit();
                }
                step += chunk;
                if (!report) continue;
                float loss = trainer.ReadLoss();
                if (!float.IsFinite(loss)) throw new InvalidOperationException($"surrogate training diverged at step {step}; lower LearningRate");
                progress?.Invoke(new TrainingProgress(step, loss, clock.Elapsed.TotalSeconds));
            }
            return new SoundFieldSurrogate(gpu, header, branch, pod.Mean, pod.Modes);
        }
        catch
        {
            branch.Dispose();
            throw;
        }
    }

    /// <summary>The predicted impulse response (Pa) from a source at <paramref name="source"/> to
    /// <paramref name="listener"/> (trilinear over the receiver grid), <see cref="Outputs"/> samples from t = 0.</summary>
    public ImpulseResponse PredictImpulseResponse(Vector3 source, Vector3 listener)
    {
        if (_cachedQueries != (listener, 0)) SetQueries(ListenerQueries(listener), (listener, 0));
        return new ImpulseResponse(1 / OutputInterval, Run(source));
    }

    /// <summary>The predicted pressure (Pa) on every receiver of <see cref="Receivers"/> at output row
    /// <paramref name="outputIndex"/> (time outputIndex · OutputInterval).</summary>
    public float[] PredictField(Vector3 source, int outputIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(outputIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(outputIndex, Outputs);
        var key = (new Vector3(outputIndex, -1, -1), 1);
        if (_cachedQueries != key)
        {
            var q = new FdtdReceiver[Receivers.Length];
            for (int r = 0; r < q.Length; r++) q[r].SetCorner(0, (uint)(outputIndex * Receivers.Length + r), 1);
            SetQueries(q, key);
        }
        return Run(source);
    }

    /// <summary>The whole predicted field (Outputs × receivers, row-major, Pa), the layout of a dataset record.</summary>
    public float[] PredictAll(Vector3 source)
    {
        var key = (Vector3.Zero, 2);
        if (_cachedQueries != key)
        {
            var q = new FdtdReceiver[FieldLength];
            for (int i = 0; i < q.Length; i++) q[i].SetCorner(0, (uint)i, 1);
            SetQueries(q, key);
        }
        return Run(source);
    }

    /// <summary>RMSE (Pa) and RMS of the reference over the dataset rows <paramref name="rows"/>.</summary>
    public (double Rmse, double ReferenceRms) MeasureError(SoundFieldDataset data, IEnumerable<int> rows)
    {
        double err = 0, norm = 0;
        long count = 0;
        foreach (int r in rows)
        {
            var predicted = PredictAll(data.Sources[r]);
            var truth = data.Fields[r];
            for (int i = 0; i < truth.Length; i++)
            {
                double d = predicted[i] - truth[i];
                err += d * d;
                norm += (double)truth[i] * truth[i];
            }
            count += truth.Length;
        }
        if (count == 0) throw new ArgumentException("no rows to evaluate", nameof(rows));
        return (Math.Sqrt(err / count), Math.Sqrt(norm / count));
    }

    /// <summary>Records the impulse-response inference for <paramref name="source"/> → <paramref name="listener"/> into
    /// <paramref name="batch"/> (e.g. a component's frame); read it with <see cref="ReadImpulseResponse()"/> once the batch completed.</summary>
    public void RecordImpulseResponse(CommandBatch batch, Vector3 source, Vector3 listener)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (_cachedQueries != (listener, 0))
        {
            // A moving listener: the stencil is rewritten inline in the frame's batch (no wait for frames in flight,
            // no new buffer); only a first use, or a switch from field queries, creates the buffers.
            var queries = _listenerQueries ??= new FdtdReceiver[Outputs];
            FillListenerQueries(listener, queries);
            if (_queries is null || _queries.Length != queries.Length || (long)queries.Length * Unsafe.SizeOf<FdtdReceiver>() > CommandBatch.MaxInlineUpdateBytes)
                SetQueries(queries, (listener, 0));
            else
            {
                batch.UpdateBuffer(_queries, queries);
                _cachedQueries = (listener, 0);
            }
        }
        Record(batch, source);
    }

    private FdtdReceiver[]? _listenerQueries;
    private MlpWorkspace? _branchWorkspace;

    /// <summary>After the batch holding <see cref="RecordImpulseResponse"/> completed: the predicted impulse response.</summary>
    public ImpulseResponse ReadImpulseResponse()
    {
        var result = new float[Outputs];
        ReadImpulseResponse(result);
        return new ImpulseResponse(1 / OutputInterval, result);
    }

    /// <summary>Reads the predicted impulse response (<see cref="Outputs"/> samples at 1 / <see cref="OutputInterval"/> Hz)
    /// into <paramref name="destination"/> without allocating.</summary>
    public void ReadImpulseResponse(Span<float> destination)
    {
        if (_cachedQueries is not { Kind: 0 }) throw new InvalidOperationException("no impulse response was recorded");
        if (destination.Length != Outputs) throw new ArgumentException($"the impulse response has {Outputs} samples, the destination holds {destination.Length}", nameof(destination));
        _output!.Download(destination);
    }

    private float[] Run(Vector3 source)
    {
        using (var batch = _gpu.BeginBatch())
        {
            Record(batch, source);
            batch.Submit();
        }
        var result = new float[_queries!.Length];
        _output!.Download(result);
        return result;
    }

    private void Record(CommandBatch batch, Vector3 source)
    {
        if (!float.IsFinite(source.X) || !float.IsFinite(source.Y) || !float.IsFinite(source.Z))
            throw new ArgumentException($"source {source} must be finite", nameof(source));
        Span<float> point = stackalloc float[3];
        Normalize(_header, source, point);
        batch.UpdateBuffer(_point, point); // in the batch: no wait for frames in flight
        int n = (int)_queries!.Length;
        Branch.RecordEvaluate(batch, _point, _features, _branch, 1, _branchWorkspace ??= new MlpWorkspace(_gpu, Branch.Network.Config, 1, training: false));
        var push = new DeepOnetPush((uint)Modes, (uint)FieldLength, (uint)n, (float)_header.Scale);
        batch.DispatchThreads(_gpu.GetKernel(CombineSpec), push, n, _branch, _basis, _mean, _queries, _output!);
    }

    private void SetQueries(FdtdReceiver[] queries, (Vector3, int) key)
    {
        _queries?.Dispose();
        _queries = _gpu.CreateBuffer<FdtdReceiver>(queries, BufferLocation.DeviceLocal, "deeponet queries");
        if (_output is null || _output.Length < queries.Length)
        {
            _output?.Dispose();
            _output = _gpu.CreateBuffer<float>(queries.Length, BufferLocation.HostVisible, "deeponet outputs");
        }
        _cachedQueries = key;
    }

    // One query per time row: the listener's trilinear stencil over the receiver grid (missing receivers dropped).
    private FdtdReceiver[] ListenerQueries(Vector3 listener)
    {
        var queries = new FdtdReceiver[Outputs];
        FillListenerQueries(listener, queries);
        return queries;
    }

    // Allocation-free: a listener moving every frame rewrites the same query array.
    private void FillListenerQueries(Vector3 listener, Span<FdtdReceiver> queries)
    {
        var h = (float)_header.ReceiverSpacing;
        var g = (listener - GridOrigin) / h - new Vector3(0.5f);
        if (!float.IsFinite(g.X) || !float.IsFinite(g.Y) || !float.IsFinite(g.Z))
            throw new ArgumentException($"listener {listener} must be finite", nameof(listener));
        var lo = new Vector3(float.MaxValue); var hi = new Vector3(float.MinValue);
        for (int r = 0; r < Receivers.Length; r++) { lo = Vector3.Min(lo, Receivers[r]); hi = Vector3.Max(hi, Receivers[r]); }
        if (Vector3.Min(listener - (lo - new Vector3(h)), Vector3.Zero) != Vector3.Zero || Vector3.Max(listener - (hi + new Vector3(h)), Vector3.Zero) != Vector3.Zero)
            throw new ArgumentOutOfRangeException(nameof(listener), $"listener {RoomGrid.Format(listener)} is outside the surrogate's receiver region {RoomGrid.Format(lo)}..{RoomGrid.Format(hi)}");
        int i0 = (int)MathF.Floor(g.X), j0 = (int)MathF.Floor(g.Y), k0 = (int)MathF.Floor(g.Z);
        var f = g - new Vector3(i0, j0, k0);
        Span<int> receiver = stackalloc int[8];
        Span<float> weight = stackalloc float[8];
        int corners = 0;
        float total = 0;
        for (int c = 0; c < 8; c++)
        {
            int di = c & 1, dj = (c >> 1) & 1, dk = (c >> 2) & 1;
            if (!_receiverIndex.TryGetValue((i0 + di, j0 + dj, k0 + dk), out int r)) continue;
            float w = Math.Clamp(di == 1 ? f.X : 1 - f.X, 0, 1) * Math.Clamp(dj == 1 ? f.Y : 1 - f.Y, 0, 1) * Math.Clamp(dk == 1 ? f.Z : 1 - f.Z, 0, 1);
            if (w > 0) { receiver[corners] = r; weight[corners++] = w; total += w; }
        }
        if (corners == 0)
        {
            int nearest = 0;
            for (int r = 1; r < Receivers.Length; r++)
                if (Vector3.DistanceSquared(Receivers[r], listener) < Vector3.DistanceSquared(Receivers[nearest], listener)) nearest = r;
            receiver[0] = nearest; weight[0] = 1; total = 1; corners = 1;
        }
        int nr = Receivers.Length;
        for (int n = 0; n < queries.Length; n++)
        {
            queries[n] = default;
            for (int c = 0; c < corners; c++) queries[n].SetCorner(c, (uint)(n * nr + receiver[c]), weight[c] / total);
        }
    }

    private static float[] Normalize(Header h, Vector3 source)
    {
        var p = new float[3];
        Normalize(h, source, p);
        return p;
    }

    private static void Normalize(Header h, Vector3 source, Span<float> p)
    {
        for (int a = 0; a < 3; a++)
        {
            double size = h.RegionMax[a] - h.RegionMin[a];
            float s = a == 0 ? source.X : a == 1 ? source.Y : source.Z;
            p[a] = size > 0 ? (float)Math.Clamp((s - h.RegionMin[a]) / size, 0, 1) : 0.5f;
        }
    }

    private static float[] ToArray(Vector3 v) => [v.X, v.Y, v.Z];
    private static Vector3 V(double[] a) => new((float)a[0], (float)a[1], (float)a[2]);

    // ---- file format: a BinaryContainer of header JSON, mean, basis and the branch NeuralField (its own container) ----

    /// <summary>Writes the surrogate atomically: header, POD trunk and the branch in the neural core's format, checksummed.</summary>
    public void Save(string path) => AtomicFile.WriteAllBytes(path, Serialize());

    /// <summary>The bytes <see cref="Save"/> writes.</summary>
    public byte[] Serialize()
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(_header);
        var branch = Branch.Serialize();
        return BinaryContainer.Write(Magic, FormatVersion, w =>
        {
            w.WriteBlock(json);
            w.WriteInt32(_meanHost.Length); w.WriteFloats(_meanHost);
            w.WriteInt32(_basisHost.Length); w.WriteFloats(_basisHost);
            w.WriteBlock(branch);
        });
    }

    /// <summary>Reads a surrogate written by <see cref="Save"/>; throws <see cref="InvalidDataException"/> for truncated, corrupted or foreign files, the embedded branch included.</summary>
    public static SoundFieldSurrogate Load(GpuContext gpu, string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"surrogate file '{path}' does not exist", path);
        return Deserialize(gpu, File.ReadAllBytes(path), path);
    }

    /// <summary>Parses surrogate bytes; <paramref name="source"/> names them in error messages.</summary>
    public static SoundFieldSurrogate Deserialize(GpuContext gpu, byte[] bytes, string source = "surrogate data")
    {
        var r = BinaryContainer.Open(bytes, Magic, FormatVersion, source, "sound-field surrogate");
        Header header;
        try { header = JsonSerializer.Deserialize<Header>(r.ReadBlock().Span) ?? throw r.Corrupt("empty header"); }
        catch (JsonException e) { throw r.Corrupt($"malformed header ({e.Message})"); }
        var mean = r.ReadFloats(r.ReadCount("mean"));
        var basis = r.ReadFloats(r.ReadCount("basis"));
        var branchBytes = r.ReadBlock();
        r.ExpectEnd();
        if (header.Modes < 1 || header.Outputs < 1 || header.Receivers is null || header.Receivers.Length == 0)
            throw r.Corrupt($"header announces {header.Modes} modes, {header.Outputs} outputs and {header.Receivers?.Length ?? 0} receivers");
        if (header.Receivers.Any(p => p is null || p.Length != 3 || !p.All(double.IsFinite))
            || header.RegionMin?.Length != 3 || header.RegionMax?.Length != 3 || header.GridOrigin?.Length != 3
            || !(header.ReceiverSpacing > 0) || !(header.OutputInterval > 0) || !double.IsFinite(header.Scale))
            throw r.Corrupt("header holds malformed receivers, region, grid origin, spacing, interval or scale");
        long d = (long)header.Outputs * header.Receivers.Length;
        if (mean.Length != d || basis.Length != header.Modes * d)
            throw r.Corrupt($"trunk sizes ({mean.Length}, {basis.Length}) do not match the header ({d}, {header.Modes}x{d})");
        var branch = NeuralField.Deserialize(gpu, branchBytes.Span, source + " (branch)");
        if (branch.OutputDimensions != header.Modes || branch.InputDimensions != 3)
        {
            branch.Dispose();
            throw r.Corrupt($"branch maps {branch.InputDimensions} -> {branch.OutputDimensions}, expected 3 -> {header.Modes}");
        }
        try { return new SoundFieldSurrogate(gpu, header, branch, mean, basis); }
        catch (ArgumentException e)
        {
            branch.Dispose();
            throw r.Corrupt($"inconsistent surrogate ({e.Message})");
        }
    }

    /// <summary>Frees the basis, branch network and query buffers on the GPU.</summary>
    public void Dispose()
    {
        Branch.Dispose();
        _basis.Dispose(); _mean.Dispose(); _point.Dispose(); _features.Dispose(); _branch.Dispose();
        _queries?.Dispose(); _output?.Dispose(); _branchWorkspace?.Dispose();
    }

    private sealed class Header
    {
        public int Modes { get; set; }
        public int Outputs { get; set; }
        public double OutputInterval { get; set; }
        public double Scale { get; set; }
        public double[] RegionMin { get; set; } = [];
        public double[] RegionMax { get; set; } = [];
        public double[] GridOrigin { get; set; } = [];
        public double ReceiverSpacing { get; set; }
        public string Room { get; set; } = "";
        public double[][] Receivers { get; set; } = [];
    }
}
