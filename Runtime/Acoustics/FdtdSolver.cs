using System.Numerics;
using FieldForge.Gpu;

namespace FieldForge.Acoustics;

/// <summary>
/// GPU reference wave solver: the standard 7-point leapfrog FDTD scheme in its two-array pressure form on a
/// cell-centred grid, rigid or frequency-independent impedance walls, a Gaussian initial pulse with zero initial
/// velocity. Each time step is one dispatch over the interior (branch-free: each invocation marches a 2 x 2 block of
/// 4-cell groups along z, from a compact list of runs; a second small dispatch takes the interior groups no block
/// covers) and one over the boundary groups (their own compact list), all reading p^n through a texel view; receivers
/// are sampled by a small kernel when an output is due; many steps go into one submission
/// (<see cref="FdtdSettings.StepsPerBatch"/>).
/// </summary>
/// <example><code>
/// using var solver = new FdtdSolver(gpu, Room.Parse("box:4x3x2.5"), new FdtdSettings { MaxFrequencyHz = 500 });
/// var rec = solver.Simulate(new(1, 1, 1), new[] { new Vector3(3, 2, 1.5f) }, durationSeconds: 0.05);
/// </code></example>
public sealed class FdtdSolver : IDisposable
{
    /// <summary>Interior update: one column of vec4 groups along z per invocation (groups no block covers).</summary>
    internal static readonly KernelSpec InteriorSpec = new("fdtd_interior", Buffers: 3, PushConstantBytes: 56, TexelBuffers: 1);
    /// <summary>Interior update: one column of <see cref="BlockX"/> x <see cref="BlockY"/> blocks of vec4 groups along z per invocation.</summary>
    internal static readonly KernelSpec InteriorBlockSpec = new("fdtd_interior_block", Buffers: 3, PushConstantBytes: 56, TexelBuffers: 1);
    /// <summary>Boundary update: one 4-cell group per invocation from the boundary list, wall loss folded in.</summary>
    internal static readonly KernelSpec BoundarySpec = new("fdtd_boundary", Buffers: 3, PushConstantBytes: 56, TexelBuffers: 1);
    /// <summary>Receiver sampling of the current field (trilinear stencils).</summary>
    internal static readonly KernelSpec SampleSpec = new("fdtd_sample", Buffers: 3, PushConstantBytes: 56);

    /// <summary>Most vec4 groups one interior invocation marches along z: long enough that reloading the two planes it
    /// starts from is rare, short enough that a room still spreads over thousands of invocations.</summary>
    internal const int ColumnLength = 16;
    /// <summary>Vec4 groups along x and rows along y of one block of fdtd_interior_block (its BX and BY).</summary>
    internal const int BlockX = 2, BlockY = 2;
    // Boundary list code of a cell that is not air (air cells have 0..6 air neighbours).
    private const uint NotAir = 15;

    /// <summary>Approximate device bytes per grid cell: two pressure fields (p^n and p^{n-1}) plus the run and boundary lists
    /// (well under a byte per cell; one byte keeps the estimate conservative).</summary>
    public const int BytesPerCell = 4 + 4 + 1;


    private readonly GpuContext _gpu;
    private readonly GpuBuffer<float> _fieldA, _fieldB;
    private readonly GpuBuffer<uint> _blocks, _singles;
    private readonly GpuBuffer<uint> _boundary;
    private readonly Kernel _interiorKernel, _blockKernel, _boundaryKernel, _sampleKernel;
    private readonly FdtdPush _layout;
    private readonly uint _blockColumns;
    private readonly float _lambda, _loss;
    private readonly int _px, _py, _pz;
    private bool _aIsCurrent = true;

