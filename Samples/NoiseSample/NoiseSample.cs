using FieldForge.Core;
using FieldForge.Gpu;
using FieldForge.Noise;

namespace FieldForge.Samples;

/// <summary>Generates a seamless (tileable) domain-warped fBm texture on the GPU and writes it as a PNG.</summary>
public static class NoiseSample
{
    /// <summary>Writes noise_tile.png (the tile) and noise_tile_2x2.png (four copies, to show there is no seam) into
    /// <paramref name="outputDirectory"/>; returns their paths. <paramref name="small"/> makes a 64-pixel tile.</summary>
    public static IReadOnlyList<string> Run(GpuContext gpu, string outputDirectory, bool small = false)
    {
        int size = small ? 64 : 512;
        Directory.CreateDirectory(outputDirectory);

        // All the look of the texture lives in one validated settings record.
        var settings = new NoiseSettings
        {
            Seed = 42,          // same seed, same texture, on every device
            Octaves = 5,        // fBm: 5 layers of simplex noise, each twice as fine and half as strong
            Frequency = 4f,     // 4 lattice cells per input unit in the first octave
            WarpStages = 2,     // bend the coordinates by noise twice: swirly, organic shapes
            WarpAmplitude = 0.12f, // largest bend, in input units (the tile below is 1 unit wide)
            PeriodX = 4,        // repeat every 4 cells = 1 input unit along x ...
            PeriodY = 4,        // ... and along y (must be even in 2D); the warp repeats too
        };

        // The texture covers [0, 1) x [0, 1): `size` pixels of 1/size units, so pixel `size` would equal pixel 0.
        var grid = NoiseGrid.Plane(size, size, spacing: 1f / size);

        // Record the fill into a batch (in a game, the frame's batch) and submit once; the values stay on the GPU
        // in `values` for other kernels to use, and we read them back here only to write a PNG.
        var noise = new GpuNoise(gpu, settings);
        using var values = gpu.CreateBuffer<float>(grid.Count, label: "noise tile");
        using (var batch = gpu.BeginBatch())
        {
            noise.RecordFillGrid(batch, grid, values);
            batch.Submit();
        }
        float[] field = values.ToArray(); // size * size floats in [-1, 1], row-major

        // Map [-1, 1] through a terrain colour ramp and write the tile.
        byte[] rgba = NoiseImage.ToRgba(field, size, size, colorRamp: true);
        string tile = Path.Combine(outputDirectory, "noise_tile.png");
        new RgbaImage(size, size, rgba).SavePng(tile);

        // Four copies side by side: the edges meet without a seam.
        var tiled = new byte[4 * rgba.Length];
        for (int y = 0; y < 2 * size; y++)
        for (int copy = 0; copy < 2; copy++)
            Array.Copy(rgba, (y % size) * size * 4, tiled, (y * 2 * size + copy * size) * 4, size * 4);
        string preview = Path.Combine(outputDirectory, "noise_tile_2x2.png");
        new RgbaImage(2 * size, 2 * size, tiled).SavePng(preview);
        return [tile, preview];
    }
}
