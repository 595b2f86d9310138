using System.Diagnostics;
using System.Runtime.InteropServices;
using FieldForge.Gpu;

namespace FieldForge.Neural;

/// <summary>
/// Trains a <see cref="NeuralField"/> entirely on the GPU: each step samples a batch (in-shader RNG), encodes it, runs
/// the MLP, evaluates the loss, back-propagates through MLP and encoding, and applies Adam to all parameters — recorded
/// into one <see cref="CommandBatch"/>, so one submission per step (or none of its own inside a caller's frame batch).
/// Owns the batch buffers, the gradients and Adam's moments.
/// </summary>
public sealed class Trainer : IDisposable
{
    internal static readonly KernelSpec EikonalShiftSpec = new("eikonal_shift", Buffers: 2, PushConstantBytes: 32);
    internal static readonly KernelSpec EikonalLossSpec = new("eikonal_loss", Buffers: 4, PushConstantBytes: 32);

    /// <summary>Mirrors the push constants of eikonal.comp (32 bytes).</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal readonly record struct EikonalPush(uint Count, uint Dimensions, float Step, float Weight, float WorldUnitsPerUnit, uint Pad0 = 0, uint Pad1 = 0, uint Pad2 = 0);

    private readonly GpuBuffer<float> _points, _targets, _features, _outputs, _outputGradients, _sampleLosses, _lossValue;
    private readonly GpuBuffer<float> _gradients, _firstMoment, _secondMoment;
    private readonly MlpWorkspace _workspace;
    // The eikonal term's 2n shifted copies of each batch (null without one).
    private readonly GpuBuffer<float>? _shiftedPoints, _shiftedFeatures, _shiftedOutputs, _shiftedSeeds;
    private readonly MlpWorkspace? _shiftedWorkspace;
    private readonly List<TrainingProgress> _history = new();
    private readonly Stopwatch _clock = new();

    /// <summary>Creates buffers for <paramref name="field"/> trained on <paramref name="data"/> (neither is owned).</summary>
    public Trainer(NeuralField field, ITrainingData data, TrainerOptions? options = null)
    {
        Field = field ?? throw new ArgumentNullException(nameof(field));
        Data = data ?? throw new ArgumentNullException(nameof(data));
        Options = (options ?? new TrainerOptions()).Validate();
        if (data.InputDimensions != field.InputDimensions || data.OutputDimensions != field.OutputDimensions)
            throw new ArgumentException($"training data is {data.InputDimensions}D -> {data.OutputDimensions}, the field is {field.InputDimensions}D -> {field.OutputDimensions}");
        // Checked before any buffer exists, so a rejected configuration leaks nothing.
        if (Options.Eikonal is { Weight: > 0 } && field.OutputDimensions != 1)
            throw new ArgumentException($"the eikonal term needs a distance field with one output, the field has {field.OutputDimensions}");
        Optimizer = new Adam(Options.Optimizer);
        var gpu = field.Gpu;
        int b = Options.BatchSize;
        _points = gpu.CreateBuffer<float>((long)b * field.InputDimensions, BufferLocation.DeviceLocal, "trainer points");
        _targets = gpu.CreateBuffer<float>((long)b * field.OutputDimensions, BufferLocation.DeviceLocal, "trainer targets");
        _features = gpu.CreateBuffer<float>((long)b * field.Encoding.OutputDimensions, BufferLocation.DeviceLocal, "trainer features");
        _outputs = gpu.CreateBuffer<float>((long)b * field.OutputDimensions, BufferLocation.DeviceLocal, "trainer outputs");
        _outputGradients = gpu.CreateBuffer<float>((long)b * field.OutputDimensions, BufferLocation.DeviceLocal, "trainer output gradients");
        _sampleLosses = gpu.CreateBuffer<float>(b, BufferLocation.DeviceLocal, "trainer sample losses");
        _lossValue = gpu.CreateBuffer<float>(1, BufferLocation.HostVisible, "trainer loss");
        _gradients = gpu.CreateBuffer<float>(field.ParameterCount, BufferLocation.DeviceLocal, "trainer gradients");
        _firstMoment = gpu.CreateBuffer<float>(field.ParameterCount, BufferLocation.DeviceLocal, "adam first moment");
        _secondMoment = gpu.CreateBuffer<float>(field.ParameterCount, BufferLocation.DeviceLocal, "adam second moment");
        _workspace = new MlpWorkspace(gpu, field.Network.Config, b);
        if (Options.Eikonal is { Weight: > 0 })
        {
            int shifted = checked(2 * field.InputDimensions * b);
            _shiftedPoints = gpu.CreateBuffer<float>((long)shifted * field.InputDimensions, BufferLocation.DeviceLocal, "eikonal points");
            _shiftedFeatures = gpu.CreateBuffer<float>((long)shifted * field.Encoding.OutputDimensions, BufferLocation.DeviceLocal, "eikonal features");
            _shiftedOutputs = gpu.CreateBuffer<float>(shifted, BufferLocation.DeviceLocal, "eikonal outputs");
            _shiftedSeeds = gpu.CreateBuffer<float>(shifted, BufferLocation.DeviceLocal, "eikonal output gradients");
            _shiftedWorkspace = new MlpWorkspace(gpu, field.Network.Config, shifted);
        }
        using var batch = gpu.BeginBatch();
        gpu.Primitives.RecordFill(batch, _gradients, 0f);
        gpu.Primitives.RecordFill(batch, _firstMoment, 0f);
        gpu.Primitives.RecordFill(batch, _secondMoment, 0f);
        batch.Submit();
    }