    /// <summary>Voxelises <paramref name="room"/> at the settings' spacing and allocates the fields. Throws
    /// <see cref="ArgumentOutOfRangeException"/> (before allocating) when the grid would not fit the memory limits.</summary>
    public FdtdSolver(GpuContext gpu, Room room, FdtdSettings settings)
    {
        _gpu = gpu ?? throw new ArgumentNullException(nameof(gpu));
        ArgumentNullException.ThrowIfNull(room);
        Settings = (settings ?? throw new ArgumentNullException(nameof(settings))).Validate();
        Room = room;
        CheckMemory(room, settings, gpu.DeviceInfo.MaxStorageBufferBytes, gpu.DeviceInfo.MaxTexelBufferElements);
        Grid = room.Voxelize(settings.Spacing);
        (_px, _py, _pz) = PaddedSize(Grid.Nx, Grid.Ny, Grid.Nz);
        var (blocks, singles, boundary, interiorGroups, boundaryAir) = BuildLists();
        InteriorCells = interiorGroups * 4;
        BoundaryCells = boundaryAir;
        long padded = (long)_px * _py * _pz;
        // The update kernels read p^n through a texel view (see fdtd.comp), and write p^{n+1} as a storage buffer.
        _fieldA = gpu.CreateBuffer<float>(padded, BufferLocation.DeviceLocal, "fdtd pressure A", GpuBufferUsage.TexelBuffer);
        _fieldB = gpu.CreateBuffer<float>(padded, BufferLocation.DeviceLocal, "fdtd pressure B", GpuBufferUsage.TexelBuffer);
        _blocks = gpu.CreateBuffer<uint>(blocks.Length == 0 ? new uint[2] : blocks, BufferLocation.DeviceLocal, "fdtd interior block columns");
        _singles = gpu.CreateBuffer<uint>(singles.Length == 0 ? new uint[2] : singles, BufferLocation.DeviceLocal, "fdtd interior single columns");
        _boundary = gpu.CreateBuffer<uint>(boundary.Length == 0 ? new uint[2] : boundary, BufferLocation.DeviceLocal, "fdtd boundary cells");
        _interiorKernel = gpu.GetKernel(InteriorSpec);
        _blockKernel = gpu.GetKernel(InteriorBlockSpec);
        _boundaryKernel = gpu.GetKernel(BoundarySpec);
        _sampleKernel = gpu.GetKernel(SampleSpec);
        _lambda = (float)settings.CourantNumber;
        _loss = (float)(settings.CourantNumber * room.Walls.Beta / 2);
        _blockColumns = (uint)blocks.Length / 2;
        _layout = new FdtdPush((uint)singles.Length / 2, (uint)boundary.Length / 2, 0, 0, (uint)(_px / 4), (uint)(_px / 4 * _py), 0, 0, 0, 0, 0, 0, 0, 0);
        gpu.Primitives.Fill(_fieldA, 0f);
        gpu.Primitives.Fill(_fieldB, 0f);
    }

    /// <summary>The room as given (see <see cref="Snapping"/> for the one the grid simulates).</summary>
    public Room Room { get; }
    /// <summary>The voxelised room the solver runs on.</summary>
    public RoomGrid Grid { get; }
    /// <summary>The validated settings.</summary>
    public FdtdSettings Settings { get; }
    /// <summary>Time step in seconds.</summary>
    public double TimeStep => Settings.TimeStep;
    /// <summary>Time steps taken since the last initialisation.</summary>
    public int Step { get; private set; }
    /// <summary>The room this grid actually simulates (walls snapped to cell faces) and how far the walls moved.</summary>
    public RoomSnapping Snapping => Room.Snap(Settings.Spacing);
    /// <summary>Air cells updated by the branch-free interior path (blocks of 4-cell groups marching along z).</summary>
    public int InteriorCells { get; }
    /// <summary>Air cells updated from the boundary list (a wall face, or sharing a 4-cell group with one).</summary>
    public int BoundaryCells { get; }

    /// <summary>Estimated device memory for <paramref name="room"/> at these settings, bytes (excluding receivers).</summary>
    public static long EstimateBytes(Room room, FdtdSettings settings) => room.CellCount(settings.Spacing) * BytesPerCell;

