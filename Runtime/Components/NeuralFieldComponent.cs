using FieldForge.Gpu;
using FieldForge.Neural;

namespace FieldForge.Components;

/// <summary>
/// Fits a neural field (simplex or grid hash encoding + MLP) to an image in the background of the frame loop: a few
/// training steps per <see cref="Update"/> go into the frame's batch, so training shares the frame's one submission.
/// Previews: the loss curve and the current reconstruction next to the target.
/// </summary>
public sealed class NeuralFieldComponent : Component
{
    private NeuralField? _field;
    private ImageTrainingData? _data;
    private Trainer? _trainer;
    private GpuBuffer<float>? _previewPoints, _previewFeatures, _previewOutputs;
    private string _structure = "";
    private bool _lossPending, _previewPending;
    private int _previewWidth, _previewHeight;
    private byte[]? _previewRgba, _targetRgba;
    private readonly List<float> _lossSteps = new(), _losses = new();
    private GpuContext? _gpu;
    private int _stepsRecorded;
    private long _recordedAt;
    private double _msPerStep;

    /// <summary>Image to fit; empty = the built-in procedural picture.</summary>
    [Header("Target"), FilePath("png,jpg,bmp,tga"), Tooltip("Image to fit; empty = the built-in procedural picture")]
    public string ImagePath { get; set; } = "";

    /// <summary>Side of the procedural picture in pixels (when no image path is set).</summary>
    [Range(16, 1024), Tooltip("Side of the procedural picture in pixels (when no image path is set)")]
    public int ProceduralSize { get; set; } = 128;

    /// <summary>Simplex (n+1 vertices) or grid (2^n corners) lattice.</summary>
    [Header("Encoding"), Tooltip("Simplex (n+1 vertices) or grid (2^n corners) lattice")]
    public EncodingKind Encoding { get; set; } = EncodingKind.Simplex;

    /// <summary>Resolution levels L.</summary>
    [Range(1, 32), Tooltip("Resolution levels L")]
    public int Levels { get; set; } = 16;

    /// <summary>log2 of the per-level hash table size T.</summary>
    [Range(10, 22), Tooltip("log2 of the per-level hash table size T")]
    public int Log2TableSize { get; set; } = 16;

    /// <summary>Neurons per hidden layer.</summary>
    [Header("Network"), Range(16, 128), Tooltip("Neurons per hidden layer")]
    public int Width { get; set; } = 64;

    /// <summary>Hidden layers.</summary>
    [Range(1, 4), Tooltip("Hidden layers")]
    public int HiddenLayers { get; set; } = 2;

    /// <summary>Samples per training step.</summary>
    [Header("Training"), Range(256, 65536), Tooltip("Samples per training step")]
    public int BatchSize { get; set; } = 4096;

    /// <summary>Training steps recorded per frame.</summary>
    [Range(1, 32), Tooltip("Training steps recorded per frame")]
    public int StepsPerFrame { get; set; } = 2;

    /// <summary>Adam learning rate (applies live).</summary>
    [Range(0.0001, 0.1), LogScale, Tooltip("Adam learning rate (applies live)")]
    public float LearningRate { get; set; } = 1e-2f;

    /// <summary>Stop after this many steps (0 = never).</summary>
    [Range(0, 10_000_000), Tooltip("Stop after this many steps (0 = never)")]
    public int MaxSteps { get; set; } = 0;

    /// <summary>Pause training: the field and its previews stay, and no GPU work is recorded until resumed.</summary>
    [Tooltip("Pause training: the field and its previews stay, and no GPU work is recorded until resumed")]
    public bool Paused { get; set; }

    /// <summary>Frames between reconstruction previews.</summary>
    [Header("Preview"), Range(1, 600), Tooltip("Frames between reconstruction previews")]
    public int PreviewEveryFrames { get; set; } = 10;

    /// <summary>Longest side of the reconstruction preview in pixels.</summary>
    [Range(16, 512), Tooltip("Longest side of the reconstruction preview in pixels")]
    public int PreviewSize { get; set; } = 128;

    /// <summary>Training steps taken since the field was (re)built.</summary>
    public int Step => _trainer?.Step ?? 0;

