using FieldForge.Core;
using System.Diagnostics;
using FieldForge.Gpu;
using FieldForge.Neural;

namespace FieldForge.Showcase;

/// <summary>Fits a procedurally drawn picture with the simplex hash encoding and writes the fit next to the original.</summary>
public sealed class NeuralFitStep : IShowcaseStep
{
    public int Order => 30;
    public string Title => "Neural field: simplex hash encoding image fit";

    public ShowcaseResult Run(GpuContext gpu, ShowcaseOptions options)
    {
        int size = options.Quick ? 64 : 256;
        double seconds = options.Quick ? 3 : 22;
        var image = ImageFitting.ProceduralImage(size, size);
        var config = NeuralFieldConfig.Create(EncodingKind.Simplex, 2, 3, finestResolution: size, levels: 16, featuresPerLevel: 2,
            log2TableSize: options.Quick ? 12 : 16, width: 32, hiddenLayers: 2);
        using var field = NeuralField.Create(gpu, config);
        using var data = new ImageTrainingData(gpu, size, size, 3, image);
        using var trainer = new Trainer(field, data, new TrainerOptions(BatchSize: options.Quick ? 4096 : 8192));
        var result = trainer.Run(new TrainingBudget(Steps: 100_000, Seconds: seconds, ReportEvery: 25),
            p => Console.WriteLine($"    {p}"));
        var watch = Stopwatch.StartNew();
        var fit = ImageFitting.Reconstruct(field, size, size);
        double inferMs = watch.Elapsed.TotalMilliseconds;
        double psnr = ImageFitting.Psnr(image, fit);
        Directory.CreateDirectory(options.OutputDirectory);
        const string sideBySide = "neural_fit_side_by_side.png", fitted = "neural_fit.png", original = "neural_original.png";
        RgbaImage.FromRgbFloats(size * 2, size, ImageFitting.SideBySide(size, size, image, fit)).SavePng(Path.Combine(options.OutputDirectory, sideBySide));
        RgbaImage.FromRgbFloats(size, size, fit).SavePng(Path.Combine(options.OutputDirectory, fitted));
        RgbaImage.FromRgbFloats(size, size, image).SavePng(Path.Combine(options.OutputDirectory, original));
        return new ShowcaseResult([sideBySide, fitted, original],
        [
            $"fitted a {size}x{size} procedural picture with {field}",
            $"{result.Steps} training steps in {result.Seconds:F1} s ({result.MillisecondsPerStep:F0} ms/step, batch {trainer.Options.BatchSize}, one submission per step)",
            $"PSNR {psnr:F2} dB; reconstruction of {size * size:N0} pixels in {inferMs:F0} ms; original | fit in {sideBySide}",
        ]);
    }
}
