using FieldForge.Core;
using System.Globalization;
using System.Text;

namespace FieldForge.Acoustics;

/// <summary>
/// A room impulse response: pressure samples (Pa) at a fixed rate, as the FDTD solver or the surrogate produce them.
/// CSV I/O uses the header <c>time_s,pressure_pa</c> with one row per sample from t = 0, optionally preceded by
/// <c>#</c> comment lines that say where the response came from (e.g. the room the solver actually simulated).
/// </summary>
public sealed class ImpulseResponse
{
    /// <summary>Wraps <paramref name="samples"/> (Pa) taken at <paramref name="sampleRate"/> Hz.</summary>
    public ImpulseResponse(double sampleRate, float[] samples)
    {
        if (!(sampleRate > 0) || !double.IsFinite(sampleRate)) throw new ArgumentOutOfRangeException(nameof(sampleRate), sampleRate, $"sample rate must be a positive number of Hz, got {sampleRate}");
        Samples = samples ?? throw new ArgumentNullException(nameof(samples));
        if (samples.Length == 0) throw new ArgumentException("an impulse response needs at least one sample", nameof(samples));
        for (int i = 0; i < samples.Length; i++)
            if (!float.IsFinite(samples[i])) throw new ArgumentException($"impulse response sample {i} is {samples[i]}", nameof(samples));
        SampleRate = sampleRate;
    }

    /// <summary>Samples per second, Hz.</summary>
    public double SampleRate { get; }
    /// <summary>Pressure samples, Pa.</summary>
    public float[] Samples { get; }
    /// <summary>Length in seconds.</summary>
    public double Duration => Samples.Length / SampleRate;

    /// <summary>
    /// Band-limited resampling to <paramref name="targetRate"/> Hz with a Hann-windowed sinc (32 zero crossings); when
    /// downsampling the cutoff drops to the new Nyquist frequency so nothing aliases.
    /// </summary>
    public ImpulseResponse Resample(double targetRate)
    {
        if (!(targetRate > 0) || !double.IsFinite(targetRate)) throw new ArgumentOutOfRangeException(nameof(targetRate), targetRate, "target rate must be a positive number of Hz");
        if (Math.Abs(targetRate - SampleRate) < 1e-9 * SampleRate) return new ImpulseResponse(SampleRate, (float[])Samples.Clone());
        const int zeroCrossings = 16;
        double ratio = SampleRate / targetRate, cutoff = Math.Min(1, 1 / ratio), half = zeroCrossings / cutoff;
        int length = Math.Max(1, (int)Math.Ceiling(Samples.Length / ratio));
        var result = new float[length];
        for (int m = 0; m < length; m++)
        {
            double u = m * ratio;
            int lo = Math.Max(0, (int)Math.Ceiling(u - half)), hi = Math.Min(Samples.Length - 1, (int)Math.Floor(u + half));
            double s = 0;
            for (int n = lo; n <= hi; n++)
            {
                double d = u - n, x = Math.PI * cutoff * d;
                double sinc = Math.Abs(x) < 1e-12 ? 1 : Math.Sin(x) / x;
                double window = 0.5 + 0.5 * Math.Cos(Math.PI * d / half);
                s += Samples[n] * cutoff * sinc * window;
            }
            result[m] = (float)s;
        }
        return new ImpulseResponse(targetRate, result);
    }

    /// <summary>
    /// Convolves every channel of <paramref name="dry"/> with this IR (resampled to the WAV's rate) through the
    /// partitioned convolver; the result (dry length + IR length - 1) is scaled so its peak is 0.9 full scale when
    /// <paramref name="normalize"/> is set (an FDTD IR is in Pa per pulse, not a unit-gain filter).
    /// </summary>
    public WavFile Auralize(WavFile dry, int blockSize = 512, bool normalize = true)
    {
        ArgumentNullException.ThrowIfNull(dry);
        var ir = Resample(dry.SampleRate).Samples;
        var wet = dry.Channels.Select(c => PartitionedConvolver.Convolve(c, ir, blockSize)).ToArray();
        if (normalize)
        {
            float peak = wet.Max(c => c.Length == 0 ? 0 : c.Max(MathF.Abs));
            if (peak > 0)
                foreach (var c in wet)
                    for (int i = 0; i < c.Length; i++) c[i] *= 0.9f / peak;
        }
        return new WavFile(dry.SampleRate, wet);
    }

    /// <summary>Writes <c>time_s,pressure_pa</c> rows (invariant culture).</summary>
    public void WriteCsv(string path) => WriteCsv(path, Array.Empty<string>());

    /// <summary>Writes <paramref name="comments"/> as <c># ...</c> lines, then <c>time_s,pressure_pa</c> rows.</summary>
    public void WriteCsv(string path, IEnumerable<string> comments)
    {
        ArgumentNullException.ThrowIfNull(comments);
        var sb = new StringBuilder();
        foreach (var c in comments)
        {
            if (c.Contains('\n') || c.Contains('\r')) throw new ArgumentException("a comment must be one line", nameof(comments));
            sb.Append("# ").Append(c).Append('\n');
        }
        sb.Append("time_s,pressure_pa\n");
        for (int n = 0; n < Samples.Length; n++)
            sb.Append((n / SampleRate).ToString("R", CultureInfo.InvariantCulture)).Append(',')
              .Append(Samples[n].ToString("R", CultureInfo.InvariantCulture)).Append('\n');
        AtomicFile.WriteAllText(path, sb.ToString());
    }

    /// <summary>Reads a CSV written by <see cref="WriteCsv(string)"/> (uniform time steps; <c>#</c> lines are skipped). Throws
    /// <see cref="InvalidDataException"/> naming the line on malformed input.</summary>
    public static ImpulseResponse ReadCsv(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"impulse response '{path}' does not exist", path);
        var lines = File.ReadAllLines(path).Where(l => l.Length > 0 && !l.StartsWith('#')).ToArray();
        if (lines.Length == 0 || lines[0].Trim() != "time_s,pressure_pa")
            throw new InvalidDataException($"{path}: expected the header 'time_s,pressure_pa'");
        if (lines.Length < 3) throw new InvalidDataException($"{path}: needs at least two samples to know the sample rate");
        var t = new double[lines.Length - 1];
        var p = new float[lines.Length - 1];
        for (int i = 1; i < lines.Length; i++)
        {
            var parts = lines[i].Split(',');
            if (parts.Length != 2 || !double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out t[i - 1]) ||
                !float.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out p[i - 1]) || !float.IsFinite(p[i - 1]))
                throw new InvalidDataException($"{path}:{i + 1}: expected 'time,pressure', got '{lines[i]}'");
        }
        double dt = (t[^1] - t[0]) / (t.Length - 1);
        if (!(dt > 0)) throw new InvalidDataException($"{path}: time must increase");
        for (int i = 1; i < t.Length; i++)
            if (Math.Abs(t[i] - t[i - 1] - dt) > 1e-3 * dt) throw new InvalidDataException($"{path}:{i + 2}: time steps are not uniform");
        return new ImpulseResponse(1 / dt, p);
    }
}
