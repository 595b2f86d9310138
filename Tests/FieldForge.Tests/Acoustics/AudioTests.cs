using FieldForge.Acoustics;

namespace FieldForge.Tests.Acoustics;

public sealed class AudioTests
{
    private static float[] Noise(int n, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
    }

    private static double[] Direct(float[] x, float[] h)
    {
        var y = new double[x.Length + h.Length - 1];
        for (int i = 0; i < x.Length; i++)
        for (int j = 0; j < h.Length; j++) y[i + j] += (double)x[i] * h[j];
        return y;
    }

    [TestCase(1000, 37, 16)]
    [TestCase(3000, 1500, 64)]
    [TestCase(500, 2048, 256)]
    public void Convolve_MatchesDirectConvolution(int signalLength, int irLength, int block)
    {
        var x = Noise(signalLength, 1);
        var h = Noise(irLength, 2);
        var fast = PartitionedConvolver.Convolve(x, h, block);
        var direct = Direct(x, h);
        Assert.That(fast.Length, Is.EqualTo(direct.Length));
        double scale = direct.Max(Math.Abs), worst = 0;
        for (int i = 0; i < fast.Length; i++) worst = Math.Max(worst, Math.Abs(fast[i] - direct[i]));
        // double-precision FFT, float output: error ~ float rounding of the result.
        Assert.That(worst, Is.LessThan(1e-5 * scale));
    }

    [Test]
    public void ProcessBlock_StreamingBlocks_EqualsOneShotAndResetClearsHistory()
    {
        var h = Noise(300, 3);
        var x = Noise(64 * 10, 4);
        var conv = new PartitionedConvolver(h, 64);
        var streamed = new float[x.Length];
        for (int b = 0; b < 10; b++) conv.ProcessBlock(x.AsSpan(b * 64, 64), streamed.AsSpan(b * 64, 64));
        var direct = Direct(x, h);
        for (int i = 0; i < x.Length; i++) Assert.That(streamed[i], Is.EqualTo(direct[i]).Within(1e-4));
        conv.Reset();
        var silent = new float[64];
        conv.ProcessBlock(new float[64], silent);
        Assert.That(silent.Max(MathF.Abs), Is.EqualTo(0f));
        Assert.Throws<ArgumentException>(() => conv.ProcessBlock(new float[10], new float[10]));
    }

    [TestCase(WavSampleFormat.Pcm16, 1, 1.0 / 32767)]
    [TestCase(WavSampleFormat.Pcm16, 2, 1.0 / 32767)]
    [TestCase(WavSampleFormat.Float32, 1, 0.0)]
    [TestCase(WavSampleFormat.Float32, 2, 0.0)]
    public void WavFile_RoundTrip_PreservesSamples(WavSampleFormat format, int channels, double tolerance)
    {
        var data = Enumerable.Range(0, channels).Select(c => Noise(1001, 10 + c)).ToArray();
        var wav = new WavFile(44100, data);
        var path = Path.Combine(Path.GetTempPath(), $"ff-wav-{format}-{channels}-{Environment.ProcessId}.wav");
        try
        {
            wav.Write(path, format);
            var back = WavFile.Read(path);
            Assert.That(back.SampleRate, Is.EqualTo(44100));
            Assert.That(back.Channels.Length, Is.EqualTo(channels));
            for (int c = 0; c < channels; c++)
            for (int i = 0; i < 1001; i++) Assert.That(back.Channels[c][i], Is.EqualTo(data[c][i]).Within(tolerance * 0.51 + 1e-9));
        }
        finally { File.Delete(path); }
    }

