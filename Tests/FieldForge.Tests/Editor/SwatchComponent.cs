using System.Numerics;
using FieldForge.Components;
using FieldForge.Gpu;
using RangeAttribute = FieldForge.Components.RangeAttribute;

namespace FieldForge.Tests.Editor;

/// <summary>
/// A small test-only component covering every parameter kind the inspector supports: the GPU fills a buffer with
/// the tinted colour (one dispatch in the frame's batch, timed), the CPU lays the pattern over it, and the previews
/// are an image, a plot and a mesh. Editor tests and the browser test drive it; real components come from Runtime.
/// </summary>
public sealed class SwatchComponent : Component
{
    public const int Size = 48;

    [Header("Swatch"), Range(0, 1, Step = 0.01), Tooltip("Brightness of the swatch")]
    public float Level { get; set; } = 0.5f;

    [Color, Tooltip("Colour multiplied by Level")]
    public Vector3 Tint { get; set; } = new(1f, 0.6f, 0.2f);

    public SwatchPattern Pattern { get; set; } = SwatchPattern.Stripes;

    [Range(2, 16), Tooltip("Stripes or checks across the image")]
    public int Stripes { get; set; } = 6;

    [Header("Extras"), Range(-1, 1)]
    public Vector2 Offset { get; set; }

    [FilePath(".png,.jpg"), Tooltip("Unused; shows the file-path field")]
    public string Texture { get; set; } = "";

    [Choices("low", "high")]
    public string Quality { get; set; } = "low";

    public bool Invert { get; set; }

    /// <summary>Makes the next Update throw (tests the session's error handling).</summary>
    [HideInInspector] public bool FailNextUpdate { get; set; }

    private GpuBuffer<uint>? _pixels;

    /// <summary>The GPU-filled colour (one packed RGBA8 per pixel, Size²), which the test game draws its frames from.</summary>
    public GpuBuffer<uint>? Pixels => _pixels;
    private readonly bool[] _filled = new bool[2]; // per frame in flight (a pipelined host completes a frame one Tick later)
    private IReadOnlyList<ComponentPreview> _previews = Array.Empty<ComponentPreview>();

    private bool _fresh;

    public override void OnEnable(GpuContext gpu)
    {
        _pixels = gpu.CreateBuffer<uint>(Size * Size, BufferLocation.HostVisible, "swatch");
        _fresh = true; // the host reports parametersChanged=false on a re-enable when nothing was edited meanwhile
    }

    public override void Update(FrameContext frame, bool parametersChanged)
    {
        if (FailNextUpdate) { FailNextUpdate = false; throw new InvalidOperationException("swatch failed on purpose"); }
        bool fill = _filled[frame.Slot] = parametersChanged || _fresh;
        _fresh = false;
        if (!fill) return;
        var c = Vector3.Clamp(Tint * Level, Vector3.Zero, Vector3.One) * 255;
        uint rgba = (uint)c.X | (uint)c.Y << 8 | (uint)c.Z << 16 | 255u << 24;
        using (frame.Batch.Time("swatch fill")) frame.Gpu.Primitives.RecordFill(frame.Batch, _pixels!, rgba);
    }

    public override void OnFrameCompleted(FrameContext frame)
    {
        if (!_filled[frame.Slot]) return;
        _filled[frame.Slot] = false;
        var pixels = _pixels!.ToArray();
        var rgba = new byte[Size * Size * 4];
        for (int y = 0; y < Size; y++)
            for (int x = 0; x < Size; x++)
            {
                int i = y * Size + x;
                float u = (float)x / Size + Offset.X, v = (float)y / Size + Offset.Y;
                bool dark = Pattern switch
                {
                    SwatchPattern.Stripes => ((int)MathF.Floor(u * Stripes) & 1) == 1,
                    SwatchPattern.Checker => (((int)MathF.Floor(u * Stripes) + (int)MathF.Floor(v * Stripes)) & 1) == 1,
                    _ => false,
                };
                for (int k = 0; k < 3; k++)
                {
                    int value = (int)(pixels[i] >> (8 * k) & 255);
                    if (dark) value /= 3;
                    rgba[i * 4 + k] = (byte)(Invert ? 255 - value : value);
                }
                rgba[i * 4 + 3] = 255;
            }
        var xs = Enumerable.Range(0, 64).Select(i => i / 63f).ToArray();
        _previews = new ComponentPreview[]
        {
            new ImagePreview("swatch", Size, Size, rgba),
            new PlotPreview("level profile", "u", "brightness", new[]
            {
                new PlotSeries("level", xs, xs.Select(x => Level * (0.5f + 0.5f * MathF.Cos(MathF.Tau * Stripes * x))).ToArray()),
            }),
            new MeshPreview("quad", new float[] { 0, 0, 0, 1, 0, 0, 1, 1, 0, 0, 1, 0 }, new float[] { 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1 }, null, new uint[] { 0, 1, 2, 0, 2, 3 }),
        };
    }

    public override IReadOnlyList<ComponentPreview> GetPreviews() => _previews;

    public override void OnDisable()
    {
        _pixels?.Dispose();
        _pixels = null;
        _previews = Array.Empty<ComponentPreview>();
    }
}
