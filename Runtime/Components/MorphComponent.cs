using System.Numerics;
using FieldForge.Gpu;
using FieldForge.Morphing;
using FieldForge.Core;

namespace FieldForge.Components;

/// <summary>
/// Morphs between two shapes every frame on the GPU (SDF morph + isosurface in the frame's batch). The mesh stays on
/// the GPU: a renderer draws <see cref="Surface"/>'s vertex and index buffers with its GPU-written indirect arguments.
/// It is read back to the host (<see cref="LastMesh"/>, the editor's mesh preview) only when <see cref="ReadBackMesh"/>
/// is set or the host wants previews, so a game's frame reads nothing back and allocates nothing. Sources are
/// primitive specs (<c>sphere:r=0.5</c>, <c>torus:R=0.6,r=0.2</c>, ...) or mesh files (.obj/.gltf/.glb); changing a
/// source or the resolution rebuilds the source grids once.
/// </summary>
public sealed class MorphComponent : Component
{
    private GpuContext? _gpu;
    private SdfMorph? _morph;
    private IsoSurfacer? _iso;
    private string? _builtKey;
    private int _builds;
    // Per frame in flight (FrameContext.Slot): what was recorded, so a pipelined host's late completion reads the right one.
    private readonly bool[] _recorded = new bool[IsoSurfacer.MaxSlots];
    private readonly float[] _recordedT = new float[IsoSurfacer.MaxSlots];
    private readonly int[] _recordedBuild = new int[IsoSurfacer.MaxSlots];
    private MeshPreview? _preview;
    private bool _previewStale; // the surface changed on a frame that wanted no preview
    private BackgroundLoad<ISdfSource[]>? _loading;
    private ComponentStatus _status = ComponentStatus.Ready;

    /// <summary>How long reading a mesh source may take before it is reported as failed.</summary>
    public static readonly TimeSpan LoadTimeout = TimeSpan.FromSeconds(10);

    /// <summary>First shape: a primitive spec such as sphere:r=0.5 or a mesh file (.obj, .gltf, .glb).</summary>
    [Header("Sources"), Tooltip("First shape: a primitive spec such as sphere:r=0.5 or a mesh file (.obj, .gltf, .glb)")]
    public string SourceA { get; set; } = "sphere:r=0.5";
    /// <summary>Second shape: a primitive spec such as torus:R=0.6,r=0.2 or a mesh file.</summary>
    [Tooltip("Second shape: a primitive spec such as torus:R=0.6,r=0.2 or a mesh file")]
    public string SourceB { get; set; } = "torus:R=0.6,r=0.2";
    /// <summary>Colour of a primitive first source (mesh sources keep their vertex colours).</summary>
    [Color, Tooltip("Colour of a primitive first source (mesh sources keep their vertex colours)")]
    public Vector3 ColorA { get; set; } = new(1f, 0.45f, 0.1f);
    /// <summary>Colour of a primitive second source.</summary>
    [Color, Tooltip("Colour of a primitive second source")]
    public Vector3 ColorB { get; set; } = new(0.1f, 0.45f, 1f);

    /// <summary>Blend parameter: 0 = first source, 1 = second (ignored while Animate is on).</summary>
    [Header("Morph"), Range(0, 1), Tooltip("Blend parameter: 0 = first source, 1 = second (ignored while Animate is on)")]
    public float T { get; set; } = 0.5f;
    /// <summary>Sweep t back and forth over time instead of using T.</summary>
    [Tooltip("Sweep t back and forth over time instead of using T")]
    public bool Animate { get; set; }
    /// <summary>Seconds for one sweep 0 -&gt; 1 -&gt; 0 when animating.</summary>
    [Range(0.5, 60), Tooltip("Seconds for one sweep 0 -> 1 -> 0 when animating")]
    public float PeriodSeconds { get; set; } = 4f;
    /// <summary>Linear blends distances in place; Aligned moves and scales the sources onto each other first.</summary>
    [Tooltip("Linear blends distances in place; Aligned moves and scales the sources onto each other first")]
    public MorphSchedule Schedule { get; set; } = MorphSchedule.Aligned;
    /// <summary>Grid points per axis (cost grows with the cube).</summary>
    [Range(8, 256), Tooltip("Grid points per axis (cost grows with the cube)")]
    public int Resolution { get; set; } = 64;

    /// <summary>Read the extracted mesh back into <see cref="LastMesh"/> after every extraction even when nobody asks for
    /// previews (tools and tests; a game draws <see cref="Surface"/> instead and leaves this off).</summary>
    [HideInInspector] public bool ReadBackMesh { get; set; }

