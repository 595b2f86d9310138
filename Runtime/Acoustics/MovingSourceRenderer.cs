using System.Numerics;

namespace FieldForge.Acoustics;

/// <summary>
/// Streams a dry signal through the room as heard at a fixed listener while the source moves: the IR comes from a
/// <see cref="SoundFieldSurrogate"/> whenever <see cref="MoveSource"/> is called (game/update thread, runs the GPU
/// inference and the resampling) and is handed to a <see cref="PartitionedConvolver"/> that cross-fades IR changes
/// over one block. <see cref="ProcessBlock"/> (the audio callback) allocates nothing and never waits for the GPU.
/// </summary>
/// <example><code>
/// var renderer = new MovingSourceRenderer(model, listener, startPosition, sampleRate: 48000, blockSize: 256);
/// // game thread, every frame:   renderer.MoveSource(sourcePosition);
/// // audio thread, every block:  renderer.ProcessBlock(dry, wet);
/// </code></example>
public sealed class MovingSourceRenderer
{
    private readonly SoundFieldSurrogate _model;
    private readonly PartitionedConvolver _convolver;

    /// <summary>Prepares the stream with the IR for <paramref name="source"/>; <paramref name="gain"/> scales every IR
    /// alike (an IR is in Pa per 1 Pa pulse, not a unit-gain filter), so levels between positions stay comparable.</summary>
    public MovingSourceRenderer(SoundFieldSurrogate model, Vector3 listener, Vector3 source, double sampleRate, int blockSize = 256, float gain = 1)
    {
        _model = model ?? throw new ArgumentNullException(nameof(model));
        if (!(sampleRate > 0) || !double.IsFinite(sampleRate)) throw new ArgumentOutOfRangeException(nameof(sampleRate), sampleRate, "the sample rate must be a positive number of Hz");
        if (!float.IsFinite(gain)) throw new ArgumentOutOfRangeException(nameof(gain), gain, "gain must be finite");
        Listener = listener;
        SampleRate = sampleRate;
        Gain = gain;
        var ir = Predict(source);
        ImpulseResponseLength = ir.Length;
        _convolver = new PartitionedConvolver(ir, blockSize);
        Source = source;
    }

    /// <summary>Listener position, metres.</summary>
    public Vector3 Listener { get; }
    /// <summary>Audio sample rate, Hz.</summary>
    public double SampleRate { get; }
    /// <summary>Scale applied to every IR.</summary>
    public float Gain { get; }
    /// <summary>Samples per audio block.</summary>
    public int BlockSize => _convolver.BlockSize;
    /// <summary>IR length at the audio rate, samples.</summary>
    public int ImpulseResponseLength { get; }
    /// <summary>The source position of the latest IR, metres.</summary>
    public Vector3 Source { get; private set; }
    /// <summary>IR updates handed to the convolver so far.</summary>
    public int Updates { get; private set; }

    /// <summary>The IR (at the audio rate, gain applied) for a source at <paramref name="source"/>; runs the surrogate on the GPU.</summary>
    public float[] Predict(Vector3 source)
    {
        var ir = _model.PredictImpulseResponse(source, Listener).Resample(SampleRate).Samples;
        for (int i = 0; i < ir.Length; i++) ir[i] *= Gain;
        return ir;
    }

    /// <summary>Game/update thread: predicts the IR for the new position and queues it; the next audio block fades to it.</summary>
    public void MoveSource(Vector3 source)
    {
        var ir = Predict(source);
        _convolver.UpdateImpulseResponse(ir.AsSpan(0, Math.Min(ir.Length, _convolver.Capacity)));
        Source = source;
        Updates++;
    }

    /// <summary>Audio thread: the next <see cref="BlockSize"/> wet samples for the next BlockSize dry ones. Allocation-free.</summary>
    public void ProcessBlock(ReadOnlySpan<float> dry, Span<float> wet) => _convolver.ProcessBlock(dry, wet);

    /// <summary>
    /// Renders <paramref name="dry"/> (mono, at <paramref name="sampleRate"/>) offline with the source walking
    /// <paramref name="path"/> from t = 0: the source moves every <paramref name="updateEveryBlocks"/> blocks (to its
    /// position at the middle of the coming block), then the block is processed. The result is the dry length plus the IR
    /// tail. Also reports the managed bytes allocated inside the audio calls (<see cref="GC.GetAllocatedBytesForCurrentThread"/>).
    /// </summary>
    public static MovingSourceRender Render(SoundFieldSurrogate model, Vector3 listener, ReadOnlySpan<float> dry, double sampleRate, SourcePath path,
        int blockSize = 256, int updateEveryBlocks = 1, float gain = 1)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentOutOfRangeException.ThrowIfLessThan(updateEveryBlocks, 1);
        double Mid(int block) => (block + 0.5) * blockSize / sampleRate;
        var renderer = new MovingSourceRenderer(model, listener, path.PositionAt(Mid(0)), sampleRate, blockSize, gain);
        int length = dry.Length + renderer.ImpulseResponseLength - 1, blocks = (length + blockSize - 1) / blockSize;
        var wet = new float[blocks * blockSize];
        var input = new float[blockSize];
        long allocated = 0;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        double predictSeconds = 0;
        for (int b = 0; b < blocks; b++)
        {
            if (b > 0 && b % updateEveryBlocks == 0)
            {
                var next = path.PositionAt(Mid(b));
                if (next != renderer.Source)
                {
                    var t0 = clock.Elapsed.TotalSeconds;
                    renderer.MoveSource(next);
                    predictSeconds += clock.Elapsed.TotalSeconds - t0;
                }
            }
            int start = b * blockSize;
            Array.Clear(input);
            if (start < dry.Length) dry.Slice(start, Math.Min(blockSize, dry.Length - start)).CopyTo(input);
            long before = GC.GetAllocatedBytesForCurrentThread();
            renderer.ProcessBlock(input, wet.AsSpan(start, blockSize));
            allocated += GC.GetAllocatedBytesForCurrentThread() - before;
        }
        return new MovingSourceRender(wet[..length], allocated, renderer.Updates,
            renderer.Updates > 0 ? predictSeconds * 1000 / renderer.Updates : 0);
    }
}
