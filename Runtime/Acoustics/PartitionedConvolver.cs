using System.Numerics;

namespace FieldForge.Acoustics;

/// <summary>
/// Streaming convolution with a long impulse response by uniformly partitioned overlap-save (UPOLS): the IR is cut
/// into blocks of <see cref="BlockSize"/> samples whose spectra (FFT size 2·BlockSize) multiply a frequency-domain
/// delay line of past input blocks. <see cref="ProcessBlock"/> takes and returns exactly one block, allocates nothing
/// and adds no latency beyond the block itself, so a game's audio callback can call it directly.
/// <see cref="UpdateImpulseResponse"/> swaps in another IR from any thread (e.g. as a source moves); the next block is
/// computed with both IRs over the same input history and cross-faded, so the change makes no click.
/// </summary>
public sealed class PartitionedConvolver
{
    private readonly Fft _fft;
    private Complex[][] _irSpectra;            // per partition, bins 0..BlockSize (the rest follow by symmetry)
    private readonly Complex[][] _delayLine;   // past input spectra, ring buffer
    private readonly Complex[] _work, _accumulator;
    private readonly float[] _inputWindow;     // the last 2·BlockSize input samples
    private readonly float[] _fadeOut;         // the outgoing IR's block while cross-fading
    private int _head;
    // IR updates: the writer fills _staged (its own), then swaps it with _pending under _gate; the audio thread takes
    // _pending with a non-blocking TryEnter at the start of a block (trying again next block if the writer holds it).
    private readonly object _gate = new(), _writerGate = new();
    private Complex[][]? _staged, _pending, _incoming;
    private Complex[]? _stagingWork;
    private bool _pendingFresh;

    /// <summary>Prepares the partitions of <paramref name="impulseResponse"/> for blocks of <paramref name="blockSize"/>
    /// samples (a power of two, 16..65536). The samples must already be at the audio stream's rate; for a simulated or
    /// predicted <see cref="ImpulseResponse"/> (whose rate follows the solver's time step) use the overload that
    /// takes the stream's sample rate.</summary>
    public PartitionedConvolver(ReadOnlySpan<float> impulseResponse, int blockSize = 256)
    {
        if (blockSize < 16 || blockSize > 65536 || !BitOperations.IsPow2(blockSize))
            throw new ArgumentOutOfRangeException(nameof(blockSize), blockSize, $"blockSize must be a power of two in 16..65536, got {blockSize}");
        if (impulseResponse.Length == 0) throw new ArgumentException("the impulse response is empty", nameof(impulseResponse));
        foreach (var v in impulseResponse)
            if (!float.IsFinite(v)) throw new ArgumentException("the impulse response contains NaN or infinity", nameof(impulseResponse));
        BlockSize = blockSize;
        int n = 2 * blockSize, bins = blockSize + 1;
        _fft = new Fft(n);
        Partitions = (impulseResponse.Length + blockSize - 1) / blockSize;
        _irSpectra = new Complex[Partitions][];
        _delayLine = new Complex[Partitions][];
        _work = new Complex[n];
        _accumulator = new Complex[bins];
        _inputWindow = new float[n];
        _fadeOut = new float[blockSize];
        for (int p = 0; p < Partitions; p++)
        {
            _irSpectra[p] = new Complex[bins];
            _delayLine[p] = new Complex[bins];
        }
        Transform(impulseResponse, _irSpectra, _work);
    }

    // Partition spectra of an IR (zero-padded to Partitions·BlockSize) into preallocated arrays.
    private void Transform(ReadOnlySpan<float> impulseResponse, Complex[][] spectra, Complex[] work)
    {
        int b = BlockSize;
        for (int p = 0; p < Partitions; p++)
        {
            Array.Clear(work);
            int start = p * b;
            if (start < impulseResponse.Length)
            {
                var part = impulseResponse.Slice(start, Math.Min(b, impulseResponse.Length - start));
                for (int i = 0; i < part.Length; i++) work[i] = part[i];
            }
            _fft.Transform(work, inverse: false);
            work.AsSpan(0, b + 1).CopyTo(spectra[p]);
        }
    }

    /// <summary>Longest impulse response <see cref="UpdateImpulseResponse"/> accepts: Partitions · BlockSize samples.</summary>
    public int Capacity => Partitions * BlockSize;

    /// <summary>True while an update is waiting for the next <see cref="ProcessBlock"/>.</summary>
    public bool UpdatePending
    {
        get { lock (_gate) return _pendingFresh; }
    }

    /// <summary>
    /// Replaces the impulse response (at the stream's rate, at most <see cref="Capacity"/> samples; shorter ones are
    /// zero-padded). Safe to call from another thread than <see cref="ProcessBlock"/>: the partition FFTs run here, and
    /// the next block (or the one after, if it raced) cross-fades from the old IR's output to the new one's with a
    /// raised-cosine over the whole block. When several updates arrive between two blocks, the last one wins. The
    /// first two calls allocate the spare spectra; later ones allocate nothing.
    /// </summary>
    public void UpdateImpulseResponse(ReadOnlySpan<float> impulseResponse)
    {
        if (impulseResponse.Length == 0) throw new ArgumentException("the impulse response is empty", nameof(impulseResponse));
        if (impulseResponse.Length > Capacity)
            throw new ArgumentException($"the impulse response has {impulseResponse.Length} samples, more than this convolver's capacity of {Capacity} ({Partitions} partitions of {BlockSize})", nameof(impulseResponse));
        foreach (var v in impulseResponse)
            if (!float.IsFinite(v)) throw new ArgumentException("the impulse response contains NaN or infinity", nameof(impulseResponse));
        lock (_writerGate)
        {
            _staged ??= NewSpectra();
            Transform(impulseResponse, _staged, _stagingWork ??= new Complex[2 * BlockSize]);
            lock (_gate)
            {
                (_pending, _staged) = (_staged, _pending);
                _pendingFresh = true;
            }
        }
    }