    /// <summary>Refuses grids that exceed <see cref="FdtdSettings.MaxMemoryBytes"/> or the per-buffer binding limit.</summary>
    public static void CheckMemory(Room room, FdtdSettings settings, ulong maxBufferBytes) => CheckMemory(room, settings, maxBufferBytes, uint.MaxValue);

    /// <summary>Refuses grids that exceed <see cref="FdtdSettings.MaxMemoryBytes"/>, the per-buffer binding limit or the
    /// device's texel-buffer size (<paramref name="maxTexelBufferElements"/> vec4 texels, the view the kernels read).</summary>
    public static void CheckMemory(Room room, FdtdSettings settings, ulong maxBufferBytes, uint maxTexelBufferElements)
    {
        settings.Validate();
        long cells = room.CellCount(settings.Spacing);
        long bytes = cells * BytesPerCell;
        string what = FormattableString.Invariant($"fmax {settings.MaxFrequencyHz} Hz at {settings.PointsPerWavelength} points per wavelength needs {cells:N0} cells ({bytes / 1048576.0:F0} MiB) for {room.Description}");
        if (bytes > settings.MaxMemoryBytes)
            throw new ArgumentOutOfRangeException(nameof(settings), FormattableString.Invariant($"{what}, over the {settings.MaxMemoryBytes / 1048576.0:F0} MiB limit; lower fmax or the points per wavelength"));
        var (nx, ny, nz) = room.Dimensions(settings.Spacing);
        var (px, py, pz) = PaddedSize(nx, ny, nz);
        if ((ulong)px * (ulong)py * (ulong)pz * 4 > maxBufferBytes)
            throw new ArgumentOutOfRangeException(nameof(settings), FormattableString.Invariant($"{what}; its pressure buffer exceeds the device's {maxBufferBytes / 1048576.0:F0} MiB storage-buffer limit; lower fmax"));
        if ((ulong)px * (ulong)py * (ulong)pz / 4 > maxTexelBufferElements)
            throw new ArgumentOutOfRangeException(nameof(settings), FormattableString.Invariant($"{what}; its pressure buffer exceeds the device's texel-buffer limit of {maxTexelBufferElements:N0} texels; lower fmax"));
    }

    // One solid cell of halo on every side, rows padded to whole vec4 groups.
    private static (int X, int Y, int Z) PaddedSize(int nx, int ny, int nz) => ((nx + 2 + 3) / 4 * 4, ny + 2, nz + 2);

    private uint Padded(int cell)
    {
        int i = cell % Grid.Nx, j = cell / Grid.Nx % Grid.Ny, k = cell / (Grid.Nx * Grid.Ny);
        return (uint)(i + 1 + _px * (j + 1 + (long)_py * (k + 1)));
    }