    /// <summary>The isosurface on the GPU: <see cref="IsoSurfacer.VertexBuffer"/>, <see cref="IsoSurfacer.IndexBuffer"/> and
    /// <see cref="IsoSurfacer.DrawIndirectArguments"/> for vkCmdDrawIndexedIndirect. Null before the sources are built;
    /// replaced when a source or the resolution changes (read it each frame).</summary>
    [HideInInspector] public IsoSurfacer? Surface => _iso;

    /// <summary>The t of the last recorded frame.</summary>
    [HideInInspector] public float CurrentT { get; private set; }
    /// <summary>The last extracted mesh read back to the host (null until one was read: needs <see cref="ReadBackMesh"/>
    /// or a host that wants previews). It stays valid through a frame in which the surface outgrew the GPU output
    /// buffers.</summary>
    [HideInInspector] public TriangleMesh? LastMesh { get; private set; }

    /// <summary>True when the last completed extraction fit its buffers (blocking: the one at <see cref="CurrentT"/>;
    /// pipelined: the frame before the one just recorded); false before any completed, and for the one frame after the
    /// output buffers grew (the component re-records by itself).</summary>
    [HideInInspector] public bool MeshIsCurrent { get; private set; }

    /// <summary>Computing while sources load (off the frame thread); an error when a source cannot be read, with the
    /// previous mesh kept but marked stale; otherwise ok.</summary>
    public override ComponentStatus Status => _status;

    /// <inheritdoc/>
    public override void OnEnable(GpuContext gpu) => _gpu = gpu;

    /// <inheritdoc/>
    public override void Update(FrameContext frame, bool parametersChanged)
    {
        if (_gpu is null) throw new InvalidOperationException("MorphComponent was not enabled on a host");
        if (!(PeriodSeconds > 0)) throw new ArgumentOutOfRangeException(nameof(PeriodSeconds), $"PeriodSeconds must be > 0, got {PeriodSeconds}");
        _recorded[frame.Slot] = false;
        // The key (a string) is built only when a parameter changed or a load is under way: nothing per steady frame.
        if ((parametersChanged || _builtKey is null || _loading is not null) && !EnsureBuilt()) return;
        _morph!.Schedule = Schedule;
        float t = T;
        if (Animate)
        {
            double phase = frame.TimeSeconds / PeriodSeconds % 1.0;
            t = (float)(phase < 0.5 ? 2 * phase : 2 - 2 * phase);
        }
        if (!(t >= 0 && t <= 1)) throw new ArgumentOutOfRangeException(nameof(T), $"T must be in [0, 1], got {T}");
        bool hostCopyMissing = (frame.PreviewsWanted && (_preview is null || _previewStale)) || (ReadBackMesh && LastMesh is null);
        if (!parametersChanged && !Animate && MeshIsCurrent && t == CurrentT && !hostCopyMissing) return;
        CurrentT = t;
        MeshIsCurrent = false;
        _morph.Record(frame.Batch, t);
        _iso!.Record(frame.Batch, _morph.Grid, _morph.Distance, _morph.Color, slot: frame.Slot);
        _recorded[frame.Slot] = true;
        _recordedT[frame.Slot] = t;
        _recordedBuild[frame.Slot] = _builds;
    }

    private bool EnsureBuilt()
    {
        string key = $"{SourceA}|{SourceB}|{ColorA}|{ColorB}|{Resolution}";
        return _builtKey == key || TryRebuild(key);
    }

    /// <inheritdoc/>
    public override void OnFrameCompleted(FrameContext frame)
    {
        int slot = frame.Slot;
        if (!_recorded[slot]) return;
        _recorded[slot] = false;
        if (_recordedBuild[slot] != _builds) return; // the sources were rebuilt since: that surface is gone
        // When the surface outgrew the output buffers they were enlarged; the next frame records again (MeshIsCurrent
        // stays false until then). Checking reads two status words in place: no read-back.
        if (!_iso!.TryEnsureCapacity(slot)) { MeshIsCurrent = false; return; }
        // Pipelined, a newer frame (maybe another t) is already in flight; it reports its own fit when it completes.
        MeshIsCurrent = true;
        _status = ComponentStatus.Ready;
        // A surface made on a frame that wanted no preview leaves the preview behind: the next frame that wants one
        // records again (a tool asks for previews at its refresh rate, not every frame).
        if (!frame.PreviewsWanted) _previewStale = true;
        if (!ReadBackMesh && !frame.PreviewsWanted) return;
        // Pipelined, the buffers may already hold a newer frame by now; the read shows whichever completed last.
        if (!_iso.TryReadMesh(out var mesh)) { MeshIsCurrent = false; return; }
        LastMesh = mesh;
        if (!frame.PreviewsWanted) return;
        _previewStale = false;
        _preview = new MeshPreview($"{Name} t={_recordedT[slot]:F2} ({mesh.TriangleCount} triangles)",
            Flatten(mesh.Positions), Flatten(mesh.Normals!), mesh.Colors is null ? null : Flatten(mesh.Colors),
            Array.ConvertAll(mesh.Indices, i => (uint)i));
    }

