using FieldForge.Core;
using FieldForge.Gpu;
using FieldForge.Neural;

namespace FieldForge.Samples;

/// <summary>Fits a neural field (simplex hash encoding + tiny MLP) to a picture, saves it, reloads it and renders it.</summary>
public static class NeuralFieldSample
{
    /// <summary>Writes picture.ffnf (the model) and picture_fit.png (the reloaded model rendered) into
    /// <paramref name="outputDirectory"/>; returns their paths. <paramref name="small"/> fits 32x32 pixels for 40 steps.</summary>
    public static IReadOnlyList<string> Run(GpuContext gpu, string outputDirectory, bool small = false)
    {
        int size = small ? 32 : 256;
        Directory.CreateDirectory(outputDirectory);

        // Any RGB image works (ImageTrainingData.FromFile(gpu, "in.png")); this one is drawn in code: row-major,
        // interleaved RGB floats in [0, 1].
        float[] picture = ImageFitting.ProceduralImage(size, size);

        // 2-D input (pixel position in [0,1]^2) -> 3 outputs (RGB). The simplex lattice needs 3 vertices per lookup in
        // 2-D where a grid needs 4. finestResolution ~ the image size; smaller tables and MLP keep it quick.
        var config = NeuralFieldConfig.Create(EncodingKind.Simplex, dimensions: 2, outputs: 3, finestResolution: size,
            levels: 16, featuresPerLevel: 2, log2TableSize: small ? 12 : 16, width: 32, hiddenLayers: 2);
        using var field = NeuralField.Create(gpu, config);

        // The trainer samples random pixels on the GPU and runs a whole Adam step per submission.
        using (var data = new ImageTrainingData(gpu, size, size, channels: 3, picture))
        using (var trainer = new Trainer(field, data, new TrainerOptions(BatchSize: small ? 1024 : 8192)))
        {
            var budget = new TrainingBudget(Steps: small ? 40 : 1000, Seconds: 20, ReportEvery: small ? 10 : 100);
            var result = trainer.Run(budget, progress => Console.WriteLine(progress));
            Console.WriteLine($"{result.Steps} steps in {result.Seconds:F1} s, final loss {result.FinalLoss:G3}");
        }
        float[] fit = ImageFitting.Reconstruct(field, size, size); // the field at every pixel centre
        Console.WriteLine($"PSNR {ImageFitting.Psnr(picture, fit):F2} dB after training");

        // Save: a small binary file (config + parameters + CRC-32). Load rejects truncated or corrupted files.
        string model = Path.Combine(outputDirectory, "picture.ffnf");
        field.Save(model);
        using var reloaded = NeuralField.Load(gpu, model);
        float[] again = ImageFitting.Reconstruct(reloaded, size, size);
        Console.WriteLine($"PSNR {ImageFitting.Psnr(picture, again):F2} dB from {model} ({new FileInfo(model).Length / 1024} KiB)");

        // A field can be sampled at any resolution: EvaluateGrid(2 * size, 2 * size) renders it twice as large.
        string png = Path.Combine(outputDirectory, "picture_fit.png");
        RgbaImage.FromRgbFloats(size, size, again).SavePng(png);
        return [model, png];
    }
}
