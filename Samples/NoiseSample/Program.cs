using FieldForge.Gpu;
using FieldForge.Samples;

// `dotnet run --project Samples/NoiseSample -c Release [outputDirectory]`
using var gpu = GpuContext.Create();
Console.WriteLine($"device: {gpu.DeviceInfo}");
foreach (var file in NoiseSample.Run(gpu, args.FirstOrDefault() ?? "out/samples")) Console.WriteLine($"wrote {file}");
