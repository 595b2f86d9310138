using System.Numerics;
using FieldForge.Acoustics;
using FieldForge.Components;
using FieldForge.Gpu;
using FieldForge.Noise;

// A game's view of FieldForge, built from the NuGet packages for net8.0: GPU noise, one morph frame ticked through
// ComponentHost, and a sound-field surrogate prediction. It prints what it computed and exits 0 (1 on any failure).
using var gpu = GpuContext.Create();
Console.WriteLine($"device: {gpu.DeviceInfo} (runtime {Environment.Version})");

// 1. Noise: a 128x128 fBm tile on the GPU.
var noise = new GpuNoise(gpu, new NoiseSettings { Octaves = 4, Frequency = 4f });
var values = noise.FillGrid(NoiseGrid.Plane(128, 128, spacing: 1f / 128));
Console.WriteLine($"noise: {values.Length} samples, range [{values.Min():F3}, {values.Max():F3}]");
if (values.Any(v => !float.IsFinite(v)) || values.Max() - values.Min() < 0.1f) return Fail("noise values are not a plausible field");

// 2. Morph: one frame of a sphere -> torus morph through the component host, as a game loop ticks it.
using (var host = new ComponentHost(gpu))
{
    var morph = host.Add(new MorphComponent { ReadBackMesh = true, SourceA = "sphere:r=0.5", SourceB = "torus:R=0.6,r=0.2", T = 0.5f, Resolution = 32 });
    host.Tick(1 / 60.0);
    if (!morph.MeshIsCurrent) host.Tick(0);
    var mesh = morph.LastMesh;
    Console.WriteLine($"morph: {mesh?.TriangleCount ?? 0} triangles at t = {morph.CurrentT:F2}");
    if (mesh is null || mesh.TriangleCount < 100) return Fail("the morph produced no mesh");
}

// 3. Sound field: bake a tiny room, train a small surrogate, predict an impulse response.
var dir = Path.Combine(Path.GetTempPath(), $"ff-consumer-{Environment.ProcessId}");
try
{
    var spec = new SoundFieldDatasetSpec
    {
        Room = "box:1x0.8x0.6", MaxFrequencyHz = 300, SourceMin = [0.3, 0.25, 0.2], SourceMax = [0.7, 0.55, 0.4],
        SourceCount = 12, ReceiverSpacing = 0.3, DurationSeconds = 0.006, OutputEvery = 2,
    };
    SoundFieldDataset.Bake(gpu, dir, spec);
    var data = SoundFieldDataset.Load(dir);
    var settings = new SurrogateSettings { Modes = 4, EncodingLevels = 2, FinestResolution = 3, Width = 16, HiddenLayers = 1, BatchSize = 16, Steps = 60 };
    using var model = SoundFieldSurrogate.Train(gpu, data, settings);
    var ir = model.PredictImpulseResponse(new Vector3(0.5f, 0.4f, 0.3f), new Vector3(0.7f, 0.5f, 0.3f));
    Console.WriteLine($"surrogate: impulse response of {ir.Samples.Length} samples at {ir.SampleRate:F0} Hz, peak {ir.Samples.Max(MathF.Abs):F4} Pa");
    if (ir.Samples.Length == 0 || ir.Samples.Any(v => !float.IsFinite(v))) return Fail("the surrogate predicted no finite impulse response");
}
finally
{
    if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
}
Console.WriteLine("package consumer: every feature ran from the packages");
return 0;

static int Fail(string why)
{
    Console.Error.WriteLine($"package consumer: {why}");
    return 1;
}