    [Test]
    public void WavFile_MalformedInput_IsRejectedWithReason()
    {
        var good = new WavFile(8000, new[] { Noise(100, 5) }).ToBytes();
        Assert.That(Assert.Throws<InvalidDataException>(() => WavFile.Parse(new byte[] { 1, 2, 3 }, "x.wav"))!.Message, Does.Contain("x.wav: not a RIFF/WAVE file"));
        Assert.That(Assert.Throws<InvalidDataException>(() => WavFile.Parse(good.AsSpan(0, good.Length - 10), "cut.wav"))!.Message, Does.Contain("truncated"));
        var pcm24 = (byte[])good.Clone();
        pcm24[34] = 24;
        Assert.That(Assert.Throws<InvalidDataException>(() => WavFile.Parse(pcm24, "24.wav"))!.Message, Does.Contain("only 16-bit PCM and 32-bit float"));
        var noData = good.AsSpan(0, 36).ToArray();
        Assert.That(Assert.Throws<InvalidDataException>(() => WavFile.Parse(noData, "nodata.wav"))!.Message, Does.Contain("no data chunk"));
        var sixChannels = (byte[])good.Clone();
        sixChannels[22] = 6;
        Assert.That(Assert.Throws<InvalidDataException>(() => WavFile.Parse(sixChannels, "six.wav"))!.Message, Does.Contain("only mono and stereo"));
    }

    [Test]
    public void ImpulseResponse_CsvRoundTripAndResampledSine_KeepShape()
    {
        var samples = Enumerable.Range(0, 400).Select(n => (float)Math.Sin(2 * Math.PI * 300 * n / 9000.0)).ToArray();
        var ir = new ImpulseResponse(9000, samples);
        var path = Path.Combine(Path.GetTempPath(), $"ff-ir-{Environment.ProcessId}.csv");
        try
        {
            ir.WriteCsv(path);
            Assert.That(File.ReadLines(path).First(), Is.EqualTo("time_s,pressure_pa"));
            var back = ImpulseResponse.ReadCsv(path);
            Assert.That(back.SampleRate, Is.EqualTo(9000).Within(1e-6));
            Assert.That(back.Samples, Is.EqualTo(samples));
            ir.WriteCsv(path, new[] { "simulated room: box:3.987x3.001x2.487" });
            Assert.That(File.ReadLines(path).First(), Is.EqualTo("# simulated room: box:3.987x3.001x2.487"));
            Assert.That(ImpulseResponse.ReadCsv(path).Samples, Is.EqualTo(samples), "comment lines are skipped on reading");
            File.WriteAllText(path, "time_s,pressure_pa\n0,1\n0.1,abc\n");
            Assert.That(Assert.Throws<InvalidDataException>(() => ImpulseResponse.ReadCsv(path))!.Message, Does.Contain(":3: expected 'time,pressure'"));
        }
        finally { File.Delete(path); }
        // A 300 Hz sine resampled 9 kHz -> 48 kHz stays a 300 Hz sine away from the ends (windowed-sinc interpolation).
        var up = ir.Resample(48000);
        for (int m = 800; m < up.Samples.Length - 800; m += 37)
            Assert.That(up.Samples[m], Is.EqualTo(Math.Sin(2 * Math.PI * 300 * m / 48000.0)).Within(2e-3));
    }

    [Test]
    public void Convolver_FromImpulseResponseAndStreamRate_ResamplesTheResponseFirst()
    {
        var ir = new ImpulseResponse(9102, Noise(200, 5));
        var x = Noise(256 * 4, 6);
        var fromIr = PartitionedConvolver.Convolve(x, ir.Resample(48000).Samples, 256);
        var conv = new PartitionedConvolver(ir, 48000, 256);
        var streamed = new float[x.Length];
        for (int b = 0; b < 4; b++) conv.ProcessBlock(x.AsSpan(b * 256, 256), streamed.AsSpan(b * 256, 256));
        for (int i = 0; i < x.Length; i++) Assert.That(streamed[i], Is.EqualTo(fromIr[i]).Within(1e-4));
        Assert.That(conv.Partitions, Is.GreaterThan(new PartitionedConvolver(ir.Samples, 256).Partitions),
            "a 9.1 kHz response spans more samples at 48 kHz");
        Assert.Throws<ArgumentOutOfRangeException>(() => new PartitionedConvolver(ir, double.NaN));
    }
}
