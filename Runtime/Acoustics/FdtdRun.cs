using System.Numerics;
using FieldForge.Gpu;

namespace FieldForge.Acoustics;

/// <summary>
/// One simulation in progress on an <see cref="FdtdSolver"/>: each <see cref="RecordNext"/> records up to
/// <see cref="FdtdSettings.StepsPerBatch"/> steps and their receiver samples into a caller's batch (so a component can
/// spread a simulation over frames), and <see cref="Collect"/> reads the rows back once that batch completed. Two chunks
/// may be pending at once (each has its own output buffer), so a pipelined host records frame N's chunk before it
/// collects frame N−1's.
/// </summary>
public sealed class FdtdRun : IDisposable
{
    private readonly FdtdSolver _solver;
    private readonly Vector3 _source;
    private readonly GpuBuffer<FdtdReceiver> _stencils;
    private readonly GpuBuffer<float>[] _chunks = new GpuBuffer<float>[MaxPendingChunks];
    private readonly float[] _result;
    private readonly int _outputEvery;
    // Pending chunks in recording order: rows of chunk k live in _chunks[(_collected + k) % 2].
    private readonly int[] _pendingRowCounts = new int[MaxPendingChunks];
    private int _pendingChunks, _recordedChunks, _collectedChunks, _written;

    /// <summary>Chunks that may be recorded and not yet collected at once.</summary>
    public const int MaxPendingChunks = 2;
    private bool _started;
    private int _lastSampled = -1;

    internal FdtdRun(FdtdSolver solver, GpuContext gpu, Vector3 source, FdtdReceiver[] stencils, int steps, int outputEvery)
    {
        _solver = solver;
        _source = source;
        _outputEvery = outputEvery;
        TotalSteps = steps;
        Receivers = stencils.Length;
        Outputs = steps / outputEvery + 1;
        _result = new float[(long)Outputs * Receivers];
        _stencils = gpu.CreateBuffer<FdtdReceiver>(stencils, BufferLocation.DeviceLocal, "fdtd receivers");
        for (int c = 0; c < MaxPendingChunks; c++)
            _chunks[c] = gpu.CreateBuffer<float>((long)(solver.Settings.StepsPerBatch / outputEvery + 2) * Receivers, BufferLocation.DeviceLocal, $"fdtd receiver outputs {c}");
    }

    /// <summary>Time steps the whole run takes.</summary>
    public int TotalSteps { get; }
    /// <summary>Time steps recorded so far.</summary>
    public int StepsDone { get; private set; }
    /// <summary>Number of receivers sampled.</summary>
    public int Receivers { get; }
    /// <summary>Rows the finished run holds (t = 0 plus one per <c>outputEvery</c> steps).</summary>
    public int Outputs { get; }
    /// <summary>Rows already read back.</summary>
    public int RowsCollected => _written;
    /// <summary>True once every step ran and every row was read back.</summary>
    public bool IsComplete => _written == Outputs && _pendingChunks == 0;

    /// <summary>True while <see cref="MaxPendingChunks"/> recorded chunks wait for <see cref="Collect"/> (the next chunk
    /// cannot be recorded yet).</summary>
    public bool HasPendingChunk => _pendingChunks == MaxPendingChunks;

    /// <summary>Everything recorded so far (rows not yet collected are zero).</summary>
    public FdtdRecording Recording => new(_solver.TimeStep * _outputEvery, Outputs, Receivers, _result);

    /// <summary>Records the next chunk of steps (the initial condition on the first call): at most
    /// <see cref="FdtdSettings.StepsPerBatch"/>, and at most <paramref name="maxSteps"/> (a caller keeping a frame within
    /// a time budget records fewer). At most <see cref="MaxPendingChunks"/> chunks may wait for <see cref="Collect"/>.</summary>
    public void RecordNext(CommandBatch batch, int maxSteps = int.MaxValue)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSteps, 1);
        if (_pendingChunks == MaxPendingChunks) throw new InvalidOperationException($"{MaxPendingChunks} chunks wait for Collect: collect the oldest before recording the next one");
        if (IsComplete || StepsDone >= TotalSteps && _started) return;
        var chunkBuffer = _chunks[_recordedChunks % MaxPendingChunks];
        int row = 0;
        if (!_started)
        {
            _solver.Initialize(_source, batch);
            _started = true;
        }
        // Each step's kernel samples the field it starts from (p^Step) when that is an output; the state the chunk ends
        // in is sampled by one extra sampling dispatch, so every row of this chunk is in this batch.
        int chunk = Math.Min(Math.Min(_solver.Settings.StepsPerBatch, maxSteps), TotalSteps - StepsDone);
        for (int s = 0; s < chunk; s++)
        {
            if (IsOutput(_solver.Step))
            {
                _lastSampled = _solver.Step;
                _solver.RecordStep(batch, _stencils, chunkBuffer, row++);
            }
            else _solver.RecordStep(batch);
        }
        if (IsOutput(_solver.Step))
        {
            _lastSampled = _solver.Step;
            _solver.RecordSample(batch, _stencils, chunkBuffer, row++);
        }
        StepsDone += chunk;
        _pendingRowCounts[_recordedChunks % MaxPendingChunks] = row;
        _recordedChunks++;
        _pendingChunks++;
    }

    private bool IsOutput(int step) => step % _outputEvery == 0 && step != _lastSampled;

    /// <summary>Reads back the rows of the oldest pending chunk (its batch must have completed).</summary>
    public void Collect()
    {
        if (_pendingChunks == 0) return;
        int slot = _collectedChunks % MaxPendingChunks, rows = _pendingRowCounts[slot];
        _chunks[slot].Download(_result.AsSpan((int)((long)_written * Receivers), rows * Receivers));
        _written += rows;
        _collectedChunks++;
        _pendingChunks--;
    }

    /// <summary>Frees the run's receiver and output buffers.</summary>
    public void Dispose()
    {
        _stencils.Dispose();
        foreach (var chunk in _chunks) chunk.Dispose();
    }
}
