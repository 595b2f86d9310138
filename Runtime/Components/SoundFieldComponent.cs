using System.Numerics;
using FieldForge.Acoustics;
using FieldForge.Gpu;

namespace FieldForge.Components;

/// <summary>
/// Wave-based sound propagation in a room: simulates the impulse response from <see cref="Source"/> to
/// <see cref="Listener"/> with the GPU FDTD solver, spread over frames (one chunk of steps per frame inside the host's
/// single submission), and starts again whenever the source, listener, room or quality changes.
/// Previews: the impulse response and a horizontal pressure slice through the listener.
/// </summary>
public sealed class SoundFieldComponent : Component
{
    private FdtdSolver? _solver;
    private FdtdRun? _run;
    private string? _solverKey;
    private ImagePreview? _slice;
    private readonly bool[] _dispatched = new bool[2]; // per frame in flight (FrameContext.Slot)
    private SoundFieldSurrogate? _surrogate;
    private string? _surrogateLoaded;
    private readonly bool[] _predicting = new bool[2];
    private readonly ImpulseResponse?[] _predicted = new ImpulseResponse?[2];
    private int _stepsRecorded;
    private long _recordedAt;
    private double _msPerStep;

    /// <summary>box:LXxLYxLZ, lshape:LXxLYxLZ,cut=CXxCY, union:AxBxC..DxExF,... or obj:path.obj (metres, lower corner at the origin).</summary>
    [Header("Room")]
    [Tooltip("box:LXxLYxLZ, lshape:LXxLYxLZ,cut=CXxCY, union:AxBxC..DxExF,... or obj:path.obj (metres, lower corner at the origin)")]
    public string Room { get; set; } = "box:3x2.5x2.2";

    /// <summary>rigid, R=&lt;normal-incidence reflection coefficient&gt; or Z=&lt;impedance in Pa s/m&gt;.</summary>
    [Tooltip("rigid, R=<normal-incidence reflection coefficient> or Z=<impedance in Pa s/m>")]
    public string Walls { get; set; } = "R=0.9";

    /// <summary>Sound source position, metres.</summary>
    [Header("Positions")]
    [Range(-100, 100), Tooltip("Sound source position, metres")]
    public Vector3 Source { get; set; } = new(0.8f, 0.8f, 1.1f);

    /// <summary>Listener position, metres.</summary>
    [Range(-100, 100), Tooltip("Listener position, metres")]
    public Vector3 Listener { get; set; } = new(2.2f, 1.6f, 1.2f);

    /// <summary>Highest simulated frequency: Draft 250 Hz, Normal 500 Hz, High 1000 Hz.</summary>
    [Header("Quality")]
    [Tooltip("Highest simulated frequency: Draft 250 Hz, Normal 500 Hz, High 1000 Hz")]
    public SoundFieldQuality Quality { get; set; } = SoundFieldQuality.Draft;

    /// <summary>Optional trained surrogate (.ffsg from ./ff acoustics train): when set, the IR is predicted in milliseconds instead of simulated; Room/Walls/Quality/Duration then come from the model.</summary>
    [Tooltip("Optional trained surrogate (.ffsg from ./ff acoustics train): when set, the IR is predicted in milliseconds instead of simulated; Room/Walls/Quality/Duration then come from the model")]
    [FilePath(".ffsg")]
    public string SurrogatePath { get; set; } = "";

    /// <summary>Length of the impulse response, seconds.</summary>
    [Range(0.005, 0.5, Step = 0.005)]
    [Tooltip("Length of the impulse response, seconds")]
    public double DurationSeconds { get; set; } = 0.05;

    /// <summary>The latest complete impulse response at the listener (Pa per 1 Pa source pulse); null until one finished.
    /// With a surrogate, responses are predicted into two reused objects in turn (a listener moving every frame
    /// allocates nothing): one taken from here is rewritten two predictions later, so copy its samples to keep them.</summary>
    [HideInInspector] public ImpulseResponse? ImpulseResponse { get; private set; }

    /// <summary>Incremented each time <see cref="ImpulseResponse"/> is replaced.</summary>
    [HideInInspector] public int ImpulseResponseVersion { get; private set; }

    /// <summary>Fraction of the current simulation done (1 when the IR is up to date).</summary>
    [HideInInspector] public double Progress => _run is null ? 1 : (double)_run.StepsDone / Math.Max(1, _run.TotalSteps);

