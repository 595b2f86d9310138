using FieldForge.Gpu;

namespace FieldForge.Noise;

/// <summary>
/// Simplex noise on the GPU. Create once per settings, then record fills into a caller's batch:
/// <code>
/// var noise = new GpuNoise(gpu, new NoiseSettings { Octaves = 6, Seed = 7 });
/// noise.RecordFillGrid(batch, NoiseGrid.Plane(512, 512, 1 / 64f), values);   // values: GpuBuffer&lt;float&gt;(512 * 512)
/// float[] image = noise.FillGrid(NoiseGrid.Plane(512, 512, 1 / 64f));  // convenience: submit and read back
/// </code>
/// Results equal <see cref="CpuNoise"/> to float rounding (the kernel performs the same operations). Gradients
/// (2D/3D) are written as dimensions floats per sample.
/// </summary>
public sealed class GpuNoise
{
    /// <summary>Every noise kernel variant: grid or points, 2D/3D/4D, with or without gradients, plain or tiled, plain
    /// or warped (tiling and warping are separate variants: plain fields carry none of their code, which on lavapipe
    /// makes them 5-10x faster).</summary>
    internal static IReadOnlyList<KernelSpec> KernelSpecs { get; } =
        (from kind in new[] { "grid", "points" }
         from d in new[] { 2, 3, 4 }
         from grad in new[] { false, true }
         from tiled in new[] { false, true }
         from warp in new[] { false, true }
         where d < 4 || (!grad && !tiled)
         select new KernelSpec(KernelName(kind == "grid", d, grad, tiled, warp), (kind == "grid" ? 1 : 2) + (grad ? 1 : 0), NoisePush.Size)).ToArray();

    private static string KernelName(bool grid, int d, bool grad, bool tiled, bool warp) =>
        $"noise_{(grid ? "grid" : "points")}{d}{(grad ? "_grad" : "")}{(tiled ? "_tiled" : "")}{(warp ? "_warp" : "")}";

    // Looked up by value (no name string built per dispatch: a per-frame noise update allocates nothing).
    private static readonly Dictionary<(bool Grid, int D, bool Grad, bool Tiled, bool Warp), KernelSpec> SpecByVariant =
        KernelSpecs.ToDictionary(k => (k.Name.StartsWith("noise_grid", StringComparison.Ordinal), k.Name[k.Name.IndexOfAny(['2', '3', '4'])] - '0',
            k.Name.Contains("_grad", StringComparison.Ordinal), k.Name.Contains("_tiled", StringComparison.Ordinal), k.Name.EndsWith("_warp", StringComparison.Ordinal)));

    private Kernel KernelFor(bool grid, int d, bool grad) =>
        _gpu.GetKernel(SpecByVariant[(grid, d, grad, _settings.IsPeriodic, _settings.WarpStages > 0)]);

    /// <summary>Samples along x that one invocation of a value-only, untiled grid kernel fills (FF_NOISE_WIDE in
    /// Shaders/noise.comp): per-invocation costs are shared and the samples' independent arithmetic overlaps.</summary>
    internal const int GridSamplesPerInvocation = 4;

    /// <summary>Vulkan's guaranteed minimum of maxComputeWorkGroupCount per axis: grid kernels launch one row of
    /// workgroups per grid line and slice.</summary>
    public const int MaxGroupsPerAxis = 65535;

    private readonly GpuContext _gpu;
    private NoiseSettings _settings;

    /// <summary>A noise field on <paramref name="gpu"/> with <paramref name="settings"/> (validated).</summary>
    public GpuNoise(GpuContext gpu, NoiseSettings settings)
    {
        _gpu = gpu ?? throw new ArgumentNullException(nameof(gpu));
        ArgumentNullException.ThrowIfNull(settings);
        _settings = settings.Validate();
    }

    /// <summary>The field's settings; assigning validates them (kernels are shared, so changing settings is free).</summary>
    public NoiseSettings Settings
    {
        get => _settings;
        set => _settings = (value ?? throw new ArgumentNullException(nameof(value))).Validate();
    }

