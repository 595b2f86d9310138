using FieldForge.Gpu;
using FieldForge.Noise;
using RangeAttribute = FieldForge.Components.RangeAttribute;

namespace FieldForge.Components;

/// <summary>
/// A simplex noise texture (2D, or a z/w slice of 3D/4D noise) regenerated on the GPU only when a parameter changed.
/// The result stays on the GPU: <see cref="Values"/> (a buffer of Width × Height floats), <see cref="Texture"/> (the same
/// values as an R32Sfloat image) and <see cref="ColorTexture"/> (RGBA8, colour-ramped) that a game samples directly.
/// After the frame completed, <see cref="Rgba"/> (RGBA8 pixels) is shown as the component's preview.
/// </summary>
public sealed class NoiseComponent : Component
{
    /// <summary>Texture width in pixels.</summary>
    [Header("Texture"), Range(1, 4096), Tooltip("Texture width in pixels")] public int Width { get; set; } = 256;
    /// <summary>Texture height in pixels.</summary>
    [Range(1, 4096), Tooltip("Texture height in pixels")] public int Height { get; set; } = 256;
    /// <summary>Noise dimensions: 2, or a slice of 3D/4D noise at Slice.</summary>
    [Range(2, 4), Tooltip("Noise dimensions: 2, or a slice of 3D/4D noise at Slice")] public int Dimensions { get; set; } = 2;
    /// <summary>z (3D) or w (4D) of the slice; animate it for evolving noise.</summary>
    [Range(-1000, 1000), LogScale(0.1), Tooltip("z (3D) or w (4D) of the slice; animate it for evolving noise")] public float Slice { get; set; }
    /// <summary>Input units per pixel (the texture spans Width × PixelSize units).</summary>
    [Range(0.0001, 100), LogScale, Tooltip("Input units per pixel (the texture spans Width × PixelSize units)")] public float PixelSize { get; set; } = 1f / 64;
    /// <summary>Colour ramp (terrain) instead of greyscale in the preview image.</summary>
    [Tooltip("Colour ramp (terrain) instead of greyscale in the preview image")] public bool ColorRamp { get; set; } = true;

    /// <summary>32-bit seed of the gradient hash.</summary>
    [Header("Noise"), Range(int.MinValue, int.MaxValue), Tooltip("32-bit seed of the gradient hash")] public int Seed { get; set; } = 1337;
    /// <summary>How octaves combine: fBm (soft), ridged (sharp crests), billow (puffy).</summary>
    [Tooltip("How octaves combine: fBm (soft), ridged (sharp crests), billow (puffy)")] public NoiseMode Mode { get; set; } = NoiseMode.Fbm;
    /// <summary>Number of octaves.</summary>
    [Range(1, 16), Tooltip("Number of octaves")] public int Octaves { get; set; } = 5;
    /// <summary>Lattice cells per input unit of the first octave.</summary>
    [Range(0.001, 1000), LogScale, Tooltip("Lattice cells per input unit of the first octave")] public float Frequency { get; set; } = 1f;
    /// <summary>Frequency multiplier between octaves (an integer when tiling).</summary>
    [Range(1, 16), Tooltip("Frequency multiplier between octaves (an integer when tiling)")] public float Lacunarity { get; set; } = 2f;
    /// <summary>Amplitude multiplier between octaves.</summary>
    [Range(0, 4), Tooltip("Amplitude multiplier between octaves")] public float Gain { get; set; } = 0.5f;
    /// <summary>Output scale (the octave sum is normalised first).</summary>
    [Range(-1000, 1000), LogScale(0.01), Tooltip("Output scale (the octave sum is normalised first)")] public float Amplitude { get; set; } = 1f;
    /// <summary>Added to the output.</summary>
    [Range(-1000, 1000), LogScale(0.01), Tooltip("Added to the output")] public float Offset { get; set; }