    /// <summary>The last measured batch loss (NaN before the first).</summary>
    public float LastLoss => _losses.Count > 0 ? _losses[^1] : float.NaN;

    /// <summary>The field being trained (null before the first update).</summary>
    public NeuralField? Field => _field;

    /// <summary>Training steps recorded in the last frame: <see cref="StepsPerFrame"/>, or fewer when the host's frame
    /// budget would be exceeded (measured wall-clock milliseconds per step), 0 while paused or done.</summary>
    [HideInInspector] public int LastFrameSteps { get; private set; }

    /// <summary>Computing while training runs (progress towards <see cref="MaxSteps"/> when set); ok when paused or done.</summary>
    public override ComponentStatus Status =>
        _trainer is null ? ComponentStatus.Ready
        : Paused ? new ComponentStatus(ComponentActivity.Ok, $"paused at step {Step}")
        : MaxSteps > 0 && Step >= MaxSteps ? new ComponentStatus(ComponentActivity.Ok, $"done: {Step} steps, loss {LastLoss:G3}")
        : ComponentStatus.Computing($"training: step {Step}{(MaxSteps > 0 ? $" of {MaxSteps}" : "")}, {LastFrameSteps} per frame, loss {LastLoss:G3}",
            MaxSteps > 0 ? (double)Step / MaxSteps : null, previewsStale: false);

    /// <inheritdoc/>
    public override void OnEnable(GpuContext gpu) => _gpu = gpu;

    /// <inheritdoc/>
    public override void Update(FrameContext frame, bool parametersChanged)
    {
        if (parametersChanged) RebuildIfStructureChanged(frame.Gpu);
        if (_trainer is null) return;
        int steps = Paused ? 0 : StepsWithinBudget(frame.BudgetMilliseconds);
        if (MaxSteps > 0) steps = Math.Min(steps, MaxSteps - _trainer.Step);
        steps = Math.Max(steps, 0);
        for (int i = 0; i < steps; i++) _trainer.RecordStep(frame.Batch, measureLoss: i == steps - 1, learningRate: LearningRate);
        _lossPending = steps > 0;
        LastFrameSteps = steps;
        _stepsRecorded = steps;
        _recordedAt = System.Diagnostics.Stopwatch.GetTimestamp();
        if ((steps > 0 && frame.Frame % PreviewEveryFrames == 0) || parametersChanged)
        {
            int count = _previewWidth * _previewHeight;
            _field!.RecordEvaluate(frame.Batch, _previewPoints!, _previewFeatures!, _previewOutputs!, count);
            _previewPending = true;
        }
    }

    /// <summary>As many steps as the measured cost per step fits into the frame budget (at least one, at most
    /// <see cref="StepsPerFrame"/>); one step until a cost has been measured, so a heavy first frame stays short.</summary>
    private int StepsWithinBudget(double budgetMilliseconds)
    {
        if (double.IsPositiveInfinity(budgetMilliseconds)) return StepsPerFrame;
        if (_msPerStep <= 0) return 1;
        return (int)Math.Clamp(Math.Floor(budgetMilliseconds / _msPerStep), 1, StepsPerFrame);
    }

    /// <inheritdoc/>
    public override void OnFrameCompleted(FrameContext frame)
    {
        if (_trainer is null) return;
        if (_stepsRecorded > 0)
        {
            // Wall clock from recording to completion: an upper bound on the steps' cost (it includes the rest of the
            // frame's GPU work), which keeps the estimate on the safe side of the budget.
            double perStep = System.Diagnostics.Stopwatch.GetElapsedTime(_recordedAt).TotalMilliseconds / _stepsRecorded;
            _msPerStep = _msPerStep <= 0 ? perStep : 0.6 * _msPerStep + 0.4 * perStep;
            _stepsRecorded = 0;
        }
        if (_lossPending)
        {
            _lossSteps.Add(_trainer.Step);
            _losses.Add(_trainer.ReadLoss());
            _lossPending = false;
        }
        if (_previewPending)
        {
            int count = _previewWidth * _previewHeight;
            var soa = _previewOutputs!.ToArray();
            var rgba = new byte[count * 4];
            for (int s = 0; s < count; s++)
            {
                for (int c = 0; c < 3; c++) rgba[4 * s + c] = (byte)Math.Clamp(MathF.Round(soa[c * count + s] * 255f), 0f, 255f);
                rgba[4 * s + 3] = 255;
            }
            _previewRgba = rgba;
            _previewPending = false;
        }
    }