    // Interior lists: (first group, length) runs along z of BlockX x BlockY blocks of vec4 groups whose cells are all
    // air with six air neighbours (blocks placed greedily plane by plane, so a plane-invariant room gets the same blocks
    // in every plane), and runs of the single interior groups no block covers. Runs are cut at multiples of ColumnLength
    // planes and listed window by window, row by row, so neighbouring invocations cover neighbouring groups.
    // Boundary list: (group, 4 bits per cell: air neighbours or NotAir) for every other group holding an air cell.
    private (uint[] Blocks, uint[] Singles, uint[] Boundary, int InteriorGroups, int BoundaryAirCells) BuildLists()
    {
        const uint allAir = 127;
        int gx = _px / 4, ny = Grid.Ny, nz = Grid.Nz;
        var mask = Grid.Mask;
        // Per group of the grid's rows: 0 = no air, 1 = interior, 2 = boundary (with its code), 3 = a block's corner,
        // 4 = covered by a block.
        var kind = new byte[gx * ny * nz];
        var code = new uint[kind.Length];
        int At(int g, int j, int k) => g + gx * (j + ny * k);
        int interiorGroups = 0, boundaryAir = 0;
        for (int k = 0; k < nz; k++)
        for (int j = 0; j < ny; j++)
        {
            int row = Grid.Index(0, j, k);
            for (int g = 0; g < gx; g++)
            {
                bool full = true, anyAir = false;
                uint bits = 0;
                for (int n = 0; n < 4; n++)
                {
                    int i = 4 * g + n - 1;
                    uint m = i >= 0 && i < Grid.Nx ? mask[row + i] : 0;
                    full &= m == allAir;
                    bool air = (m & RoomGrid.AirBit) != 0;
                    anyAir |= air;
                    if (air) boundaryAir++;
                    bits |= (air ? (uint)BitOperations.PopCount(m >> 1) : NotAir) << (4 * n);
                }
                if (full) { kind[At(g, j, k)] = 1; interiorGroups++; boundaryAir -= 4; }
                else if (anyAir) { kind[At(g, j, k)] = 2; code[At(g, j, k)] = bits; }
            }
        }
        for (int k = 0; k < nz; k++)
        for (int j = 0; j + BlockY <= ny; j++)
        for (int g = 0; g + BlockX <= gx; g++)
        {
            bool free = true;
            for (int y = 0; y < BlockY && free; y++)
                for (int x = 0; x < BlockX && free; x++) free = kind[At(g + x, j + y, k)] == 1;
            if (!free) continue;
            for (int y = 0; y < BlockY; y++)
                for (int x = 0; x < BlockX; x++) kind[At(g + x, j + y, k)] = 4;
            kind[At(g, j, k)] = 3;
        }
        var blocks = new List<uint>();
        var singles = new List<uint>();
        var boundary = new List<uint>();
        for (int k0 = 0; k0 < nz; k0 += ColumnLength)
        for (int j = 0; j < ny; j++)
        for (int g = 0; g < gx; g++)
        {
            int kEnd = Math.Min(k0 + ColumnLength, nz);
            for (int k = k0; k < kEnd; k++)
            {
                byte what = kind[At(g, j, k)];
                if (what == 2)
                {
                    boundary.Add(GroupIndex(g, j, k));
                    boundary.Add(code[At(g, j, k)]);
                }
                if (what is not (1 or 3)) continue;
                int start = k;
                while (k + 1 < kEnd && kind[At(g, j, k + 1)] == what) k++;
                var list = what == 3 ? blocks : singles;
                list.Add(GroupIndex(g, j, start));
                list.Add((uint)(k - start + 1));
            }
        }
        return (blocks.ToArray(), singles.ToArray(), boundary.ToArray(), interiorGroups, boundaryAir);
    }

    private uint GroupIndex(int g, int j, int k) => (uint)(g + _px / 4 * (j + 1 + (long)_py * (k + 1)));

    private GpuBuffer<float> Current => _aIsCurrent ? _fieldA : _fieldB;
    private GpuBuffer<float> Previous => _aIsCurrent ? _fieldB : _fieldA;

    /// <summary>Sets p⁰ = A·exp(-|x-s|²/σ²) at air cells, zero initial velocity, and waits.</summary>
    public void Initialize(Vector3 source)
    {
        using var batch = _gpu.BeginBatch();
        Initialize(source, batch);
        batch.Submit();
    }