    /// <summary>Warp stages: 0 none, 1 or 2 (each bends coordinates by noise).</summary>
    [Header("Domain warp"), Range(0, 2), Tooltip("Warp stages: 0 none, 1 or 2 (each bends coordinates by noise)")] public int WarpStages { get; set; }
    /// <summary>Largest warp displacement in input units.</summary>
    [Range(0, 100), LogScale(0.01), Tooltip("Largest warp displacement in input units")] public float WarpAmplitude { get; set; } = 0.5f;

    /// <summary>Period along x in lattice cells (0 = not periodic).</summary>
    [Header("Tiling"), Range(0, 1024), Tooltip("Period along x in lattice cells (0 = not periodic)")] public int PeriodX { get; set; }
    /// <summary>Period along y in lattice cells (0 = not periodic; even in 2D).</summary>
    [Range(0, 1024), Tooltip("Period along y in lattice cells (0 = not periodic; even in 2D)")] public int PeriodY { get; set; }

    private GpuNoise? _noise;
    private readonly bool[] _pendingReadback = new bool[2]; // per frame in flight (FrameContext.Slot)
    private byte[]? _rgba;
    private int _rgbaWidth, _rgbaHeight;
    private bool _rgbaStale; // regenerated on a frame that wanted no pixels: the next frame that wants them reads

    /// <summary>The noise values (Width × Height floats, row-major) on the GPU; null before the first frame.</summary>
    [HideInInspector] public GpuBuffer<float>? Values { get; private set; }

    /// <summary>The noise values as an R32Sfloat texture (Width × Height, e.g. a height map), rewritten on the GPU in the
    /// frame's batch whenever a parameter changed; null before the first frame. Sample it after that batch (see
    /// <see cref="GpuImage"/> for layout and synchronisation). A size change replaces it: read the property each frame.</summary>
    [HideInInspector] public GpuImage? Texture { get; private set; }

    /// <summary>The same texture as RGBA8 colour (R8G8B8A8Unorm): the terrain ramp, or greyscale when
    /// <see cref="ColorRamp"/> is off, over the value range Offset ± |Amplitude| (the preview's mapping). Written with
    /// <see cref="Texture"/>, never read back.</summary>
    [HideInInspector] public GpuImage? ColorTexture { get; private set; }

    private GpuBuffer<uint>? _texels;

    /// <summary>Read the texture back into <see cref="Rgba"/> after each generation even when nobody asks for previews
    /// (tools and tests; a game samples the GPU buffer instead and leaves this off).</summary>
    [HideInInspector] public bool ReadBackPixels { get; set; }

    /// <summary>RGBA8 pixels of the last generated texture (row-major, top row first); null until one was read back
    /// (needs <see cref="ReadBackPixels"/> or a host that wants previews).</summary>
    [HideInInspector] public byte[]? Rgba => _rgba;

    /// <summary>How many times the texture was generated (only when parameters changed).</summary>
    [HideInInspector] public int Generations { get; private set; }

    /// <summary>The parameters as validated noise settings.</summary>
    public NoiseSettings ToSettings() => new NoiseSettings
    {
        Seed = Seed, Mode = Mode, Octaves = Octaves, Frequency = Frequency, Lacunarity = Lacunarity, Gain = Gain,
        Amplitude = Amplitude, Offset = Offset, WarpStages = WarpStages, WarpAmplitude = WarpAmplitude, PeriodX = PeriodX, PeriodY = PeriodY,
    }.Validate(Dimensions);

    private bool SettingsMatch(NoiseSettings s) =>
        s.Seed == Seed && s.Mode == Mode && s.Octaves == Octaves && s.Frequency == Frequency && s.Lacunarity == Lacunarity &&
        s.Gain == Gain && s.Amplitude == Amplitude && s.Offset == Offset && s.WarpStages == WarpStages &&
        s.WarpAmplitude == WarpAmplitude && s.PeriodX == PeriodX && s.PeriodY == PeriodY && s.PeriodZ == 0;

    /// <summary>The sample grid the texture covers.</summary>
    public NoiseGrid ToGrid() => new NoiseGrid(Dimensions, Width, Height, 1,
        new System.Numerics.Vector4(0, 0, Dimensions == 3 ? Slice : 0, Dimensions == 4 ? Slice : 0), new System.Numerics.Vector3(PixelSize)).Validate();

