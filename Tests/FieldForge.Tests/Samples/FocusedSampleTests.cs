using FieldForge.Acoustics;
using FieldForge.Core;
using FieldForge.Neural;
using FieldForge.Samples;
using FieldForge.Gpu;
using StbImageSharp;

namespace FieldForge.Tests.Samples;

/// <summary>
/// Runs every focused sample (Samples/*Sample, listed in package.json) with small sizes on the validated context, so a
/// change to a public API breaks a test instead of silently rotting the code users copy. Each test also checks one
/// real property of what the sample wrote.
/// </summary>
public sealed class FocusedSampleTests : GpuTest
{
    private string _dir = "";

    [SetUp]
    public void MakeDirectory() => _dir = Path.Combine(Path.GetTempPath(), $"ff-sample-{Guid.NewGuid():N}");

    [TearDown]
    public void RemoveDirectory()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    private IReadOnlyList<string> RunSample(Func<GpuContext, string, bool, IReadOnlyList<string>> run, int expectedFiles)
    {
        var files = run(Gpu, _dir, true);
        Assert.That(files, Has.Count.EqualTo(expectedFiles));
        foreach (var file in files)
        {
            Assert.That(File.Exists(file), Is.True, $"the sample returned {file} but did not write it");
            Assert.That(new FileInfo(file).Length, Is.GreaterThan(0), file);
            Assert.That(Path.GetDirectoryName(Path.GetFullPath(file)), Is.EqualTo(Path.GetFullPath(_dir)), "samples write into the directory they are given");
        }
        return files;
    }

    private static ImageResult ReadPng(string path) => ImageResult.FromMemory(File.ReadAllBytes(path), ColorComponents.RedGreenBlue);

    [Test]
    public void NoiseSample_Small_WritesASeamlessTile()
    {
        var files = RunSample(NoiseSample.Run, 2);
        var tile = ReadPng(files[0]);
        Assert.That((tile.Width, tile.Height), Is.EqualTo((64, 64)));
        Assert.That((ReadPng(files[1]).Width, ReadPng(files[1]).Height), Is.EqualTo((128, 128)), "2x2 preview");

        // Seamless: stepping across the wrap (last column -> first column, last row -> first row) changes the colour
        // no more than an ordinary step between neighbours. A non-periodic field makes the wrap step several times
        // larger (uncorrelated pixels); 2.5x the mean neighbour step leaves room for the 8-bit colour ramp's rounding.
        int n = tile.Width;
        double Step(int x0, int y0, int x1, int y1)
        {
            int a = 3 * (y0 * n + x0), b = 3 * (y1 * n + x1);
            return Math.Abs(tile.Data[a] - tile.Data[b]) + Math.Abs(tile.Data[a + 1] - tile.Data[b + 1]) + Math.Abs(tile.Data[a + 2] - tile.Data[b + 2]);
        }
        double inner = 0, wrapX = 0, wrapY = 0;
        for (int y = 0; y < n; y++)
        {
            for (int x = 0; x < n - 1; x++) inner += Step(x, y, x + 1, y);
            wrapX += Step(n - 1, y, 0, y);
        }
        for (int x = 0; x < n; x++) wrapY += Step(x, n - 1, x, 0);
        inner /= n * (n - 1);
        Assert.That(inner, Is.GreaterThan(1), "the texture is not flat");
        Assert.That(wrapX / n, Is.LessThan(2.5 * inner), "seam at x wrap");
        Assert.That(wrapY / n, Is.LessThan(2.5 * inner), "seam at y wrap");
    }

    [Test]
    public void MorphSample_Small_WritesAWatertightMidMorphMesh()
    {
        var files = RunSample(MorphSample.Run, 1);
        var mesh = ObjFormat.Read(files[0]);
        Assert.That(mesh.TriangleCount, Is.GreaterThan(100));
        Assert.That(MeshTopology.FindClosedSurfaceProblem(mesh), Is.Null, "the mid-morph surface is closed");
        Assert.That(mesh.Volume(), Is.GreaterThan(0.05), "a solid in between a 0.8 m rounded cube and a torus, not a sliver");
    }

    [Test]
    public void NeuralFieldSample_Small_ReloadedModelReconstructsThePicture()
    {
        var files = RunSample(NeuralFieldSample.Run, 2);
        using (var model = NeuralField.Load(Gpu, files[0])) Assert.That(model.OutputDimensions, Is.EqualTo(3), "the saved model loads");
        var fit = ReadPng(files[1]);
        Assert.That((fit.Width, fit.Height), Is.EqualTo((32, 32)));
        var expected = ImageFitting.ProceduralImage(32, 32);
        var actual = Array.ConvertAll(fit.Data, b => b / 255f);
        // Floor: the best constant image (each channel's mean) is what an untrained or broken fit converges to; the
        // small run must beat it clearly. 5 dB = 3.2x lower mean squared error (40 steps reach 21.0 dB, 9.4 dB above its 11.6 dB, on lavapipe).
        var mean = new float[expected.Length];
        for (int c = 0; c < 3; c++)
        {
            float m = 0;
            for (int i = c; i < expected.Length; i += 3) m += expected[i];
            m /= expected.Length / 3;
            for (int i = c; i < expected.Length; i += 3) mean[i] = m;
        }
        double psnr = ImageFitting.Psnr(expected, actual), constant = ImageFitting.Psnr(expected, mean);
        TestContext.Out.WriteLine($"PSNR {psnr:F2} dB, best constant image {constant:F2} dB");
        Assert.That(psnr, Is.GreaterThan(constant + 5));
    }

    [Test]
    public void SoundFieldSample_Small_WritesAReverberantClickTrain()
    {
        var files = RunSample(SoundFieldSample.Run, 2);
        var dry = WavFile.Read(files[0]);
        var wet = WavFile.Read(files[1]);
        Assert.That(wet.SampleRate, Is.EqualTo(48000));
        Assert.That(wet.Length, Is.GreaterThan(dry.Length), "the room's tail extends the signal");
        Assert.That(wet.Channels[0].Max(MathF.Abs), Is.EqualTo(0.9f).Within(1e-3), "normalised to 0.9 full scale (16-bit rounding)");
        // Reverberation: each of the dry clicks is one sample; in the room each becomes a tail of many audible samples.
        int dryAudible = dry.Channels[0].Count(v => Math.Abs(v) > 0.01f), wetAudible = wet.Channels[0].Count(v => Math.Abs(v) > 0.01f);
        Assert.That(dryAudible, Is.EqualTo(2), "0.5 s of clicks every 0.25 s from 50 ms");
        Assert.That(wetAudible, Is.GreaterThan(50 * dryAudible));
    }
}
