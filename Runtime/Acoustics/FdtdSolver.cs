using System.Numerics;
using FieldForge.Gpu;

namespace FieldForge.Acoustics;

/// <summary>
/// GPU reference wave solver: the staggered pressure/velocity leapfrog FDTD scheme (the standard 7-point scheme for
/// pressure) on a cell-centred grid, rigid or frequency-independent impedance walls, a Gaussian initial pulse with
/// zero initial velocity. Many time steps are recorded into one submission (<see cref="FdtdSettings.StepsPerBatch"/>).
/// </summary>
/// <example><code>
/// using var solver = new FdtdSolver(gpu, Room.Parse("box:4x3x2.5"), new FdtdSettings { MaxFrequencyHz = 500 });
/// var rec = solver.Simulate(new(1, 1, 1), new[] { new Vector3(3, 2, 1.5f) }, durationSeconds: 0.05);
/// </code></example>
public sealed class FdtdSolver : IDisposable
{
    internal static readonly KernelSpec VelocitySpec = new("fdtd_velocity", Buffers: 3, PushConstantBytes: 32);
    internal static readonly KernelSpec PressureSpec = new("fdtd_pressure", Buffers: 3, PushConstantBytes: 32);
    internal static readonly KernelSpec SampleSpec = new("fdtd_sample", Buffers: 3, PushConstantBytes: 32);

    /// <summary>Device bytes per grid cell: mask + pressure + three face velocities.</summary>
    public const int BytesPerCell = 4 + 4 + 12;

    private readonly GpuContext _gpu;
    private readonly GpuBuffer<uint> _mask;
    private readonly GpuBuffer<float> _pressure, _velocity;
    private readonly Kernel _velocityKernel, _pressureKernel, _sampleKernel;
    private readonly FdtdPush _push;

    /// <summary>Voxelises <paramref name="room"/> at the settings' spacing and allocates the fields. Throws
    /// <see cref="ArgumentOutOfRangeException"/> (before allocating) when the grid would not fit the memory limits.</summary>
    public FdtdSolver(GpuContext gpu, Room room, FdtdSettings settings)
    {
        _gpu = gpu ?? throw new ArgumentNullException(nameof(gpu));
        ArgumentNullException.ThrowIfNull(room);
        Settings = (settings ?? throw new ArgumentNullException(nameof(settings))).Validate();
        Room = room;
        CheckMemory(room, settings, gpu.DeviceInfo.MaxStorageBufferBytes);
        Grid = room.Voxelize(settings.Spacing);
        int n = Grid.CellCount;
        _mask = gpu.CreateBuffer<uint>(Grid.Mask, BufferLocation.DeviceLocal, "fdtd mask");
        _pressure = gpu.CreateBuffer<float>(n, BufferLocation.DeviceLocal, "fdtd pressure");
        _velocity = gpu.CreateBuffer<float>(3L * n, BufferLocation.DeviceLocal, "fdtd velocity");
        _velocityKernel = gpu.GetKernel(VelocitySpec);
        _pressureKernel = gpu.GetKernel(PressureSpec);
        _sampleKernel = gpu.GetKernel(SampleSpec);
        float lambda = (float)settings.CourantNumber;
        _push = new FdtdPush((uint)Grid.Nx, (uint)Grid.Ny, (uint)Grid.Nz, (uint)n, lambda, lambda, (float)(settings.CourantNumber * room.Walls.Beta / 2), 0);
    }

    /// <summary>The room being simulated.</summary>
    public Room Room { get; }
    /// <summary>The room voxelised at the solver's grid spacing.</summary>
    public RoomGrid Grid { get; }
    /// <summary>The validated solver settings.</summary>
    public FdtdSettings Settings { get; }
    /// <summary>Time step in seconds.</summary>
    public double TimeStep => Settings.TimeStep;
    /// <summary>Time steps taken since the last the last initialisation.</summary>
    public int Step { get; private set; }

    /// <summary>Estimated device memory for <paramref name="room"/> at these settings, bytes (excluding receivers).</summary>
    public static long EstimateBytes(Room room, FdtdSettings settings) => room.CellCount(settings.Spacing) * BytesPerCell;

    /// <summary>Refuses grids that exceed <see cref="FdtdSettings.MaxMemoryBytes"/> or the per-buffer binding limit.</summary>
    public static void CheckMemory(Room room, FdtdSettings settings, ulong maxBufferBytes)
    {
        settings.Validate();
        long cells = room.CellCount(settings.Spacing);
        long bytes = cells * BytesPerCell;
        string what = FormattableString.Invariant($"fmax {settings.MaxFrequencyHz} Hz at {settings.PointsPerWavelength} points per wavelength needs {cells:N0} cells ({bytes / 1048576.0:F0} MiB) for {room.Description}");
        if (bytes > settings.MaxMemoryBytes)
            throw new ArgumentOutOfRangeException(nameof(settings), FormattableString.Invariant($"{what}, over the {settings.MaxMemoryBytes / 1048576.0:F0} MiB limit; lower fmax or the points per wavelength"));
        if ((ulong)(cells * 12) > maxBufferBytes)
            throw new ArgumentOutOfRangeException(nameof(settings), FormattableString.Invariant($"{what}; its velocity buffer exceeds the device's {maxBufferBytes / 1048576.0:F0} MiB storage-buffer limit; lower fmax"));
    }

