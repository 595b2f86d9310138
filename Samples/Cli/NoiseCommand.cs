using FieldForge.Core;
using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using FieldForge.Gpu;
using FieldForge.Noise;

namespace FieldForge.Cli;

/// <summary>`./ff noise`: simplex noise to a PNG (2D size) or a float32 little-endian .raw volume (WxHxD size).</summary>
public sealed class NoiseCommand : ICommand
{
    public string Verb => "noise";
    public string Summary => "simplex noise to PNG or a float32 .raw volume";

    private const string Usage = """
        ./ff noise [--dim 2|3|4] [--size WxH|WxHxD] [--octaves 1..16] [--seed N] [--mode fbm|ridged|billow]
                   [--frequency F] [--lacunarity L] [--gain G] [--amplitude A] [--offset O]
                   [--warp 0|1|2] [--warp-amplitude W] [--period PX,PY[,PZ]] [--ramp] [--out FILE]
          The image spans 1 input unit across its width; --frequency is lattice cells across it (default 8);
          --period 8,8 with --frequency 8 makes a seamless tile.
          --dim 3/4 with a 2D size writes the slice z=0 (w=0); a WxHxD size writes FILE.raw (float32 LE, x fastest).
        """;

    public int Run(CliArgs args)
    {
        if (args.Flag("help")) { Console.WriteLine(Usage); return 0; }
        int dim = args.Int("dim", 2, 2, 4);
        var size = ParseSize(args.String("size", "512x512"));
        int octaves = args.Int("octaves", 1, 1, NoiseSettings.MaxOctaves);
        int seed = args.Int("seed", 1337);
        string modeText = args.String("mode", "fbm");
        var mode = modeText.ToLowerInvariant() switch
        {
            "fbm" => NoiseMode.Fbm, "ridged" => NoiseMode.Ridged, "billow" => NoiseMode.Billow,
            _ => throw new CliError($"--mode must be fbm, ridged or billow, got '{modeText}'"),
        };
        float frequency = (float)args.Double("frequency", 8);
        float lacunarity = (float)args.Double("lacunarity", 2);
        float gain = (float)args.Double("gain", 0.5);
        float amplitude = (float)args.Double("amplitude", 1);
        float offset = (float)args.Double("offset", 0);
        int warp = args.Int("warp", 0, 0, 2);
        float warpAmplitude = (float)args.Double("warp-amplitude", 0.1);
        var period = ParsePeriod(args.String("period"));
        bool ramp = args.Flag("ramp");
        bool volume = size.Length == 3;
        string outPath = args.String("out", volume ? "noise.raw" : "noise.png");
        args.RejectUnknown();

        outPath = CliArgs.WritablePath(outPath, "out");
        string ext = Path.GetExtension(outPath).ToLowerInvariant();
        if (volume && ext != ".raw") throw new CliError($"--out: a WxHxD volume is written as float32 .raw, got '{outPath}'");
        if (!volume && ext != ".png") throw new CliError($"--out: a 2D size is written as .png, got '{outPath}' (use --size WxHxD for a .raw volume)");
        if (volume && dim == 2) throw new CliError("--size WxHxD needs --dim 3 or 4 (a 2D field has no depth)");

        NoiseSettings settings;
        try
        {
            settings = new NoiseSettings
            {
                Seed = seed, Mode = mode, Octaves = octaves, Frequency = frequency, Lacunarity = lacunarity, Gain = gain,
                Amplitude = amplitude, Offset = offset, WarpStages = warp, WarpAmplitude = warpAmplitude,
                PeriodX = period[0], PeriodY = period[1], PeriodZ = period[2],
            }.Validate(dim);
        }
        catch (ArgumentException e) { throw new CliError(e.Message); }

        int w = size[0], h = size[1], depth = volume ? size[2] : 1;
        var grid = new NoiseGrid(dim, w, h, depth, Vector4.Zero, new Vector3(1f / w));
        using var lease = CliGpu.Open(args); var gpu = lease.Context;
        if (grid.Count * 4L > (long)gpu.DeviceInfo.MaxStorageBufferBytes)
            throw new CliError($"--size {w}x{h}x{depth} needs {grid.Count * 4L / (1 << 20)} MiB, more than the device's {gpu.DeviceInfo.MaxStorageBufferBytes >> 20} MiB per buffer");
        Console.WriteLine($"device: {gpu.DeviceInfo}");
        Console.WriteLine($"noise: {dim}D {mode} octaves={octaves} seed={seed} warp={warp} grid {w}x{h}x{depth} ({grid.Count:N0} samples)");
        var noise = new GpuNoise(gpu, settings);
        using var values = gpu.CreateBuffer<float>(grid.Count, label: "noise values");
        var sw = Stopwatch.StartNew();
        double kernelMs;
        using (var batch = gpu.BeginBatch())
        {
            using (batch.Time("noise")) noise.RecordFillGrid(batch, grid, values);
            batch.Submit();
            kernelMs = batch.Timings.FirstOrDefault()?.Milliseconds ?? double.NaN;
        }
        var host = values.ToArray();
        double totalMs = sw.Elapsed.TotalMilliseconds;
        Console.WriteLine($"generated in {kernelMs.ToString("F1", CultureInfo.InvariantCulture)} ms GPU ({grid.Count / kernelMs / 1e3:F1} Msamples/s), " +
                          $"{totalMs.ToString("F1", CultureInfo.InvariantCulture)} ms including submit and read-back");
        if (volume)
        {
            var bytes = new byte[host.Length * 4];
            for (int i = 0; i < host.Length; i++) BitConverter.TryWriteBytes(bytes.AsSpan(4 * i), host[i]);
            if (!BitConverter.IsLittleEndian) for (int i = 0; i < bytes.Length; i += 4) bytes.AsSpan(i, 4).Reverse();
            AtomicFile.WriteAllBytes(outPath, bytes);
        }
        else
        {
            float range = Math.Abs(amplitude) > 0 ? Math.Abs(amplitude) : 1f;
            new RgbaImage(w, h, NoiseImage.ToRgba(host, w, h, offset - range, offset + range, ramp)).SavePng(outPath);
        }
        Console.WriteLine($"wrote {outPath}");
        return 0;
    }

    private static int[] ParseSize(string text)
    {
        var parts = text.Split('x');
        if (parts.Length is < 2 or > 3 || parts.Any(p => !int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out int v) || v < 1 || v > 65535))
            throw new CliError($"--size must be WxH or WxHxD with each 1..65535, got '{text}'");
        return parts.Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToArray();
    }

    private static int[] ParsePeriod(string? text)
    {
        if (text is null) return [0, 0, 0];
        var parts = text.Split(',');
        if (parts.Length is < 2 or > 3 || parts.Any(p => !int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
            throw new CliError($"--period must be PX,PY or PX,PY,PZ (whole lattice cells), got '{text}'");
        var v = parts.Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToList();
        if (v.Count == 2) v.Add(0);
        return v.ToArray();
    }
}