    /// <inheritdoc/>
    public override IReadOnlyList<ComponentPreview> GetPreviews()
    {
        var previews = new List<ComponentPreview>
        {
            new PlotPreview("Training loss", "step", "loss", [new PlotSeries($"{Encoding} L2", _lossSteps.ToArray(), _losses.ToArray())], LogY: true),
        };
        if (_previewRgba is not null) previews.Add(new ImagePreview($"Reconstruction (step {Step})", _previewWidth, _previewHeight, _previewRgba));
        if (_targetRgba is not null) previews.Add(new ImagePreview("Target", _previewWidth, _previewHeight, _targetRgba));
        return previews;
    }

    /// <inheritdoc/>
    public override void OnDisable() => Release();

    private void RebuildIfStructureChanged(GpuContext gpu)
    {
        string structure = string.Join("|", ImagePath, ProceduralSize, Encoding, Levels, Log2TableSize, Width, HiddenLayers, BatchSize, PreviewSize);
        if (structure == _structure && _trainer is not null) return;
        Release();
        int width, height; float[] rgb;
        if (string.IsNullOrEmpty(ImagePath)) { width = height = ProceduralSize; rgb = ImageFitting.ProceduralImage(width, height); }
        else
        {
            BackgroundLoad<int>.RequireRegularFile(ImagePath, nameof(ImagePath)); // a FIFO or device would block the frame
            (width, height, rgb) = ImageTrainingData.LoadRgb(ImagePath);
        }
        var config = NeuralFieldConfig.Create(Encoding, 2, 3, Math.Max(16, Math.Max(width, height)), Levels, 2, Log2TableSize, Width, HiddenLayers);
        _field = NeuralField.Create(gpu, config);
        _data = new ImageTrainingData(gpu, width, height, 3, rgb);
        _trainer = new Trainer(_field, _data, new TrainerOptions(BatchSize));
        float aspect = (float)width / height;
        _previewWidth = aspect >= 1 ? PreviewSize : Math.Max(1, (int)(PreviewSize * aspect));
        _previewHeight = aspect >= 1 ? Math.Max(1, (int)(PreviewSize / aspect)) : PreviewSize;
        int count = _previewWidth * _previewHeight;
        var points = new float[count * 2];
        var target = new byte[count * 4];
        for (int y = 0; y < _previewHeight; y++)
        for (int x = 0; x < _previewWidth; x++)
        {
            int s = y * _previewWidth + x;
            points[s] = (x + 0.5f) / _previewWidth;
            points[count + s] = (y + 0.5f) / _previewHeight;
            int src = (Math.Min(height - 1, y * height / _previewHeight) * width + Math.Min(width - 1, x * width / _previewWidth)) * 3;
            for (int c = 0; c < 3; c++) target[4 * s + c] = (byte)Math.Clamp(MathF.Round(rgb[src + c] * 255f), 0f, 255f);
            target[4 * s + 3] = 255;
        }
        _targetRgba = target;
        _previewPoints = gpu.CreateBuffer<float>(points, BufferLocation.DeviceLocal, "neural preview points");
        _previewFeatures = gpu.CreateBuffer<float>((long)count * _field.Encoding.OutputDimensions, BufferLocation.DeviceLocal, "neural preview features");
        _previewOutputs = gpu.CreateBuffer<float>(count * 3L, BufferLocation.HostVisible, "neural preview outputs");
        _lossSteps.Clear();
        _losses.Clear();
        _previewRgba = null;
        _msPerStep = 0; // a new structure costs differently per step
        _structure = structure;
    }

    private void Release()
    {
        // Work recorded into a frame batch completes before OnDisable/rebuild (the host submits and waits each frame).
        _trainer?.Dispose(); _trainer = null;
        _data?.Dispose(); _data = null;
        _field?.Dispose(); _field = null;
        _previewPoints?.Dispose(); _previewPoints = null;
        _previewFeatures?.Dispose(); _previewFeatures = null;
        _previewOutputs?.Dispose(); _previewOutputs = null;
        _structure = "";
    }
}