    /// <inheritdoc/>
    public override IReadOnlyList<ComponentPreview> GetPreviews() => _preview is null ? Array.Empty<ComponentPreview>() : new ComponentPreview[] { _preview };

    /// <inheritdoc/>
    public override void OnDisable()
    {
        _morph?.Dispose(); _iso?.Dispose();
        _morph = null; _iso = null; _builtKey = null; LastMesh = null; MeshIsCurrent = false; _preview = null;
        Array.Clear(_recorded);
        _loading = null; _status = ComponentStatus.Ready;
    }

    /// <summary>Sources are read on a worker thread (a mesh file may be slow, huge, or a FIFO that never answers); the
    /// frame goes on with the previous mesh meanwhile. True once the new sources are built on the GPU.</summary>
    private bool TryRebuild(string key)
    {
        SdfGrid.ValidateResolution(Resolution);
        if (!LooksLikeFile(SourceA) && !LooksLikeFile(SourceB))
        {
            // Primitive specs involve no I/O: built at once, and a bad spec throws (the host names this component).
            _loading = null;
            Build(key, [Load(SourceA, ColorA, nameof(SourceA)), Load(SourceB, ColorB, nameof(SourceB))]);
            return true;
        }
        if (_loading?.Key != key)
        {
            string a = SourceA, b = SourceB;
            Vector3 ca = ColorA, cb = ColorB;
            _loading = new BackgroundLoad<ISdfSource[]>(key, () => [Load(a, ca, nameof(SourceA)), Load(b, cb, nameof(SourceB))], LoadTimeout);
        }
        ISdfSource[] sources;
        try
        {
            if (!_loading.TryTake(out sources))
            {
                _status = ComponentStatus.Computing($"reading sources ({_loading.ElapsedSeconds:0.0} s)", previewsStale: _preview is not null);
                return false;
            }
        }
        catch (Exception e) when (e is FormatException or InvalidDataException or IOException or ArgumentException or TimeoutException or UnauthorizedAccessException)
        {
            // Stays failed (the load is not retried) until a source or the resolution changes.
            _status = ComponentStatus.Failed(e is TimeoutException ? $"{SourceA} / {SourceB}: {e.Message}" : e.Message);
            return false;
        }
        _loading = null;
        Build(key, sources);
        return true;
    }

    private static bool LooksLikeFile(string spec) =>
        Path.HasExtension(spec) && !SdfShape.LooksLikeSpec(spec) || File.Exists(spec);

    private static ISdfSource Load(string spec, Vector3 color, string parameter)
    {
        try
        {
            if (File.Exists(spec)) BackgroundLoad<ISdfSource>.RequireRegularFile(spec, parameter);
            return SdfSourceSpec.Load(spec, color);
        }
        catch (Exception e) when (e is FormatException or InvalidDataException or IOException or ArgumentException)
        {
            throw new ArgumentException(e.Message.StartsWith(parameter + ":", StringComparison.Ordinal) ? e.Message : $"{parameter}: {e.Message}", parameter, e);
        }
    }

    private void Build(string key, ISdfSource[] sources)
    {
        _morph?.Dispose(); _iso?.Dispose();
        _morph = null; _iso = null;
        var grid = SdfMorph.GridFor(sources, Resolution);
        _morph = new SdfMorph(_gpu!, sources, grid, Schedule);
        _iso = new IsoSurfacer(_gpu!, Resolution);
        _builtKey = key;
        _builds++;
    }

    private static float[] Flatten(Vector3[] v)
    {
        var f = new float[v.Length * 3];
        for (int i = 0; i < v.Length; i++) { f[3 * i] = v[i].X; f[3 * i + 1] = v[i].Y; f[3 * i + 2] = v[i].Z; }
        return f;
    }
}
