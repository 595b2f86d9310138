using System.Numerics;
using System.Runtime.InteropServices;
using FieldForge.Noise;

namespace FieldForge.Tests.Noise;

/// <summary>The GPU kernels against the scalar CPU reference.</summary>
public class NoiseGpuTests : GpuTest
{
    // Tolerance 1e-5 absolute: the kernel performs the reference's float operations in the same order with `precise`
    // (no FMA contraction), so values agree to float rounding; what remains is the device flushing denormals to zero,
    // which moves results by < 1e-30. 1e6 points for single-octave cases; the 16-octave two-stage-warp cases cost
    // up to 144 simplex evaluations per point on each side, so they use 50,000 points to keep the test a few seconds.
    private static IEnumerable<TestCaseData> Cases()
    {
        foreach (int d in new[] { 2, 3, 4 })
            foreach (var mode in Enum.GetValues<NoiseMode>())
            {
                yield return new TestCaseData(d, new NoiseSettings { Seed = 7, Mode = mode, Frequency = 1.37f }, 1_000_000)
                    .SetName($"Gpu{d}D_{mode}_SingleOctave_EqualsCpuOn1e6Points");
                yield return new TestCaseData(d, new NoiseSettings { Seed = -3, Mode = mode, Octaves = 16, Frequency = 0.21f, Gain = 0.55f, Amplitude = 2, Offset = 0.5f, WarpStages = 2 }, 50_000)
                    .SetName($"Gpu{d}D_{mode}_16OctavesWarped_EqualsCpu");
            }
        yield return new TestCaseData(2, new NoiseSettings { Seed = 1, Octaves = 6, PeriodX = 5, PeriodY = 4, WarpStages = 1 }, 200_000).SetName("Gpu2D_Periodic_EqualsCpu");
        yield return new TestCaseData(3, new NoiseSettings { Seed = 1, Octaves = 6, PeriodX = 5, PeriodY = 3, PeriodZ = 2, WarpStages = 1 }, 200_000).SetName("Gpu3D_Periodic_EqualsCpu");
    }

    [TestCaseSource(nameof(Cases))]
    public void GpuPoints_EqualCpuReference(int d, NoiseSettings settings, int count)
    {
        var points = NoiseReferenceTests.RandomPoints(count, d, 100, count + d);
        var expected = new float[count];
        var cpu = new CpuNoise(settings);
        const int chunk = 10_000;
        Parallel.For(0, (count + chunk - 1) / chunk, c =>
        {
            int start = c * chunk, n = Math.Min(chunk, count - start);
            cpu.EvaluatePoints(d, points.AsSpan(start * d, n * d), expected.AsSpan(start, n));
        });
        var actual = new GpuNoise(Gpu, settings).Evaluate(d, points);
        AssertClose(actual, expected, 1e-5, points, d);
    }

    private static void AssertClose(float[] actual, float[] expected, double tolerance, float[] points, int d)
    {
        Assert.That(actual.Length, Is.EqualTo(expected.Length));
        int worst = 0;
        for (int i = 1; i < actual.Length; i++)
            if (Math.Abs(actual[i] - expected[i]) > Math.Abs(actual[worst] - expected[worst])) worst = i;
        Assert.That(actual[worst], Is.EqualTo(expected[worst]).Within(tolerance),
            $"largest difference at point {worst} ({string.Join(", ", points.AsSpan(worst * d, d).ToArray())})");
    }

    [TestCase(2)]
    [TestCase(3)]
    [TestCase(4)]
    public void GpuGrid_EqualsCpuGrid(int d)
    {
        var settings = new NoiseSettings { Seed = 9, Octaves = 6, Mode = NoiseMode.Ridged, WarpStages = 1 };
        var grid = new NoiseGrid(d, 67, 45, d == 2 ? 1 : 7, new Vector4(-10.5f, 3.25f, 1.5f, 0.75f), new Vector3(0.071f, 0.053f, 0.11f));
        var expected = new float[grid.Count];
        new CpuNoise(settings).FillGrid(grid, expected);
        var actual = new GpuNoise(Gpu, settings).FillGrid(grid);
        Assert.That(actual.Zip(expected).Max(p => Math.Abs(p.First - p.Second)), Is.LessThanOrEqualTo(1e-5));
    }

