using FieldForge.Gpu;

namespace FieldForge.Neural;

/// <summary>
/// Scratch buffers an <see cref="Mlp"/> needs to train on batches of up to <see cref="Capacity"/> samples: the
/// pre-activations and activations kept by the forward pass, the backward pass's deltas, a default input-gradient
/// buffer and, for networks the fused kernels cover, the packed weights and the fused backward pass's per-subgroup
/// weight-gradient partials. All of it is allocated here, so <see cref="EstimateBytes"/> is what a workspace holds and
/// a batch too large for the device fails when the workspace is created, not in the middle of training.
/// </summary>
public sealed class MlpWorkspace : IDisposable
{
    /// <summary>Creates the buffers for <paramref name="config"/> and batches of up to <paramref name="capacity"/> samples.
    /// Without <paramref name="training"/> (inference only) the backward pass's partials are left out; a backward pass
    /// on such a workspace allocates them then.</summary>
    public MlpWorkspace(GpuContext gpu, MlpConfig config, int capacity, bool training = true)
    {
        ArgumentNullException.ThrowIfNull(gpu);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        config.Validate();
        Capacity = capacity;
        _gpu = gpu;
        long rows = Rows(config);
        var created = new List<GpuBuffer>();
        try
        {
            GpuBuffer<float> Create(long floats, string label, GpuBufferUsage usage = GpuBufferUsage.Storage)
            {
                var b = gpu.CreateBuffer<float>(floats, BufferLocation.DeviceLocal, label, usage);
                created.Add(b);
                return b;
            }
            PreActivations = Create(rows * capacity, "mlp pre-activations");
            // The fused training forward also keeps the output layer's pre-activations in the rows after the hidden ones.
            Activations = Create(rows * capacity, "mlp activations");
            Deltas = Create(rows * capacity, "mlp deltas");
            InputGradients = Create((long)config.Inputs * capacity, "mlp input gradients");
            if (Mlp.FusedCovers(config))
            {
                _packed = Create(Mlp.PackedCount(config), "mlp packed weights", GpuBufferUsage.TexelBuffer);
                if (training) _partials = Create(PartialsFloats(gpu.DeviceInfo, config, capacity), "mlp gradient partials");
            }
        }
        catch
        {
            foreach (var b in created) b.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Device bytes a workspace for <paramref name="config"/> and batches of up to <paramref name="capacity"/> samples
    /// allocates on <paramref name="device"/> (the partials depend on its subgroup size): three per-unit rows per sample
    /// (pre-activations, activations, deltas), the input gradients and, for fused widths, the packed weights and one
    /// weight-gradient slice per subgroup of samples (the latter only for <paramref name="training"/>).
    /// </summary>
    public static long EstimateBytes(GpuDeviceInfo device, MlpConfig config, int capacity, bool training = true)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(config);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        long floats = 3 * Rows(config) * capacity + (long)config.Inputs * capacity;
        if (Mlp.FusedCovers(config)) floats += Mlp.PackedCount(config) + (training ? PartialsFloats(device, config, capacity) : 0);
        return floats * sizeof(float);
    }

    private static long Rows(MlpConfig config) => (long)config.HiddenLayers * config.Width + config.Outputs;

    private static long PartialsFloats(GpuDeviceInfo device, MlpConfig config, int capacity) =>
        Mlp.FusedGradientSlices(device, capacity) * Mlp.PackedCount(config);

    /// <summary>Largest batch this workspace serves.</summary>
    public int Capacity { get; }
    /// <summary>Pre-activations z of every layer, feature-major (rows: hidden units layer by layer, then outputs).</summary>
    public GpuBuffer<float> PreActivations { get; }
    /// <summary>Hidden layers' activations act(z), feature-major (rows: hidden units layer by layer), the next layer's input;
    /// after a fused training forward the output layer's pre-activations follow in the last rows.</summary>
    public GpuBuffer<float> Activations { get; }
    /// <summary>dL/dz with the same rows as <see cref="PreActivations"/>.</summary>
    public GpuBuffer<float> Deltas { get; }
    /// <summary>dL/dinput written by backward when the caller passes no buffer of its own.</summary>
    public GpuBuffer<float> InputGradients { get; }

    private readonly GpuContext _gpu;
    private GpuBuffer<float>? _partials, _packed;

    /// <summary>The weights in the fused kernels' vec4-padded layout (written by each fused pass before it runs).</summary>
    internal GpuBuffer<float> Packed(long floats)
    {
        if (_packed is null || _packed.Length < floats)
        {
            _packed?.Dispose();
            _packed = _gpu.CreateBuffer<float>(floats, BufferLocation.DeviceLocal, "mlp packed weights", GpuBufferUsage.TexelBuffer);
        }
        return _packed;
    }

    /// <summary>Per-subgroup weight-gradient partials of the fused backward pass (allocated for <see cref="Capacity"/>; a
    /// larger request, which the batch-size checks rule out, would replace it).</summary>
    internal GpuBuffer<float> Partials(long floats)
    {
        if (_partials is null || _partials.Length < floats)
        {
            _partials?.Dispose();
            _partials = _gpu.CreateBuffer<float>(floats, BufferLocation.DeviceLocal, "mlp gradient partials");
        }
        return _partials;
    }

    /// <summary>Frees the workspace buffers on the GPU.</summary>
    public void Dispose()
    {
        _partials?.Dispose();
        _packed?.Dispose();
        PreActivations.Dispose();
        Activations.Dispose();
        Deltas.Dispose();
        InputGradients.Dispose();
    }
}