    /// <summary>
    /// Device bytes a trainer for <paramref name="field"/> with <paramref name="options"/> allocates, besides the field's
    /// own parameters: the batch buffers, gradients and Adam's two moments (three floats per parameter), the MLP
    /// workspace (with the eikonal term's 2n shifted copies of each batch, a second one) and, with deterministic
    /// accumulation, the encoding's two 32-bit fixed-point words per table float. Check it before training a big field.
    /// </summary>
    public static long EstimateBytes(NeuralField field, TrainerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(field);
        var o = (options ?? new TrainerOptions()).Validate();
        var device = field.Gpu.DeviceInfo;
        long b = o.BatchSize, n = field.InputDimensions, outs = field.OutputDimensions, features = field.Encoding.OutputDimensions;
        long floats = b * (n + 3 * outs + features + 1) + 1 + 3 * field.ParameterCount;
        long bytes = floats * sizeof(float) + MlpWorkspace.EstimateBytes(device, field.Network.Config, o.BatchSize);
        if (o.Eikonal is { Weight: > 0 })
        {
            long shifted = 2 * n * b;
            bytes += shifted * (n + features + 2) * sizeof(float) + MlpWorkspace.EstimateBytes(device, field.Network.Config, checked((int)shifted));
        }
        if (GradientAccumulations.Resolve(field.Gpu, o.Accumulation) == GradientAccumulation.Deterministic)
            bytes += 2 * field.Encoding.ParameterCount * sizeof(uint);
        return bytes;
    }

    /// <summary>The field being trained (its <see cref="NeuralField.Parameters"/> change every step).</summary>
    public NeuralField Field { get; }
    /// <summary>Where batches come from.</summary>
    public ITrainingData Data { get; }
    /// <summary>The validated options.</summary>
    public TrainerOptions Options { get; }
    /// <summary>The optimiser applied to all parameters.</summary>
    public Adam Optimizer { get; }
    /// <summary>Steps recorded so far.</summary>
    public int Step { get; private set; }
    /// <summary>Every loss value read so far (one per report).</summary>
    public IReadOnlyList<TrainingProgress> History => _history;
    /// <summary>Gradient buffer (same layout as the field's parameters; cleared by each Adam step).</summary>
    public GpuBuffer<float> Gradients => _gradients;

    /// <summary>
    /// Records one whole training step into <paramref name="batch"/>. With <paramref name="measureLoss"/> the batch's
    /// mean loss is reduced into a host-visible value that <see cref="ReadLoss"/> returns after submission.
    /// </summary>
    public void RecordStep(CommandBatch batch, bool measureLoss = false, float? learningRate = null)
    {
        ArgumentNullException.ThrowIfNull(batch);
        RecordGradients(batch);
        int b = Options.BatchSize;
        var f = Field;
        using (batch.Time("adam"))
        {
            // Tables: with SparseTableUpdates only the entries this step's samples touched; MLP: always every weight.
            Optimizer.RecordStep(batch, f.Parameters, _gradients, _firstMoment, _secondMoment, Step, 0, f.NetworkOffset, learningRate: learningRate,
                skipZeroGradients: Options.SparseTableUpdates);
            Optimizer.RecordStep(batch, f.Parameters, _gradients, _firstMoment, _secondMoment, Step, f.NetworkOffset, learningRate: learningRate);
        }
        if (measureLoss) f.Gpu.Primitives.RecordReduce(batch, _sampleLosses, ReduceOp.Sum, _lossValue, b);
    }

    /// <summary>Records the next step up to its gradients: sampling, forward, loss (and eikonal term), backward, summed
    /// into <see cref="Gradients"/> without applying Adam (tests compare them with finite differences of the loss).</summary>
    internal void RecordGradients(CommandBatch batch)
    {
        int b = Options.BatchSize;
        var f = Field;
        Step++;
        using (batch.Time("sample")) Data.RecordSample(batch, _points, _targets, b, Options.Seed, Step);
        using (batch.Time("encode")) f.Encoding.RecordForward(batch, _points, f.Parameters, _features, b);
        using (batch.Time("mlp forward")) f.Network.RecordForward(batch, f.Parameters, _features, _outputs, b, f.NetworkOffset, _workspace);
        using (batch.Time("loss")) Loss.Record(batch, Options.Loss, _outputs, _targets, _outputGradients, _sampleLosses, b, f.OutputDimensions);
        using (batch.Time("mlp backward"))
            f.Network.RecordBackward(batch, f.Parameters, _features, _outputGradients, _gradients, b, _workspace, f.NetworkOffset,
                accumulation: Options.Accumulation);
        using (batch.Time("encode backward"))
            f.Encoding.RecordBackward(batch, _points, _workspace.InputGradients, _gradients, b, accumulation: Options.Accumulation);
        if (_shiftedWorkspace is not null) using (batch.Time("eikonal")) RecordEikonal(batch, b);
    }

