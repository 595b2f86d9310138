using FieldForge.Gpu;
using FieldForge.Samples;

// `dotnet run --project Samples/SoundFieldSample -c Release [outputDirectory]`
using var gpu = GpuContext.Create();
Console.WriteLine($"device: {gpu.DeviceInfo}");
foreach (var file in SoundFieldSample.Run(gpu, args.FirstOrDefault() ?? "out/samples")) Console.WriteLine($"wrote {file}");