    /// <inheritdoc/>
    public override void Update(FrameContext frame, bool parametersChanged)
    {
        _pendingReadback[frame.Slot] = false;
        if (!parametersChanged)
        {
            // Someone wants pixels that are missing or older than the texture (the editor attached, or asks for previews at
            // its refresh rate, not every frame): read the existing texture's values.
            if (Values is not null && (_rgba is null || _rgbaStale) && (frame.PreviewsWanted || ReadBackPixels)) _pendingReadback[frame.Slot] = true;
            return;
        }
        var grid = ToGrid();
        // Settings (a record) are rebuilt only when one of them changed: an evolving slice allocates nothing per frame.
        if (_noise is null) _noise = new GpuNoise(frame.Gpu, ToSettings());
        else if (!SettingsMatch(_noise.Settings)) _noise.Settings = ToSettings();
        else _noise.Settings.Validate(Dimensions);
        if (Values is null || Values.Length != grid.Count)
        {
            Values?.Dispose();
            Values = frame.Gpu.CreateBuffer<float>(grid.Count, label: "NoiseComponent values");
        }
        if (Texture is null || Texture.Width != Width || Texture.Height != Height)
        {
            Texture?.Dispose(); ColorTexture?.Dispose(); _texels?.Dispose();
            Texture = frame.Gpu.CreateImage(Width, Height, GpuImageFormat.R32Sfloat, "NoiseComponent texture");
            ColorTexture = frame.Gpu.CreateImage(Width, Height, GpuImageFormat.R8G8B8A8Unorm, "NoiseComponent colour texture");
            _texels = frame.Gpu.CreateBuffer<uint>(grid.Count, label: "NoiseComponent texels");
        }
        var (min, max) = ColorRange();
        using (frame.Batch.Time(Name))
        {
            _noise.RecordFillImage(frame.Batch, grid, Values, Texture);
            _noise.RecordColorImage(frame.Batch, Values, _texels!, ColorTexture!, min, max, ColorRamp);
        }
        Generations++;
        _pendingReadback[frame.Slot] = frame.PreviewsWanted || ReadBackPixels;
        if (!_pendingReadback[frame.Slot]) _rgbaStale = true;
    }

    /// <summary>The value range mapped to black..white (or the ramp's ends) in <see cref="ColorTexture"/>: Offset ± |Amplitude|,
    /// widened to at least one float step so a zero amplitude still gives a valid range.</summary>
    private (float Min, float Max) ColorRange()
    {
        float min = Offset - Math.Abs(Amplitude), max = Offset + Math.Abs(Amplitude);
        if (!(max > min)) max = MathF.BitIncrement(min);
        return (min, max);
    }

    /// <inheritdoc/>
    public override void OnFrameCompleted(FrameContext frame)
    {
        if (!_pendingReadback[frame.Slot] || Values is null) return;
        _pendingReadback[frame.Slot] = false;
        var values = Values.ToArray();
        _rgbaWidth = Width; _rgbaHeight = Height;
        var (min, max) = ColorRange(); // the texture's range: the preview shows the same pixels, and it cannot collapse
        _rgba = NoiseImage.ToRgba(values, Width, Height, min, max, ColorRamp);
        _rgbaStale = false;
    }

    /// <inheritdoc/>
    public override IReadOnlyList<ComponentPreview> GetPreviews() =>
        _rgba is null ? Array.Empty<ComponentPreview>() : [new ImagePreview($"{Mode} noise {_rgbaWidth}x{_rgbaHeight}", _rgbaWidth, _rgbaHeight, _rgba)];

    /// <inheritdoc/>
    public override void OnDisable()
    {
        Values?.Dispose();
        Values = null;
        Texture?.Dispose(); ColorTexture?.Dispose(); _texels?.Dispose();
        Texture = null; ColorTexture = null; _texels = null;
        _noise = null;
        _rgba = null;
        _rgbaStale = false;
        Array.Clear(_pendingReadback);
    }
}