    /// <summary>Empty when all is well, else why no IR is being computed (e.g. the source is outside the room).</summary>
    [HideInInspector] public string Problem { get; private set; } = "";

    /// <summary>Error when the parameters cannot be simulated (<see cref="Problem"/>), computing with the fraction of
    /// time steps done while a simulation runs (the shown IR is then the previous one), else ok.</summary>
    public override ComponentStatus Status =>
        Problem.Length > 0 ? ComponentStatus.Failed(Problem)
        : _run is { IsComplete: false } run ? ComponentStatus.Computing($"simulating: {run.StepsDone} of {run.TotalSteps} time steps", Progress, previewsStale: ImpulseResponse is not null)
        : ComponentStatus.Ready;

    /// <summary>fmax of a quality preset, Hz.</summary>
    public static double MaxFrequency(SoundFieldQuality q) => q switch { SoundFieldQuality.Draft => 250, SoundFieldQuality.Normal => 500, _ => 1000 };

    private GpuContext? _gpu;

    /// <inheritdoc/>
    public override void OnEnable(GpuContext gpu) => _gpu = gpu;

    /// <inheritdoc/>
    public override void Update(FrameContext frame, bool parametersChanged)
    {
        _dispatched[frame.Slot] = false;
        _predicting[frame.Slot] = false;
        if (parametersChanged && SurrogatePath.Length > 0)
        {
            try
            {
                if (_surrogate is null || _surrogateLoaded != SurrogatePath)
                {
                    _surrogate?.Dispose();
                    _surrogate = null;
                    BackgroundLoad<int>.RequireRegularFile(SurrogatePath, nameof(SurrogatePath)); // a FIFO or device would block the frame
                    _surrogate = SoundFieldSurrogate.Load(frame.Gpu, SurrogatePath);
                    _surrogateLoaded = SurrogatePath;
                }
                _run?.Dispose();
                _run = null;
                Problem = "";
                _surrogate.RecordImpulseResponse(frame.Batch, Source, Listener);
                _predicting[frame.Slot] = true;
            }
            catch (Exception e) when (e is ArgumentException or InvalidDataException or FileNotFoundException)
            {
                Problem = e.Message.Split('\n')[0];
            }
            return;
        }
        if (parametersChanged) Restart();
        if (_run is null || _run.IsComplete) return;
        // Pipelined, the previous frame's chunk is collected after this frame is recorded: two chunks may wait.
        if (_run.HasPendingChunk) return;
        int before = _run.StepsDone;
        _run.RecordNext(frame.Batch, StepsWithinBudget(frame.BudgetMilliseconds));
        _stepsRecorded = _run.StepsDone - before;
        _recordedAt = System.Diagnostics.Stopwatch.GetTimestamp();
        _dispatched[frame.Slot] = true;
    }

    /// <summary>Time steps recorded in the last frame (fewer than the solver's chunk when the host's frame budget
    /// would be exceeded, judged by the measured wall-clock cost per step).</summary>
    [HideInInspector] public int LastFrameSteps => _stepsRecorded;

    private int StepsWithinBudget(double budgetMilliseconds)
    {
        if (double.IsPositiveInfinity(budgetMilliseconds)) return int.MaxValue;
        if (_msPerStep <= 0) return 1; // measure one step before recording more
        return (int)Math.Clamp(Math.Floor(budgetMilliseconds / _msPerStep), 1, int.MaxValue);
    }

    /// <inheritdoc/>
    public override void OnFrameCompleted(FrameContext frame)
    {
        if (_predicting[frame.Slot])
        {
            _predicting[frame.Slot] = false;
            // Two reused responses, alternating: a listener moving every frame allocates nothing, and the response a
            // consumer took last frame stays intact for one more prediction.
            var surrogate = _surrogate!;
            int next = ImpulseResponseVersion & 1;
            if (_predicted[next] is not { } ir || ir.Samples.Length != surrogate.Outputs || ir.SampleRate != 1 / surrogate.OutputInterval)
                ir = _predicted[next] = new ImpulseResponse(1 / surrogate.OutputInterval, new float[surrogate.Outputs]);
            surrogate.ReadImpulseResponse(ir.Samples);
            ImpulseResponse = ir;
            ImpulseResponseVersion++;
            _slice = null;
            return;
        }
        if (_run is null || !_dispatched[frame.Slot]) return;
        _dispatched[frame.Slot] = false;
        if (_stepsRecorded > 0)
        {
            double perStep = System.Diagnostics.Stopwatch.GetElapsedTime(_recordedAt).TotalMilliseconds / _stepsRecorded;
            _msPerStep = _msPerStep <= 0 ? perStep : 0.6 * _msPerStep + 0.4 * perStep;
        }
        _run.Collect();
        if (!_run.IsComplete) return;
        ImpulseResponse = _run.Recording.ToImpulseResponse();
        ImpulseResponseVersion++;
        _slice = Slice(_solver!, Listener);
        _run.Dispose();
        _run = null;
    }

