using FieldForge.Core;
using System.Diagnostics;
using FieldForge.Gpu;
using FieldForge.Noise;

namespace FieldForge.Showcase;

/// <summary>Simplex noise: a warped fBm terrain texture with a colour ramp, a seamless ridged tile, and the GPU
/// result checked against the CPU reference on a sample of pixels.</summary>
public sealed class NoiseStep : IShowcaseStep
{
    public int Order => 10;
    public string Title => "Simplex noise (GPU)";

    public ShowcaseResult Run(GpuContext gpu, ShowcaseOptions options)
    {
        int size = options.Quick ? 128 : 512;
        var files = new List<string>();
        var summary = new List<string>();

        var terrain = new NoiseSettings { Seed = 7, Octaves = 6, Frequency = 3f, WarpStages = 2, WarpAmplitude = 0.15f };
        var grid = NoiseGrid.Plane(size, size, 1f / size);
        var (values, ms) = Fill(gpu, terrain, grid);
        new RgbaImage(size, size, NoiseImage.ToRgba(values, size, size, colorRamp: true)).SavePng(Path.Combine(options.OutputDirectory, "noise_terrain.png"));
        files.Add("noise_terrain.png");
        summary.Add($"{size}x{size} 2D 6-octave fBm, 2 warp stages: {ms:F1} ms GPU ({grid.Count * 5 * 6 / ms / 1e3:F1} M octave-evaluations/s)");

        // A tile that repeats every `size` pixels: 4 lattice cells across with period 4 in x and y.
        var tile = new NoiseSettings { Seed = 3, Mode = NoiseMode.Ridged, Octaves = 5, Frequency = 4f, PeriodX = 4, PeriodY = 4 };
        var (tileValues, tileMs) = Fill(gpu, tile, grid);
        new RgbaImage(size, size, NoiseImage.ToRgba(tileValues, size, size)).SavePng(Path.Combine(options.OutputDirectory, "noise_tile.png"));
        files.Add("noise_tile.png");
        var edge = new GpuNoise(gpu, tile).Evaluate(2, [1f, 0.37f, 0f, 0.37f]);
        summary.Add($"seamless ridged tile (period 4x4 cells): {tileMs:F1} ms GPU; value at x=1 equals x=0: {edge[0] == edge[1]}");

        // GPU against the scalar CPU reference on every 7th pixel of the terrain.
        var cpu = new CpuNoise(terrain);
        double worst = 0;
        for (int i = 0; i < values.Length; i += 7)
        {
            float x = (float)(i % size) * (1f / size), y = (float)(i / size) * (1f / size);
            worst = Math.Max(worst, Math.Abs(cpu.Evaluate(x, y) - values[i]));
        }
        summary.Add($"GPU vs CPU reference on {values.Length / 7:N0} pixels: max |difference| {worst:E1}");
        return new ShowcaseResult(files, summary);
    }

    private static (float[] Values, double Milliseconds) Fill(GpuContext gpu, NoiseSettings settings, NoiseGrid grid)
    {
        var noise = new GpuNoise(gpu, settings);
        using var buffer = gpu.CreateBuffer<float>(grid.Count, label: "showcase noise");
        var sw = Stopwatch.StartNew();
        using var batch = gpu.BeginBatch();
        using (batch.Time("noise")) noise.RecordFillGrid(batch, grid, buffer);
        batch.Submit();
        double ms = batch.Timings.FirstOrDefault()?.Milliseconds ?? sw.Elapsed.TotalMilliseconds;
        return (buffer.ToArray(), ms);
    }
}
