using System.Numerics;
using FieldForge.Gpu;
using FieldForge.Noise;

namespace FieldForge.Tests.Noise;

/// <summary>Noise written into Vulkan images (R32Sfloat values, RGBA8 colour ramp) against the CPU references.</summary>
public class NoiseImageGpuTests : GpuTest
{
    // R32Sfloat texels are the noise kernel's floats copied bit for bit, so they carry the noise tolerance (1e-5, see
    // NoiseGpuTests). RGBA8 channels may differ by 1: the GPU ramps its own values (which differ from the CPU's by up to
    // 1e-5), and a channel whose exact value lies within that of a .5 rounding boundary can round the other way.
    private const float ValueTolerance = 1e-5f;
    private const int ChannelTolerance = 1;

    private static float[] CpuValues(NoiseSettings settings, NoiseGrid grid)
    {
        var values = new float[grid.Count];
        new CpuNoise(settings).FillGrid(grid, values);
        return values;
    }

    private static NoiseGrid Slice(int dimensions, int width, int height) =>
        new(dimensions, width, height, 1, new Vector4(-3.5f, 1.25f, 0.7f, 2.1f), new Vector3(0.083f, 0.061f, 1f));

    [TestCase(2, 37, 19)]
    [TestCase(3, 37, 19)]
    [TestCase(4, 1, 1)]
    [TestCase(2, 128, 64)]
    public void R32Image_EqualsCpuNoise(int dimensions, int width, int height)
    {
        var settings = new NoiseSettings { Seed = 21, Octaves = 5, Mode = NoiseMode.Ridged, WarpStages = 1 };
        var grid = Slice(dimensions, width, height);
        using var image = new GpuNoise(Gpu, settings).CreateImage(grid, GpuImageFormat.R32Sfloat);
        Assert.That((image.Width, image.Height, image.Format), Is.EqualTo((width, height, GpuImageFormat.R32Sfloat)));
        var expected = CpuValues(settings, grid);
        var actual = image.ToArray<float>();
        Assert.That(actual.Zip(expected).Max(p => Math.Abs(p.First - p.Second)), Is.LessThanOrEqualTo(ValueTolerance));
    }

    [TestCase(true, 37, 19)]
    [TestCase(false, 37, 19)]
    [TestCase(true, 200, 150)]
    public void Rgba8Image_EqualsCpuRamp(bool colorRamp, int width, int height)
    {
        // A range narrower than the values, so both clamped ends and every ramp segment appear.
        const float min = -0.7f, max = 0.55f;
        var settings = new NoiseSettings { Seed = 5, Octaves = 6, Frequency = 2.3f };
        var grid = Slice(2, width, height);
        using var image = new GpuNoise(Gpu, settings).CreateImage(grid, GpuImageFormat.R8G8B8A8Unorm, min, max, colorRamp);
        Assert.That(image.Format, Is.EqualTo(GpuImageFormat.R8G8B8A8Unorm));
        var expected = NoiseImage.ToRgba(CpuValues(settings, grid), width, height, min, max, colorRamp);
        AssertPixelsClose(image.ToArray<byte>(), expected);
        if (colorRamp) Assert.That(Enumerable.Range(0, width * height).Select(i => (expected[4 * i], expected[4 * i + 1], expected[4 * i + 2])).Distinct().Count(), Is.GreaterThan(50), "the test covers many colours");
    }

    [TestCase(true)]
    [TestCase(false)]
    public void RampKernel_EdgeValues_MatchCpu(bool colorRamp)
    {
        // Ramp stops, values just either side of them, the range ends, outside the range, infinities and NaN.
        var values = new List<float> { float.NaN, float.NegativeInfinity, float.PositiveInfinity, -5f, 5f, -1f, 1f, 0f };
        foreach (float stop in new[] { 0f, 0.38f, 0.46f, 0.52f, 0.66f, 0.80f, 0.92f, 1f })
        {
            float v = stop * 2f - 1f; // [min, max] = [-1, 1]
            values.AddRange(new[] { v, MathF.BitDecrement(v), MathF.BitIncrement(v), v - 1e-3f, v + 1e-3f });
        }
        for (int i = 0; i <= 255; i++) values.Add(i / 127.5f - 1f); // every grey level
        int width = values.Count;
        using var valueBuffer = Gpu.CreateBuffer<float>(values.ToArray());
        using var texels = Gpu.CreateBuffer<uint>(width);
        using var image = Gpu.CreateImage(width, 1, GpuImageFormat.R8G8B8A8Unorm);
        using (var batch = Gpu.BeginBatch())
        {
            new GpuNoise(Gpu, new NoiseSettings()).RecordColorImage(batch, valueBuffer, texels, image, -1f, 1f, colorRamp);
            batch.Submit();
        }
        var expected = NoiseImage.ToRgba(values.ToArray(), width, 1, -1f, 1f, colorRamp);
        AssertPixelsClose(image.ToArray<byte>(), expected);
        Assert.That(image.ToArray<byte>().AsSpan(0, 12).ToArray(), Is.EqualTo(expected.AsSpan(0, 12).ToArray()), "NaN and the infinities map exactly");
    }