    private Complex[][] NewSpectra()
    {
        var s = new Complex[Partitions][];
        for (int p = 0; p < Partitions; p++) s[p] = new Complex[BlockSize + 1];
        return s;
    }

    /// <summary>Convolves audio at <paramref name="audioSampleRate"/> Hz with <paramref name="impulseResponse"/>,
    /// resampling it (band-limited) from its own rate first, so a solver IR at e.g. 9102 Hz plays correctly in a
    /// 48 kHz stream.</summary>
    public PartitionedConvolver(ImpulseResponse impulseResponse, double audioSampleRate, int blockSize = 256)
        : this((impulseResponse ?? throw new ArgumentNullException(nameof(impulseResponse))).Resample(audioSampleRate).Samples, blockSize)
    {
    }

    /// <summary>Samples per processing block (the partition length and the streaming latency).</summary>
    public int BlockSize { get; }
    /// <summary>Number of IR partitions (IR length / BlockSize, rounded up).</summary>
    public int Partitions { get; }

    /// <summary>Convolves the next <see cref="BlockSize"/> input samples; writes the next BlockSize output samples.</summary>
    public void ProcessBlock(ReadOnlySpan<float> input, Span<float> output)
    {
        if (input.Length != BlockSize || output.Length != BlockSize)
            throw new ArgumentException($"ProcessBlock takes exactly {BlockSize} input and output samples, got {input.Length} and {output.Length}");
        int b = BlockSize, n = 2 * b, bins = b + 1;
        // Slide the input window by one block and transform it.
        Array.Copy(_inputWindow, b, _inputWindow, 0, b);
        input.CopyTo(_inputWindow.AsSpan(b));
        for (int i = 0; i < n; i++) _work[i] = _inputWindow[i];
        _fft.Transform(_work, inverse: false);
        _head = (_head + Partitions - 1) % Partitions;
        _work.AsSpan(0, bins).CopyTo(_delayLine[_head]);

        bool fade = false;
        if (Monitor.TryEnter(_gate))
        {
            try
            {
                if (_pendingFresh)
                {
                    (_incoming, _pending) = (_pending, _incoming);
                    _pendingFresh = false;
                    fade = true;
                }
            }
            finally { Monitor.Exit(_gate); }
        }
        if (!fade)
        {
            Filter(_irSpectra, output);
            return;
        }
        // Both IRs see the same input history, so each output is what that IR alone would have produced here.
        Filter(_irSpectra, _fadeOut);
        Filter(_incoming!, output);
        for (int i = 0; i < b; i++)
        {
            float w = 0.5f - 0.5f * MathF.Cos(MathF.PI * (i + 0.5f) / b);
            output[i] = (1 - w) * _fadeOut[i] + w * output[i];
        }
        (_irSpectra, _incoming) = (_incoming!, _irSpectra);
    }

    // Multiply-accumulate over partitions (the input block p blocks ago meets IR partition p), inverse FFT, and keep the
    // second half (overlap-save: the first half is circularly aliased).
    private void Filter(Complex[][] irSpectra, Span<float> output)
    {
        int b = BlockSize, n = 2 * b, bins = b + 1;
        Array.Clear(_accumulator);
        for (int p = 0; p < Partitions; p++)
        {
            var x = _delayLine[(_head + p) % Partitions];
            var h = irSpectra[p];
            for (int k = 0; k < bins; k++) _accumulator[k] += x[k] * h[k];
        }
        for (int k = 0; k < bins; k++) _work[k] = _accumulator[k];
        for (int k = 1; k < b; k++) _work[n - k] = Complex.Conjugate(_accumulator[k]);
        _fft.Transform(_work, inverse: true);
        for (int i = 0; i < b; i++) output[i] = (float)_work[b + i].Real;
    }

    /// <summary>Forgets all past input (silence from now on).</summary>
    public void Reset()
    {
        Array.Clear(_inputWindow);
        foreach (var d in _delayLine) Array.Clear(d);
        _head = 0;
    }

    /// <summary>Full linear convolution of <paramref name="signal"/> with <paramref name="impulseResponse"/>
    /// (length signal + ir - 1), computed block by block through the streaming path.</summary>
    public static float[] Convolve(ReadOnlySpan<float> signal, ReadOnlySpan<float> impulseResponse, int blockSize = 256)
    {
        var conv = new PartitionedConvolver(impulseResponse, blockSize);
        int length = signal.Length + impulseResponse.Length - 1;
        var result = new float[length];
        var input = new float[blockSize];
        var output = new float[blockSize];
        for (int start = 0; start < length; start += blockSize)
        {
            Array.Clear(input);
            if (start < signal.Length) signal.Slice(start, Math.Min(blockSize, signal.Length - start)).CopyTo(input);
            conv.ProcessBlock(input, output);
            output.AsSpan(0, Math.Min(blockSize, length - start)).CopyTo(result.AsSpan(start));
        }
        return result;
    }
}
