using FieldForge.Gpu;
using FieldForge.Samples;

// `dotnet run --project Samples/NeuralFieldSample -c Release [outputDirectory]`
using var gpu = GpuContext.Create();
Console.WriteLine($"device: {gpu.DeviceInfo}");
foreach (var file in NeuralFieldSample.Run(gpu, args.FirstOrDefault() ?? "out/samples")) Console.WriteLine($"wrote {file}");
