using System.Numerics;
using System.Runtime.InteropServices;
using FieldForge.Gpu;
using FieldForge.Neural;
using FieldForge.Core;

namespace FieldForge.Morphing;

/// <summary>
/// A learned signed distance field (a <see cref="NeuralField"/> with 3 inputs and 1 output) as a morph source. The field
/// sees points in its unit cube; <see cref="Domain"/> says which world box that cube covers and
/// <see cref="DistanceScale"/> converts its outputs to world distances. Evaluated on the grid through the neural core's
/// public <see cref="NeuralField.RecordEvaluate"/>, in chunks that respect the storage-buffer binding limit. Its exact
/// gradient (<see cref="RecordGradient"/>, through <see cref="NeuralField.RecordInputGradient"/>) gives a morph analytic normals.
/// </summary>
public sealed class NeuralSdfSource : ISdfGradientSource
{
    internal static readonly KernelSpec UnitPointsSpec = new("sdf_unit_points", Buffers: 1, PushConstantBytes: 64);
    internal static readonly KernelSpec StoreSpec = new("sdf_neural_store", Buffers: 2, PushConstantBytes: 64);
    internal static readonly KernelSpec StoreGradientSpec = new("sdf_neural_store_gradient", Buffers: 2, PushConstantBytes: 64);

    [StructLayout(LayoutKind.Sequential)]
    internal readonly record struct NeuralGridPush(Vector3 Min, float VoxelSize, uint Resolution, uint Count, uint Offset, float Scale, Vector4 DomainMin, Vector4 DomainInvSize);

    private float[]? _parameters;

    // The gradient pass keeps the MLP's activations and deltas per point: smaller chunks bound that scratch (~50 MB at width 64).
    private const int GradientChunk = 1 << 15;

    /// <summary>Most grid points evaluated per chunk (tests lower it to exercise chunking).</summary>
    internal int ChunkLimit { get; init; } = 1 << 20;

    /// <param name="field">A 3-D field with one output (signed distance, negative inside).</param>
    /// <param name="domain">The world box the field's unit cube maps to.</param>
    /// <param name="distanceScale">World units per output unit (e.g. the domain's side when the field was trained in unit-cube units).</param>
    /// <param name="color">Colour of the surface (RGB 0..1).</param>
    public NeuralSdfSource(NeuralField field, Bounds domain, float distanceScale = 1f, Vector3? color = null)
    {
        ArgumentNullException.ThrowIfNull(field);
        if (field.InputDimensions != 3 || field.OutputDimensions != 1)
            throw new ArgumentException($"a neural SDF needs 3 inputs and 1 output, the field has {field.InputDimensions} and {field.OutputDimensions}", nameof(field));
        if (!domain.IsValid || !(domain.Size.X > 0 && domain.Size.Y > 0 && domain.Size.Z > 0))
            throw new ArgumentException($"domain must be a finite box with positive extent, got {domain}", nameof(domain));
        if (!(distanceScale > 0) || !float.IsFinite(distanceScale)) throw new ArgumentOutOfRangeException(nameof(distanceScale), $"distance scale must be finite and > 0, got {distanceScale}");
        Field = field;
        Domain = domain;
        DistanceScale = distanceScale;
        SurfaceColor = color ?? new Vector3(0.8f);
    }

    /// <summary>The trained field (3 inputs, 1 output) sampled on the GPU.</summary>
    public NeuralField Field { get; }
    /// <summary>The world box mapped to the field's unit cube, metres.</summary>
    public Bounds Domain { get; }
    /// <summary>Factor from the field's unit-cube distances to world distances.</summary>
    public float DistanceScale { get; }
    /// <summary>Uniform RGB colour (0..1) of the surface, since the field learns only distance.</summary>
    public Vector3 SurfaceColor { get; }
    /// <summary>The domain: a learned field may place its surface anywhere inside it.</summary>
    public Bounds Bounds => Domain;