    // The eikonal term (see EikonalTerm): f at the 2n shifted copies of the batch, the term's per-sample share added to
    // the sample losses, and its parameter gradient through the ordinary backward pass at the shifted points, summed
    // into the same gradient buffer as the data term's.
    private void RecordEikonal(CommandBatch batch, int b)
    {
        var f = Field;
        var term = Options.Eikonal!;
        var gpu = f.Gpu;
        int shifted = 2 * f.InputDimensions * b;
        var push = new EikonalPush((uint)b, (uint)f.InputDimensions, term.Step, term.Weight, term.WorldUnitsPerUnit);
        batch.DispatchThreads(gpu.GetKernel(EikonalShiftSpec), push, b, _points, _shiftedPoints!);
        f.Encoding.RecordForward(batch, _shiftedPoints!, f.Parameters, _shiftedFeatures!, shifted);
        f.Network.RecordForward(batch, f.Parameters, _shiftedFeatures!, _shiftedOutputs!, shifted, f.NetworkOffset, _shiftedWorkspace);
        batch.DispatchThreads(gpu.GetKernel(EikonalLossSpec), push, b, _points, _shiftedOutputs!, _shiftedSeeds!, _sampleLosses);
        f.Network.RecordBackward(batch, f.Parameters, _shiftedFeatures!, _shiftedSeeds!, _gradients, shifted, _shiftedWorkspace!, f.NetworkOffset,
            accumulation: Options.Accumulation);
        f.Encoding.RecordBackward(batch, _shiftedPoints!, _shiftedWorkspace!.InputGradients, _gradients, shifted, accumulation: Options.Accumulation);
    }

    /// <summary>The loss measured by the last submitted <see cref="RecordStep"/> with measureLoss.</summary>
    public float ReadLoss() => _lossValue.ToArray()[0];

    /// <summary>Runs one step in its own submission and returns its batch loss.</summary>
    public float TrainStep()
    {
        using var batch = Field.Gpu.BeginBatch();
        RecordStep(batch, measureLoss: true);
        batch.Submit();
        float loss = ReadLoss();
        _history.Add(new TrainingProgress(Step, loss, _clock.Elapsed.TotalSeconds));
        return loss;
    }

    /// <summary>
    /// Trains until the budget is spent, one submission per step, reading the loss every ReportEvery steps (and at the
    /// end) and passing it to <paramref name="progress"/>. Throws if the loss becomes NaN or infinite.
    /// </summary>
    public TrainingResult Run(TrainingBudget budget, Action<TrainingProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(budget);
        budget.Validate();
        var watch = Stopwatch.StartNew();
        _clock.Start();
        int steps = 0;
        float loss = float.NaN;
        int startStep = Step;
        var runHistory = new List<TrainingProgress>();
        try
        {
            while ((budget.Steps is null || steps < budget.Steps) && (budget.Seconds is null || watch.Elapsed.TotalSeconds < budget.Seconds))
            {
                steps++;
                bool last = budget.Steps == steps;
                bool report = steps % budget.ReportEvery == 0 || last;
                using (var batch = Field.Gpu.BeginBatch())
                {
                    RecordStep(batch, report);
                    batch.Submit();
                }
                if (!report) continue;
                loss = ReadLoss();
                var p = new TrainingProgress(Step - startStep, loss, watch.Elapsed.TotalSeconds);
                _history.Add(p with { Step = Step });
                runHistory.Add(p);
                progress?.Invoke(p);
                if (!float.IsFinite(loss)) throw new InvalidOperationException($"training diverged at step {Step}: loss is {loss}; lower the learning rate");
            }
            if (steps > 0 && (runHistory.Count == 0 || runHistory[^1].Step != steps))
            {
                using (var batch = Field.Gpu.BeginBatch())
                {
                    Field.Gpu.Primitives.RecordReduce(batch, _sampleLosses, ReduceOp.Sum, _lossValue, Options.BatchSize);
                    batch.Submit();
                }
                loss = ReadLoss();
                var p = new TrainingProgress(steps, loss, watch.Elapsed.TotalSeconds);
                _history.Add(p with { Step = Step });
                runHistory.Add(p);
                progress?.Invoke(p);
            }
        }
        finally
        {
            _clock.Stop();
        }
        return new TrainingResult(steps, watch.Elapsed.TotalSeconds, loss, runHistory);
    }

    /// <summary>Frees the optimizer state and the batch buffers the trainer owns (not the field).</summary>
    public void Dispose()
    {
        foreach (var b in new GpuBuffer[] { _points, _targets, _features, _outputs, _outputGradients, _sampleLosses, _lossValue, _gradients, _firstMoment, _secondMoment })
            b.Dispose();
        _workspace.Dispose();
        foreach (var b in new[] { _shiftedPoints, _shiftedFeatures, _shiftedOutputs, _shiftedSeeds }) b?.Dispose();
        _shiftedWorkspace?.Dispose();
    }
}