    /// <summary>Uploads p⁰ now and records clearing p⁻¹ into <paramref name="batch"/>; the next step is the first.</summary>
    public void Initialize(Vector3 source, CommandBatch batch)
    {
        if (!Grid.ContainsPoint(source) || !Room.Contains(source))
            throw new ArgumentOutOfRangeException(nameof(source), $"source {RoomGrid.Format(source)} is outside the room {Room.Description}");
        var p0 = FdtdReference.InitialPressure(Grid, source, Settings.Sigma, Settings.Amplitude);
        var padded = new float[Current.Length];
        for (int c = 0; c < p0.Length; c++) padded[Padded(c)] = p0[c];
        _aIsCurrent = true;
        _fieldA.Upload(padded);
        _gpu.Primitives.RecordFill(batch, _fieldB, 0f);
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

    /// <summary>Records one time step (interior and boundary dispatches) into <paramref name="batch"/>.</summary>
    public void RecordStep(CommandBatch batch) => RecordStep(batch, null, null, 0);

    /// <summary>Records one time step that first samples the current field p^Step at <paramref name="stencils"/> into row
    /// <paramref name="row"/> of <paramref name="output"/> (no sampling when <paramref name="stencils"/> is null).</summary>
    internal void RecordStep(CommandBatch batch, GpuBuffer<FdtdReceiver>? stencils, GpuBuffer<float>? output, int row)
    {
        if (stencils is not null && output is not null) RecordSample(batch, stencils, output, row);
        var k = FdtdPush.Coefficients(_lambda, _loss, firstStep: Step == 0);
        var push = _layout with { InteriorSelf = k.InteriorSelf, Lap = k.Lap, Self = k.Self, SelfLoss = k.SelfLoss, Previous = k.Previous, Loss = _loss };
        // Interior and boundary cells are disjoint and both read only p^n (the batch still puts a barrier between the two
        // dispatches because both write the p^{n-1} buffer).
        if (_blockColumns > 0) batch.DispatchThreads(_blockKernel, push with { InteriorCount = _blockColumns }, _blockColumns, Current, Previous, _blocks);
        if (_layout.InteriorCount > 0) batch.DispatchThreads(_interiorKernel, push, _layout.InteriorCount, Current, Previous, _singles);
        if (_layout.BoundaryCount > 0) batch.DispatchThreads(_boundaryKernel, push, _layout.BoundaryCount, Current, Previous, _boundary);
        _aIsCurrent = !_aIsCurrent;
        Step++;
    }

    /// <summary>Records a receiver sampling of the current pressure into row <paramref name="row"/> of <paramref name="output"/>.</summary>
    internal void RecordSample(CommandBatch batch, GpuBuffer<FdtdReceiver> stencils, GpuBuffer<float> output, int row)
    {
        var push = _layout with { ReceiverCount = (uint)stencils.Length, OutputRow = (uint)row };
        batch.DispatchThreads(_sampleKernel, push, stencils.Length, Current, stencils, output);
    }

    /// <summary>Receiver stencils with the solver's padded cell indices (the layout fdtd.comp reads).</summary>
    internal FdtdReceiver ToDevice(FdtdReceiver stencil)
    {
        var r = new FdtdReceiver();
        for (int n = 0; n < 8; n++) r.SetCorner(n, Padded((int)stencil.Cell(n)), stencil.Weight(n));
        return r;
    }

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
        for (int r = 0; r < stencils.Length; r++) stencils[r] = ToDevice(Grid.ReceiverAt(receivers[r], $"receiver {r}"));
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

    /// <summary>The current pressure field p^n (Pa), one value per cell of <see cref="Grid"/>.</summary>
    public float[] DownloadPressure() => Unpad(Current.ToArray());

    /// <summary>The previous pressure field p^{n-1} (Pa), one value per cell of <see cref="Grid"/> (zero before the first step).</summary>
    public float[] DownloadPreviousPressure() => Unpad(Previous.ToArray());

    private float[] Unpad(float[] padded)
    {
        var p = new float[Grid.CellCount];
        for (int c = 0; c < p.Length; c++) p[c] = padded[Padded(c)];
        return p;
    }

    /// <summary>Frees the solver's device buffers.</summary>
    public void Dispose()
    {
        _fieldA.Dispose();
        _fieldB.Dispose();
        _blocks.Dispose();
        _singles.Dispose();
        _boundary.Dispose();
    }
}