    // Gradients: same operations as the reference; they are larger than values (up to ~100 for warped fractals), so
    // the tolerance is 1e-5 relative to max(|g|, 1).
    [TestCase(2, 0)]
    [TestCase(3, 0)]
    [TestCase(2, 2)]
    [TestCase(3, 2)]
    public void GpuGradients_EqualCpuGradients(int d, int warp)
    {
        var settings = new NoiseSettings { Seed = 4, Octaves = 5, Mode = NoiseMode.Billow, WarpStages = warp, PeriodX = warp == 0 ? 0 : 4, PeriodY = warp == 0 ? 0 : 2 };
        var points = NoiseReferenceTests.RandomPoints(20_000, d, 30, 6);
        var values = new float[20_000];
        var grads = new float[20_000 * d];
        new CpuNoise(settings).EvaluatePoints(d, points, values, grads);
        var noise = new GpuNoise(Gpu, settings);
        var gpuValues = noise.Evaluate(d, points, out var gpuGrads);
        AssertClose(gpuValues, values, 1e-5, points, d);
        for (int i = 0; i < grads.Length; i++)
            Assert.That(gpuGrads[i], Is.EqualTo(grads[i]).Within(1e-5 * Math.Max(1, Math.Abs(grads[i]))), $"gradient component {i}");

        var grid = new NoiseGrid(d, 33, 17, d == 2 ? 1 : 5, new Vector4(0.3f), new Vector3(0.09f));
        var gv = new float[grid.Count];
        var gg = new float[grid.Count * d];
        new CpuNoise(settings).FillGrid(grid, gv, gg);
        var kv = noise.FillGrid(grid, out var kg);
        for (int i = 0; i < gg.Length; i++) Assert.That(kg[i], Is.EqualTo(gg[i]).Within(1e-5 * Math.Max(1, Math.Abs(gg[i]))));
        Assert.That(kv.Zip(gv).Max(p => Math.Abs(p.First - p.Second)), Is.LessThanOrEqualTo(1e-5));
    }

    [Test]
    public void GpuNoise_SameSeedTwice_IsBitIdentical_OtherSeedDiffers()
    {
        var grid = NoiseGrid.Plane(128, 128, 0.05f);
        var a = new GpuNoise(Gpu, new NoiseSettings { Seed = 5, Octaves = 4 }).FillGrid(grid);
        var b = new GpuNoise(Gpu, new NoiseSettings { Seed = 5, Octaves = 4 }).FillGrid(grid);
        var c = new GpuNoise(Gpu, new NoiseSettings { Seed = 6, Octaves = 4 }).FillGrid(grid);
        Assert.That(b, Is.EqualTo(a));
        Assert.That(a.Zip(c).Count(p => p.First == p.Second), Is.LessThan(a.Length / 100));
    }

    // A seamless texture: a 2D grid spanning exactly one period in x and y (spacing = period / size, a power of two,
    // so every coordinate is exact) has column `size` equal to column 0 and row `size` equal to row 0 bit for bit.
    [Test]
    public void GpuGrid_PeriodicTexture_IsSeamless()
    {
        const int size = 64;
        var settings = new NoiseSettings { Seed = 3, Octaves = 4, Frequency = 1f / 16, PeriodX = 4, PeriodY = 4 };
        var grid = new NoiseGrid(2, size + 1, size + 1, 1, Vector4.Zero, new Vector3(1f)); // one period = 4 / (1/16) = 64 units
        var v = new GpuNoise(Gpu, settings).FillGrid(grid);
        for (int i = 0; i <= size; i++)
        {
            Assert.That(v[i * (size + 1) + size], Is.EqualTo(v[i * (size + 1)]), $"row {i}");
            Assert.That(v[size * (size + 1) + i], Is.EqualTo(v[i]), $"column {i}");
        }
    }

    [Test]
    public void PushConstants_MatchTheShaderBlock()
    {
        Assert.That(Marshal.SizeOf<NoisePush>(), Is.EqualTo(NoisePush.Size));
        Assert.That(Marshal.OffsetOf<NoisePush>(nameof(NoisePush.Seed)).ToInt32(), Is.EqualTo(64));
        Assert.That(Marshal.OffsetOf<NoisePush>(nameof(NoisePush.Frequency)).ToInt32(), Is.EqualTo(80));
        Assert.That(GpuNoise.KernelSpecs, Has.Count.EqualTo(36));
        foreach (var spec in GpuNoise.KernelSpecs)
            Assert.DoesNotThrow(() => Gpu.GetKernel(spec), spec.Name); // checks bindings and the 112-byte push block
    }

    [Test]
    public void GpuNoise_BadInput_IsRejectedClearly()
    {
        var noise = new GpuNoise(Gpu, new NoiseSettings());
        using var small = Gpu.CreateBuffer<float>(10);
        using var batch = Gpu.BeginBatch();
        Assert.That(Assert.Throws<ArgumentException>(() => noise.RecordFillGrid(batch, NoiseGrid.Plane(4, 4), small))!.Message,
            Is.EqualTo("values holds 10 floats, the 4x4x1 grid needs 16"));
        Assert.That(Assert.Throws<ArgumentException>(() => noise.RecordFillGrid(batch, NoiseGrid.Volume(2, 2, 2, dimensions: 4), small, small))!.Message,
            Is.EqualTo("gradients are available for 2D and 3D noise only, got a 4D grid"));
        Assert.That(Assert.Throws<ArgumentException>(() => noise.Settings = new NoiseSettings { Octaves = 17 })!.Message,
            Is.EqualTo("octaves must be 1..16, got 17"));
        Assert.That(Assert.Throws<ArgumentException>(() => new GpuNoise(Gpu, new NoiseSettings { PeriodY = 3 }).Evaluate(2, new float[4]))!.Message,
            Does.StartWith("periodY must be even"));
    }
}