    /// <inheritdoc/>
    public void Record(CommandBatch batch, SdfGrid grid, GpuBuffer<float> distance, GpuBuffer<uint> color)
    {
        grid.ValidateBuffers(distance, color);
        var gpu = batch.Context;
        // Largest chunk whose feature buffer (count × encoding outputs floats) fits one binding.
        int widest = Math.Max(3, Math.Max(Field.Encoding.OutputDimensions, Field.Network.Config.Width));
        long maxChunk = (long)(gpu.DeviceInfo.MaxStorageBufferBytes / 4) / widest;
        int chunk = (int)Math.Min(grid.PointCount, Math.Min(maxChunk, ChunkLimit));
        var points = gpu.CreateBuffer<float>(3L * chunk, label: "neural sdf points");
        // The fused inference kernel computes the features on the fly: a placeholder instead of chunk × L × F floats.
        var features = gpu.CreateBuffer<float>(Field.UsesFusedEvaluate(chunk) ? 1 : (long)chunk * Field.Encoding.OutputDimensions, label: "neural sdf features");
        var outputs = gpu.CreateBuffer<float>(chunk, label: "neural sdf outputs");
        batch.DisposeAfterCompletion(points); batch.DisposeAfterCompletion(features); batch.DisposeAfterCompletion(outputs);
        var inv = new Vector4(Vector3.One / Domain.Size, 0);
        var unit = gpu.GetKernel(UnitPointsSpec);
        var store = gpu.GetKernel(StoreSpec);
        for (long start = 0; start < grid.PointCount; start += chunk)
        {
            int count = (int)Math.Min(chunk, grid.PointCount - start);
            var push = new NeuralGridPush(grid.Min, grid.VoxelSize, (uint)grid.Resolution, (uint)count, (uint)start, DistanceScale, new Vector4(Domain.Min, 0), inv);
            batch.DispatchThreads(unit, push, count, points);
            Field.RecordEvaluate(batch, points, features, outputs, count);
            batch.DispatchThreads(store, push, count, outputs, distance);
        }
        gpu.Primitives.RecordFill(batch, color, ColorPacking.Pack(SurfaceColor), 0, grid.PointCount);
    }

    /// <inheritdoc/>
    public void RecordGradient(CommandBatch batch, SdfGrid grid, GpuBuffer<float> gradient)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(gradient);
        grid.Validate();
        if (gradient.Length < 3 * grid.PointCount) throw new ArgumentException($"gradient buffer '{gradient.Label}' holds {gradient.Length} floats, needs 3 × {grid.PointCount}", nameof(gradient));
        var gpu = batch.Context;
        // The backward pass keeps every hidden layer's activations: size chunks by the widest per-sample row set.
        var net = Field.Network.Config;
        int widest = Math.Max(3, Math.Max(Field.Encoding.OutputDimensions, (net.HiddenLayers + 1) * net.Width));
        long maxChunk = (long)(gpu.DeviceInfo.MaxStorageBufferBytes / 4) / widest;
        int chunk = (int)Math.Min(grid.PointCount, Math.Min(maxChunk, Math.Min(ChunkLimit, GradientChunk)));
        var points = gpu.CreateBuffer<float>(3L * chunk, label: "neural sdf gradient points");
        var outputs = gpu.CreateBuffer<float>(chunk, label: "neural sdf gradient outputs");
        var unitGradient = gpu.CreateBuffer<float>(3L * chunk, label: "neural sdf unit gradient");
        var workspace = new InputGradientWorkspace(Field, chunk);
        batch.DisposeAfterCompletion(points); batch.DisposeAfterCompletion(outputs); batch.DisposeAfterCompletion(unitGradient);
        batch.DisposeAfterCompletion(workspace);
        var inv = new Vector4(Vector3.One / Domain.Size, 0);
        var unit = gpu.GetKernel(UnitPointsSpec);
        var store = gpu.GetKernel(StoreGradientSpec);
        for (long start = 0; start < grid.PointCount; start += chunk)
        {
            int count = (int)Math.Min(chunk, grid.PointCount - start);
            var push = new NeuralGridPush(grid.Min, grid.VoxelSize, (uint)grid.Resolution, (uint)count, (uint)start, DistanceScale, new Vector4(Domain.Min, 0), inv);
            batch.DispatchThreads(unit, push, count, points);
            Field.RecordInputGradient(batch, points, outputs, unitGradient, count, workspace);
            batch.DispatchThreads(store, push, count, unitGradient, gradient);
        }
    }

    /// <inheritdoc/>
    public Vector3 Gradient(Vector3 point)
    {
        _parameters ??= Field.DownloadParameters();
        var u = (point - Domain.Min) / Domain.Size;
        Span<float> g = stackalloc float[3];
        Span<float> value = stackalloc float[1];
        Field.InputGradientReference(_parameters, [u.X, u.Y, u.Z], value, g, 1);
        return new Vector3(g[0], g[1], g[2]) * DistanceScale / Domain.Size;
    }

    /// <summary>CPU reference through the neural core's reference encoder and MLP (parameters downloaded once).</summary>
    public float Distance(Vector3 point)
    {
        _parameters ??= Field.DownloadParameters();
        var u = (point - Domain.Min) / Domain.Size;
        Span<float> p = [u.X, u.Y, u.Z];
        var features = new float[Field.Encoding.OutputDimensions];
        Field.Encoding.ForwardReference(p, _parameters.AsSpan(0, (int)Field.Encoding.ParameterCount), features, 1);
        Span<float> output = stackalloc float[1];
        Field.Network.ForwardReference(_parameters.AsSpan((int)Field.NetworkOffset), features, output, 1);
        return output[0] * DistanceScale;
    }

    /// <inheritdoc/>
    public Vector4 Color(Vector3 point) => new(SurfaceColor, 1f);
}
