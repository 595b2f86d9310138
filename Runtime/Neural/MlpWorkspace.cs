using FieldForge.Gpu;

namespace FieldForge.Neural;

/// <summary>
/// Scratch buffers an <see cref="Mlp"/> needs to train on batches of up to <see cref="Capacity"/> samples: the
/// pre-activations and activations kept by the forward pass, the backward pass's deltas, and a default input-gradient buffer.
/// </summary>
public sealed class MlpWorkspace : IDisposable
{
    /// <summary>Creates the buffers for <paramref name="config"/> and batches of up to <paramref name="capacity"/> samples.</summary>
    public MlpWorkspace(GpuContext gpu, MlpConfig config, int capacity)
    {
        ArgumentNullException.ThrowIfNull(gpu);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        config.Validate();
        Capacity = capacity;
        _gpu = gpu;
        long rows = (long)config.HiddenLayers * config.Width + config.Outputs;
        PreActivations = gpu.CreateBuffer<float>(rows * capacity, BufferLocation.DeviceLocal, "mlp pre-activations");
        // The fused training forward also keeps the output layer's pre-activations in the rows after the hidden ones.
        Activations = gpu.CreateBuffer<float>(rows * capacity, BufferLocation.DeviceLocal, "mlp activations");
        Deltas = gpu.CreateBuffer<float>(rows * capacity, BufferLocation.DeviceLocal, "mlp deltas");
        InputGradients = gpu.CreateBuffer<float>((long)config.Inputs * capacity, BufferLocation.DeviceLocal, "mlp input gradients");
    }

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

    /// <summary>Per-workgroup weight-gradient partials of the deterministic fused backward pass (grown on demand).</summary>
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