    /// <summary>Records: fills <paramref name="values"/> with the field on <paramref name="grid"/>, and
    /// <paramref name="gradients"/> (grid.Count × dimensions, 2D/3D only) when given.</summary>
    public void RecordFillGrid(CommandBatch batch, NoiseGrid grid, GpuBuffer<float> values, GpuBuffer<float>? gradients = null)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(values);
        grid.Validate();
        if (values.Length < grid.Count) throw new ArgumentException($"values holds {values.Length} floats, the {grid.Width}x{grid.Height}x{grid.Depth} grid needs {grid.Count}");
        if (gradients is not null)
        {
            if (grid.Dimensions == 4) throw new ArgumentException("gradients are available for 2D and 3D noise only, got a 4D grid");
            if (gradients.Length < grid.Count * grid.Dimensions)
                throw new ArgumentException($"gradients holds {gradients.Length} floats, the grid needs {grid.Count * grid.Dimensions} ({grid.Dimensions} per sample)");
        }
        _settings.Validate(grid.Dimensions);
        var push = NoisePush.From(_settings, grid, grid.Count);
        if (grid.Height > MaxGroupsPerAxis || grid.Depth > MaxGroupsPerAxis)
            throw new ArgumentException($"grid height and depth must be <= {MaxGroupsPerAxis} (one workgroup row per line), got {grid.Height}x{grid.Depth}");
        bool grad = gradients is not null;
        var kernel = KernelFor(grid: true, grid.Dimensions, grad);
        // Value-only, untiled grid kernels fill GridSamplesPerInvocation neighbouring samples along x per invocation.
        long perGroupX = kernel.LocalSize.X * (long)(!grad && !_settings.IsPeriodic ? GridSamplesPerInvocation : 1);
        var groups = new GroupCount((uint)((grid.Width + perGroupX - 1) / perGroupX), (uint)((grid.Height + kernel.LocalSize.Y - 1) / kernel.LocalSize.Y),
            (uint)((grid.Depth + kernel.LocalSize.Z - 1) / kernel.LocalSize.Z));
        if (gradients is null) batch.Dispatch(kernel, push, groups, values);
        else batch.Dispatch(kernel, push, groups, values, gradients);
    }

    /// <summary>Records: evaluates <paramref name="count"/> packed points (default: all; <paramref name="dimensions"/>
    /// floats each) into <paramref name="values"/>, and gradients (2D/3D) when given.</summary>
    public void RecordEvaluate(CommandBatch batch, int dimensions, GpuBuffer<float> points, GpuBuffer<float> values,
        GpuBuffer<float>? gradients = null, long count = -1)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(values);
        if (dimensions is < 2 or > 4) throw new ArgumentException($"dimensions must be 2, 3 or 4, got {dimensions}");
        if (count < 0) count = points.Length / dimensions;
        if (count * dimensions > points.Length) throw new ArgumentException($"points holds {points.Length} floats, {count} {dimensions}D points need {count * dimensions}");
        if (count > uint.MaxValue) throw new ArgumentException($"{count} points exceed the 2^32 kernel limit");
        if (values.Length < count) throw new ArgumentException($"values holds {values.Length} floats, {count} points need {count}");
        if (gradients is not null)
        {
            if (dimensions == 4) throw new ArgumentException("gradients are available for 2D and 3D noise only, got 4D points");
            if (gradients.Length < count * dimensions) throw new ArgumentException($"gradients holds {gradients.Length} floats, {count} points need {count * dimensions}");
        }
        _settings.Validate(dimensions);
        var push = NoisePush.From(_settings, null, count);
        var kernel = KernelFor(grid: false, dimensions, gradients is not null);
        if (gradients is null) batch.DispatchThreads(kernel, push, count, points, values);
        else batch.DispatchThreads(kernel, push, count, points, values, gradients);
    }

    // ---- images ---------------------------------------------------------------------------------------------------

    internal static readonly KernelSpec RampSpec = new("noise_ramp", Buffers: 2, PushConstantBytes: NoiseRampPush.Size);

    /// <summary>Records: fills <paramref name="values"/> with the field on <paramref name="grid"/> (one slice: depth 1,
    /// the image's width and height) and copies them into <paramref name="image"/> (R32Sfloat), which a renderer then
    /// samples as a height map. Nothing is read back.</summary>
    public void RecordFillImage(CommandBatch batch, NoiseGrid grid, GpuBuffer<float> values, GpuImage image)
    {
        CheckImage(image, GpuImageFormat.R32Sfloat, grid.Width, grid.Height, grid.Depth);
        RecordFillGrid(batch, grid, values);
        batch.CopyToImage(values, image);
    }

    /// <summary>Records: maps <paramref name="image"/>.Width × Height <paramref name="values"/> to RGBA8 texels exactly as
    /// <see cref="NoiseImage.ToRgba"/> does ([<paramref name="min"/>, <paramref name="max"/>] to black..white, or through
    /// the terrain ramp when <paramref name="colorRamp"/>) into <paramref name="texels"/> (one packed uint each, the
    /// caller's scratch), and copies them into <paramref name="image"/> (R8G8B8A8Unorm). Nothing is read back.</summary>
    public void RecordColorImage(CommandBatch batch, GpuBuffer<float> values, GpuBuffer<uint> texels, GpuImage image,
        float min = -1f, float max = 1f, bool colorRamp = true)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(texels);
        CheckImage(image, GpuImageFormat.R8G8B8A8Unorm, image?.Width ?? 0, image?.Height ?? 0, 1);
        if (!float.IsFinite(min) || !float.IsFinite(max) || max <= min) throw new ArgumentException($"value range must be finite with max > min, got [{min}, {max}]");
        long count = (long)image!.Width * image.Height;
        if (values.Length < count) throw new ArgumentException($"values holds {values.Length} floats, the {image.Width}x{image.Height} image needs {count}", nameof(values));
        if (texels.Length < count) throw new ArgumentException($"texels holds {texels.Length} uints, the {image.Width}x{image.Height} image needs {count}", nameof(texels));
        var push = new NoiseRampPush((uint)count, min, 1f / (max - min), colorRamp ? 1u : 0u);
        batch.DispatchThreads(_gpu.GetKernel(RampSpec), push, count, values, texels);
        batch.CopyToImage(texels, image);
    }

    /// <summary>Creates a <paramref name="grid"/>.Width × Height image of <paramref name="format"/>, fills it (raw values, or
    /// the RGBA8 mapping of <see cref="RecordColorImage"/>) in one submission, and returns it; the caller disposes it.</summary>
    public GpuImage CreateImage(NoiseGrid grid, GpuImageFormat format, float min = -1f, float max = 1f, bool colorRamp = true)
    {
        grid.Validate();
        if (grid.Depth != 1) throw new ArgumentException($"an image holds one slice: the grid's depth must be 1, got {grid.Depth}", nameof(grid));
        var image = _gpu.CreateImage(grid.Width, grid.Height, format, $"noise image {grid.Width}x{grid.Height} {format}");
        try
        {
            using var values = _gpu.CreateBuffer<float>(grid.Count, label: "noise image values");
            using var texels = format == GpuImageFormat.R8G8B8A8Unorm ? _gpu.CreateBuffer<uint>(grid.Count, label: "noise image texels") : null;
            using var batch = _gpu.BeginBatch();
            if (texels is null) RecordFillImage(batch, grid, values, image);
            else
            {
                RecordFillGrid(batch, grid, values);
                RecordColorImage(batch, values, texels, image, min, max, colorRamp);
            }
            batch.Submit();
            return image;
        }
        catch
        {
            image.Dispose();
            throw;
        }
    }

    private void CheckImage(GpuImage? image, GpuImageFormat format, int width, int height, int depth)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (image.IsDisposed) throw new ObjectDisposedException(image.Label, $"GPU image '{image.Label}' was used after Dispose()");
        if (image.Context != _gpu) throw new ArgumentException($"image '{image.Label}' belongs to another GpuContext", nameof(image));
        if (image.Format != format) throw new ArgumentException($"image '{image.Label}' is {image.Format}; this needs a {format} image", nameof(image));
        if (depth != 1 || image.Width != width || image.Height != height)
            throw new ArgumentException($"image '{image.Label}' is {image.Width}x{image.Height}; the grid is {width}x{height}x{depth} (it must be one slice of the image's size)", nameof(image));
    }

    /// <summary>Fills <paramref name="grid"/>, submits, and returns the values (grid.Count floats).</summary>
    public float[] FillGrid(NoiseGrid grid) => FillGrid(grid, out _, gradients: false);

    /// <summary>Fills <paramref name="grid"/> with values and (2D/3D) gradients, submits, and returns both.</summary>
    public float[] FillGrid(NoiseGrid grid, out float[] gradients) => FillGrid(grid, out gradients, gradients: true);

    private float[] FillGrid(NoiseGrid grid, out float[] gradientsOut, bool gradients)
    {
        grid.Validate();
        using var values = _gpu.CreateBuffer<float>(grid.Count, label: "noise values");
        using var grads = gradients ? _gpu.CreateBuffer<float>(grid.Count * grid.Dimensions, label: "noise gradients") : null;
        using (var batch = _gpu.BeginBatch())
        {
            RecordFillGrid(batch, grid, values, grads);
            batch.Submit();
        }
        gradientsOut = grads?.ToArray() ?? Array.Empty<float>();
        return values.ToArray();
    }

    /// <summary>Evaluates packed points (<paramref name="dimensions"/> floats each), submits, and returns the values.</summary>
    public float[] Evaluate(int dimensions, ReadOnlySpan<float> points) => Evaluate(dimensions, points, out _, gradients: false);

    /// <summary>Evaluates packed 2D/3D points and returns values and gradients (dimensions floats per point).</summary>
    public float[] Evaluate(int dimensions, ReadOnlySpan<float> points, out float[] gradients) => Evaluate(dimensions, points, out gradients, gradients: true);

    private float[] Evaluate(int dimensions, ReadOnlySpan<float> points, out float[] gradientsOut, bool gradients)
    {
        int count = CpuNoise.CheckPoints(dimensions, points.Length, int.MaxValue, 0);
        if (gradients && dimensions == 4) throw new ArgumentException("gradients are available for 2D and 3D noise only, got 4D points");
        using var p = _gpu.CreateBuffer<float>(points, label: "noise points");
        using var values = _gpu.CreateBuffer<float>(count, label: "noise values");
        using var grads = gradients ? _gpu.CreateBuffer<float>((long)count * dimensions, label: "noise gradients") : null;
        using (var batch = _gpu.BeginBatch())
        {
            RecordEvaluate(batch, dimensions, p, values, grads, count);
            batch.Submit();
        }
        gradientsOut = grads?.ToArray() ?? Array.Empty<float>();
        return values.ToArray();
    }
}