    /// <summary>Sets p⁰ = A·exp(-|x-s|²/σ²) at air cells, zero initial velocity (first half step v^½ = -λ/2 ∇p⁰), and waits.</summary>
    public void Initialize(Vector3 source)
    {
        using var batch = _gpu.BeginBatch();
        Initialize(source, batch);
        batch.Submit();
    }

    /// <summary>Uploads p⁰ now and records the velocity reset and first half step into <paramref name="batch"/>.</summary>
    public void Initialize(Vector3 source, CommandBatch batch)
    {
        if (!Grid.ContainsPoint(source) || !Room.Contains(source))
            throw new ArgumentOutOfRangeException(nameof(source), $"source {RoomGrid.Format(source)} is outside the room {Room.Description}");
        _pressure.Upload(FdtdReference.InitialPressure(Grid, source, Settings.Sigma, Settings.Amplitude));
        _gpu.Primitives.Fill(batch, _velocity, 0f);
        batch.DispatchThreads(_velocityKernel, _push with { VelocityCoeff = _push.VelocityCoeff / 2 }, Grid.CellCount, _mask, _pressure, _velocity);
        Step = 0;
    }

    /// <summary>Advances <paramref name="steps"/> time steps, <see cref="FdtdSettings.StepsPerBatch"/> per submission.</summary>
    public void Advance(int steps)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        for (int done = 0; done < steps;)
        {
            int chunk = Math.Min(Settings.StepsPerBatch, steps - done);
            using var batch = _gpu.BeginBatch();
            for (int s = 0; s < chunk; s++) RecordStep(batch);
            batch.Submit();
            done += chunk;
        }
    }

    /// <summary>Records one time step (pressure, then velocity) into <paramref name="batch"/>.</summary>
    public void RecordStep(CommandBatch batch)
    {
        batch.DispatchThreads(_pressureKernel, _push, Grid.CellCount, _mask, _velocity, _pressure);
        batch.DispatchThreads(_velocityKernel, _push, Grid.CellCount, _mask, _pressure, _velocity);
        Step++;
    }

    /// <summary>Records a receiver sampling of the current pressure into row <paramref name="row"/> of <paramref name="output"/>.</summary>
    internal void RecordSample(CommandBatch batch, GpuBuffer<FdtdReceiver> stencils, GpuBuffer<float> output, int row) =>
        batch.DispatchThreads(_sampleKernel, _push with { Count = (uint)stencils.Length, OutputIndex = (uint)row }, stencils.Length, _pressure, stencils, output);

    /// <summary>
    /// Starts a simulation from a pulse at <paramref name="source"/> that records the pressure at
    /// <paramref name="receivers"/> (trilinear interpolation) at t = 0 and every <paramref name="outputEvery"/> steps until
    /// <paramref name="durationSeconds"/>. Drive it with <see cref="FdtdRun.RecordNext"/> (one chunk per batch, e.g. one
    /// per frame) and <see cref="FdtdRun.Collect"/>; the solver runs one simulation at a time.
    /// </summary>
    public FdtdRun Start(Vector3 source, IReadOnlyList<Vector3> receivers, double durationSeconds, int outputEvery = 1)
    {
        ArgumentNullException.ThrowIfNull(receivers);
        if (receivers.Count == 0) throw new ArgumentException("at least one receiver is needed", nameof(receivers));
        if (!(durationSeconds >= 0) || !double.IsFinite(durationSeconds)) throw new ArgumentOutOfRangeException(nameof(durationSeconds), durationSeconds, "duration must be a non-negative number of seconds");
        ArgumentOutOfRangeException.ThrowIfLessThan(outputEvery, 1);
        if (!Grid.ContainsPoint(source) || !Room.Contains(source))
            throw new ArgumentOutOfRangeException(nameof(source), $"source {RoomGrid.Format(source)} is outside the room {Room.Description}");
        var stencils = new FdtdReceiver[receivers.Count];
        for (int r = 0; r < stencils.Length; r++) stencils[r] = Grid.ReceiverAt(receivers[r], $"receiver {r}");
        int steps = (int)Math.Ceiling(durationSeconds / TimeStep - 1e-9);
        return new FdtdRun(this, _gpu, source, stencils, steps, outputEvery);
    }

    /// <summary>
    /// Runs a whole simulation (see <see cref="Start"/>), <see cref="FdtdSettings.StepsPerBatch"/> steps per submission;
    /// <paramref name="progress"/> receives (steps done, total steps) after each submission.
    /// </summary>
    public FdtdRecording Simulate(Vector3 source, IReadOnlyList<Vector3> receivers, double durationSeconds, int outputEvery = 1, Action<int, int>? progress = null)
    {
        using var run = Start(source, receivers, durationSeconds, outputEvery);
        while (!run.IsComplete)
        {
            using (var batch = _gpu.BeginBatch())
            {
                run.RecordNext(batch);
                batch.Submit();
            }
            run.Collect();
            progress?.Invoke(run.StepsDone, run.TotalSteps);
        }
        return run.Recording;
    }

    /// <summary>The current pressure field p^n (Pa), one value per cell.</summary>
    public float[] DownloadPressure() => _pressure.ToArray();

    /// <summary>The current face velocities v^{n+½} scaled by ρc (Pa): x, y, z planes of CellCount each.</summary>
    public float[] DownloadVelocity() => _velocity.ToArray();

    /// <summary>Frees the pressure, velocity and cell buffers on the GPU.</summary>
    public void Dispose()
    {
        _mask.Dispose();
        _pressure.Dispose();
        _velocity.Dispose();
    }
}