    private void Restart()
    {
        _run?.Dispose();
        _run = null;
        Problem = "";
        try
        {
            var settings = new FdtdSettings { MaxFrequencyHz = MaxFrequency(Quality) };
            string key = $"{Room}|{Walls}|{Quality}";
            if (_solver is null || key != _solverKey)
            {
                if (Room.StartsWith("obj:", StringComparison.OrdinalIgnoreCase)) BackgroundLoad<int>.RequireRegularFile(Room[4..].Trim(), nameof(Room));
                var room = Acoustics.Room.Parse(Room).WithWalls(WallSpec.Parse(Walls));
                _solver?.Dispose();
                _solver = null;
                _solver = new FdtdSolver(_gpu ?? throw new InvalidOperationException("SoundFieldComponent is not enabled on a host"), room, settings);
                _solverKey = key;
                _msPerStep = 0; // another grid costs differently per step
            }
            _run = _solver.Start(Source, new[] { Listener }, DurationSeconds);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidDataException or FileNotFoundException)
        {
            Problem = e.Message.Split('\n')[0];
        }
    }

    /// <inheritdoc/>
    public override IReadOnlyList<ComponentPreview> GetPreviews()
    {
        var previews = new List<ComponentPreview>();
        if (ImpulseResponse is { } ir)
        {
            var t = Enumerable.Range(0, ir.Samples.Length).Select(n => (float)(n / ir.SampleRate)).ToArray();
            previews.Add(new PlotPreview("Impulse response at the listener", "time (s)", "pressure (Pa)", new[] { new PlotSeries(_surrogate is not null && SurrogatePath.Length > 0 ? "DeepONet surrogate" : "FDTD", t, ir.Samples) }));
        }
        if (_slice is not null) previews.Add(_slice);
        return previews;
    }

    /// <summary>The pressure field's horizontal slice through <paramref name="at"/>: red positive, blue negative, grey walls.</summary>
    private static ImagePreview Slice(FdtdSolver solver, Vector3 at)
    {
        var grid = solver.Grid;
        var p = solver.DownloadPressure();
        int k = Math.Clamp((int)((at.Z - grid.Origin.Z) / grid.Spacing), 0, grid.Nz - 1);
        float max = 1e-12f;
        for (int j = 0; j < grid.Ny; j++)
        for (int i = 0; i < grid.Nx; i++) max = Math.Max(max, MathF.Abs(p[grid.Index(i, j, k)]));
        var rgba = new byte[grid.Nx * grid.Ny * 4];
        for (int j = 0; j < grid.Ny; j++)
        for (int i = 0; i < grid.Nx; i++)
        {
            int c = grid.Index(i, j, k), o = ((grid.Ny - 1 - j) * grid.Nx + i) * 4;
            if (!grid.IsAir(c)) { rgba[o] = rgba[o + 1] = rgba[o + 2] = 96; rgba[o + 3] = 255; continue; }
            float v = Math.Clamp(p[c] / max, -1, 1);
            byte hi = 255, lo = (byte)(255 * (1 - MathF.Abs(v)));
            (rgba[o], rgba[o + 1], rgba[o + 2]) = v >= 0 ? (hi, lo, lo) : (lo, lo, hi);
            rgba[o + 3] = 255;
        }
        return new ImagePreview($"Pressure at z = {at.Z:0.##} m, t = {solver.Step * solver.TimeStep * 1000:0.#} ms", grid.Nx, grid.Ny, rgba);
    }

    /// <inheritdoc/>
    public override void OnDisable()
    {
        _surrogate?.Dispose();
        _surrogate = null;
        _surrogateLoaded = null;
        _run?.Dispose();
        _run = null;
        _solver?.Dispose();
        _solver = null;
        _solverKey = null;
    }
}
