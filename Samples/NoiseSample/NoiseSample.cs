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

        // Record the fill into a batch (in a game, the frame's batch) and submit once. The values stay on the GPU in
        // `values` for other kernels, and the terrain colour ramp ([-1, 1] mapped like NoiseImage.ToRgba) is written
        // into `texture`: an RGBA8 Vulkan image a game binds through texture.NativeView, in SHADER_READ_ONLY_OPTIMAL.
        var noise = new GpuNoise(gpu, settings);
        using var values = gpu.CreateBuffer<float>(grid.Count, label: "noise tile");
        using var texels = gpu.CreateBuffer<uint>(grid.Count, label: "noise tile texels");
        using var texture = gpu.CreateImage(size, size, GpuImageFormat.R8G8B8A8Unorm, "noise tile texture");
        using (var batch = gpu.BeginBatch())
        {
            noise.RecordFillGrid(batch, grid, values);
            noise.RecordColorImage(batch, values, texels, texture, min: -1f, max: 1f, colorRamp: true);
            batch.Submit();
        }

        // A game would sample the texture now. We read it back only to write the PNG.
        byte[] rgba = texture.ToArray<byte>(); // size * size RGBA8 texels, top row first
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