    private static void AssertPixelsClose(byte[] actual, byte[] expected)
    {
        Assert.That(actual.Length, Is.EqualTo(expected.Length));
        int worst = 0, differing = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            int d = Math.Abs(actual[i] - expected[i]);
            if (d > Math.Abs(actual[worst] - expected[worst])) worst = i;
            if (d != 0) differing++;
        }
        Assert.That(actual[worst], Is.EqualTo(expected[worst]).Within(ChannelTolerance),
            $"largest difference at texel {worst / 4} channel {worst % 4}; {differing} of {actual.Length} channels differ");
        Assert.That(differing, Is.LessThanOrEqualTo(actual.Length / 100), "off-by-one channels are rare rounding ties, not a different mapping");
    }

    [Test]
    public void RecordedFills_WriteTheImagesWithoutReadBack()
    {
        var settings = new NoiseSettings { Seed = 3, Octaves = 4 };
        var grid = Slice(2, 37, 19);
        var noise = new GpuNoise(Gpu, settings);
        using var values = Gpu.CreateBuffer<float>(grid.Count);
        using var texels = Gpu.CreateBuffer<uint>(grid.Count);
        using var height = Gpu.CreateImage(37, 19, GpuImageFormat.R32Sfloat);
        using var color = Gpu.CreateImage(37, 19, GpuImageFormat.R8G8B8A8Unorm);
        long before = Gpu.BytesReadBack;
        using (var batch = Gpu.BeginBatch())
        {
            noise.RecordFillImage(batch, grid, values, height);
            noise.RecordColorImage(batch, values, texels, color, -1f, 1f, colorRamp: true);
            Assert.That(batch.DispatchCount, Is.EqualTo(2), "the noise fill and the ramp");
            batch.Submit();
        }
        Assert.That(Gpu.BytesReadBack, Is.EqualTo(before), "recording and submitting reads nothing back");
        var expected = CpuValues(settings, grid);
        Assert.That(height.ToArray<float>().Zip(expected).Max(p => Math.Abs(p.First - p.Second)), Is.LessThanOrEqualTo(ValueTolerance));
        AssertPixelsClose(color.ToArray<byte>(), NoiseImage.ToRgba(expected, 37, 19, -1f, 1f, colorRamp: true));
    }

    [Test]
    public void BadArguments_AreRejectedWithClearMessages()
    {
        var noise = new GpuNoise(Gpu, new NoiseSettings());
        var grid = NoiseGrid.Plane(8, 4);
        using var values = Gpu.CreateBuffer<float>(32);
        using var texels = Gpu.CreateBuffer<uint>(31, label: "few texels");
        using var r32 = Gpu.CreateImage(8, 4, GpuImageFormat.R32Sfloat, "r32");
        using var rgba = Gpu.CreateImage(8, 4, GpuImageFormat.R8G8B8A8Unorm, "rgba");
        using var wide = Gpu.CreateImage(9, 4, GpuImageFormat.R32Sfloat, "wide");
        using var batch = Gpu.BeginBatch();
        Assert.That(Assert.Throws<ArgumentException>(() => noise.RecordFillImage(batch, grid, values, rgba))!.Message, Does.Contain("'rgba' is R8G8B8A8Unorm; this needs a R32Sfloat image"));
        Assert.That(Assert.Throws<ArgumentException>(() => noise.RecordFillImage(batch, grid, values, wide))!.Message, Does.Contain("'wide' is 9x4; the grid is 8x4x1"));
        Assert.That(Assert.Throws<ArgumentException>(() => noise.RecordFillImage(batch, NoiseGrid.Volume(8, 4, 2), values, r32))!.Message, Does.Contain("the grid is 8x4x2"));
        Assert.That(Assert.Throws<ArgumentException>(() => noise.RecordColorImage(batch, values, texels, r32))!.Message, Does.Contain("this needs a R8G8B8A8Unorm image"));
        Assert.That(Assert.Throws<ArgumentException>(() => noise.RecordColorImage(batch, values, texels, rgba))!.Message, Does.Contain("texels holds 31 uints, the 8x4 image needs 32"));
        using var texelsOk = Gpu.CreateBuffer<uint>(32);
        Assert.That(Assert.Throws<ArgumentException>(() => noise.RecordColorImage(batch, values, texelsOk, rgba, 1f, 1f))!.Message, Does.Contain("max > min, got [1, 1]"));
        Assert.That(Assert.Throws<ArgumentException>(() => noise.CreateImage(NoiseGrid.Volume(4, 4, 3), GpuImageFormat.R32Sfloat))!.Message, Does.Contain("depth must be 1, got 3"));
        Assert.That(batch.DispatchCount, Is.EqualTo(0), "rejected calls record nothing");
        int liveImages = Gpu.LiveImageCount;
        Assert.Throws<ArgumentException>(() => noise.CreateImage(NoiseGrid.Plane(4, 4), GpuImageFormat.R8G8B8A8Unorm, 2f, -2f));
        Assert.That(Gpu.LiveImageCount, Is.EqualTo(liveImages), "a failed CreateImage frees its image");
    }
}
