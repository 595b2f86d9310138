using FieldForge.Morphing;
using FieldForge.Core;
using System.Diagnostics;
using FieldForge.Gpu;
using FieldForge.Neural;

namespace FieldForge.Cli;

/// <summary>
/// `./ff fit image IN.png --encoding simplex|grid --steps N [--seconds S] --out OUT.png [--save model.ffnf]` and
/// `./ff fit sdf (MESH.obj | --shape sphere|box|torus|blob|SPEC) --encoding ... --steps N [--eikonal W] [--save model.ffnf]`.
/// </summary>
public sealed class FitCommand : ICommand
{
    public string Verb => "fit";
    public string Summary => "fit a neural field: `fit image in.png --encoding simplex|grid --steps N --out out.png` or `fit sdf mesh.obj|--shape NAME [--eikonal W]` (W: weight of the |grad f| = 1 term)";

    public int Run(CliArgs args)
    {
        if (args.Positional.Count == 0) throw new CliError("fit needs a task: `fit image IN.png ...` or `fit sdf MESH.obj|--shape NAME ...`");
        return args.Positional[0] switch
        {
            "image" => FitImage(args),
            "sdf" => FitSdf(args),
            var t => throw new CliError($"unknown fit task '{t}'; use 'image' or 'sdf'"),
        };
    }

    private sealed record Common(EncodingKind Encoding, TrainingBudget Budget, int Batch, int Log2TableSize, int Levels, string? SavePath, uint Seed);

    private static Common ReadCommon(CliArgs args, int defaultSteps)
    {
        var encoding = args.String("encoding", "simplex") switch
        {
            "simplex" => EncodingKind.Simplex,
            "grid" => EncodingKind.Grid,
            var e => throw new CliError($"--encoding must be simplex or grid, got '{e}'"),
        };
        int? steps = args.String("steps") is null ? null : args.Int("steps", defaultSteps, 1, 10_000_000);
        double? seconds = args.String("seconds") is null ? null : args.Double("seconds", 0, 0.1, 86_400);
        if (steps is null && seconds is null) steps = defaultSteps;
        int batch = args.Int("batch", 1 << 14, 256, 1 << 20);
        int log2T = args.Int("log2-table-size", 19, 10, 24);
        int levels = args.Int("levels", 16, 1, 32);
        int report = args.Int("report-every", 50, 1, 1_000_000);
        var save = args.String("save");
        if (save is not null) save = CliArgs.WritablePath(save, "save", ".ffnf");
        uint seed = (uint)args.Int("seed", 7, 0, int.MaxValue);
        return new Common(encoding, new TrainingBudget(steps, seconds, report), batch, log2T, levels, save, seed);
    }

    private static int FitImage(CliArgs args)
    {
        if (args.Positional.Count < 2) throw new CliError("fit image needs an input image: `fit image IN.png --out OUT.png`");
        var input = args.Positional[1];
        if (!File.Exists(input)) throw new CliError($"input image '{input}' does not exist");
        var output = CliArgs.WritablePath(args.String("out", Path.ChangeExtension(input, null) + ".fit.png"), "out", ".png");
        var common = ReadCommon(args, 1000);
        args.RejectUnknown();
        if (PngSize(input) is var (w0, h0))
            CliArgs.CheckMemory(checked((long)w0 * h0 * BytesPerPixel), $"fitting a {w0}x{h0} image");

        int width, height; float[] rgb;
        try { (width, height, rgb) = ImageTrainingData.LoadRgb(input); }
        catch (InvalidDataException e) { throw new CliError(e.Message); }

        using var lease = CliGpu.Open(args); var gpu = lease.Context;
        Console.WriteLine($"device: {gpu.DeviceInfo}");
        var config = ImageFitting.DefaultConfig(common.Encoding, width, height, common.Log2TableSize, common.Levels);
        using var field = NeuralField.Create(gpu, config);
        using var data = new ImageTrainingData(gpu, width, height, 3, rgb);
        var options = new TrainerOptions(common.Batch, LossKind.L2, Seed: common.Seed);
        CheckTrainingMemory(gpu, field, options);
        using var trainer = new Trainer(field, data, options);
        Console.WriteLine($"fitting {input} ({width}x{height}) with {field}; batch {common.Batch}");
        var result = trainer.Run(common.Budget, p => Console.WriteLine(p));
        var watch = Stopwatch.StartNew();
        var reconstruction = ImageFitting.Reconstruct(field, width, height);
        double inferMs = watch.Elapsed.TotalMilliseconds;
        double psnr = ImageFitting.Psnr(rgb, reconstruction);
        RgbaImage.FromRgbFloats(width, height, reconstruction).SavePng(output);
        Console.WriteLine($"trained {result.Steps} steps in {result.Seconds:F1} s ({result.MillisecondsPerStep:F1} ms/step); " +
                          $"reconstruction {width}x{height} in {inferMs:F0} ms; PSNR {psnr:F2} dB -> {output}");
        if (common.SavePath is not null)
        {
            field.Save(common.SavePath);
            Console.WriteLine($"saved {common.SavePath} ({new FileInfo(common.SavePath).Length / 1024} KiB)");
        }
        return 0;
    }

    // Decoded RGBA (4) + RGB floats (12) + the GPU copy (12) + the reconstruction (12) + the written RGBA (4).
    private const long BytesPerPixel = 44;

    /// <summary>The size a PNG's header declares (null for other formats), read before anything is decoded.</summary>
    private static (long Width, long Height)? PngSize(string path)
    {
        Span<byte> head = stackalloc byte[24];
        using (var f = File.OpenRead(path)) if (f.ReadAtLeast(head, head.Length, throwOnEndOfStream: false) < head.Length) return null;
        ReadOnlySpan<byte> signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];
        if (!head[..8].SequenceEqual(signature) || !head[12..16].SequenceEqual("IHDR"u8)) return null;
        return (System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(head[16..]), System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(head[20..]));
    }

    private static int FitSdf(CliArgs args)
    {
        var shape = args.String("shape");
        string? mesh = args.Positional.Count >= 2 ? args.Positional[1] : null;
        if ((shape is null) == (mesh is null)) throw new CliError("fit sdf needs exactly one source: a mesh path (OBJ) or --shape " + string.Join("|", SdfFitting.ShapeNames));
        int samples = args.Int("samples", 200_000, 1000, 10_000_000);
        float finest = (float)args.Double("finest-resolution", 256, 16, 1 << 16);
        // Weight of the eikonal term W · mean((|∇f| − 1)²); its parameter gradient uses central differences in x (EikonalTerm).
        float eikonal = (float)args.Double("eikonal", 0, 0, 1e6);
        var common = ReadCommon(args, 1000);
        args.RejectUnknown();
        var save = common.SavePath ?? CliArgs.WritablePath($"sdf-{(shape is null ? Path.GetFileNameWithoutExtension(mesh) : SafeName(shape))}.ffnf", "save");
        // Training and held-out samples: position (12) + distance (4), a host and a GPU copy.
        CliArgs.CheckMemory(checked((long)samples * 11 / 10 * 32), $"{samples:N0} SDF samples");

        var watch = Stopwatch.StartNew();
        SdfSamples train, heldOut;
        string source;
        if (shape is not null)
        {
            Func<System.Numerics.Vector3, float> sdf;
            // A shape spec in the one grammar morph uses (box:1x0.7x0.9, torus:R=0.5,r=0.18, ...), or a named preset.
            try { sdf = shape.Contains(':') ? SdfShape.Parse(shape).Distance : SdfFitting.AnalyticShape(shape); }
            catch (Exception e) when (e is ArgumentException or FormatException) { throw new CliError($"--shape: {e.Message}"); }
            train = SdfFitting.SampleAnalytic(sdf, samples, common.Seed);
            heldOut = SdfFitting.SampleAnalytic(sdf, Math.Max(1000, samples / 10), common.Seed + 1000);
            source = $"analytic {shape}";
        }
        else
        {
            if (!File.Exists(mesh)) throw new CliError($"mesh '{mesh}' does not exist");
            System.Numerics.Vector3[] vertices; int[] indices;
            try
            {
                // The same checks morph applies: an open, flat or non-manifold mesh has no inside to learn.
                var loaded = MeshFile.Read(mesh!);
                MeshTopology.RequireClosed(loaded, mesh!);
                (vertices, indices) = (loaded.Positions, loaded.Indices);
            }
            catch (InvalidDataException e) { throw new CliError(e.Message); }
            vertices = SdfFitting.NormalizeToBox(vertices);
            try
            {
                train = SdfFitting.SampleMesh(vertices, indices, samples, common.Seed);
                heldOut = SdfFitting.SampleMesh(vertices, indices, Math.Max(1000, samples / 10), common.Seed + 1000);
            }
            catch (ArgumentException e) { throw new CliError(e.Message); }
            source = $"{mesh} ({indices.Length / 3} triangles)";
        }
        Console.WriteLine($"sampled {train.Count} training + {heldOut.Count} held-out points from {source} in {watch.Elapsed.TotalSeconds:F1} s");

        using var lease = CliGpu.Open(args); var gpu = lease.Context;
        Console.WriteLine($"device: {gpu.DeviceInfo}");
        using var field = NeuralField.Create(gpu, SdfFitting.DefaultConfig(common.Encoding, finest, common.Log2TableSize, common.Levels));
        using var data = train.ToTrainingData(gpu);
        var options = new TrainerOptions(common.Batch, LossKind.L2, Seed: common.Seed, Eikonal: eikonal > 0 ? new EikonalTerm(eikonal) : null);
        CheckTrainingMemory(gpu, field, options);
        using var trainer = new Trainer(field, data, options);
        Console.WriteLine($"fitting with {field}; batch {common.Batch}{(eikonal > 0 ? $"; eikonal weight {eikonal}" : "")}");
        var result = trainer.Run(common.Budget, p => Console.WriteLine(p));
        double error = SdfFitting.MeanAbsoluteError(field, heldOut);
        Console.WriteLine($"trained {result.Steps} steps in {result.Seconds:F1} s ({result.MillisecondsPerStep:F1} ms/step); " +
                          $"held-out mean |error| {error:F5} (world units, box [-1,1]^3)");
        field.Save(save);
        Console.WriteLine($"saved {save}");
        return 0;
    }

    private static string SafeName(string spec) => new(spec.Select(c => char.IsLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_').ToArray());

    /// <summary>Prints the device memory training will hold (the field's parameters plus the trainer's buffers, estimated
    /// before they exist) and refuses, before allocating, what a CPU driver (whose device memory is this process's) cannot hold.</summary>
    private static void CheckTrainingMemory(GpuContext gpu, NeuralField field, TrainerOptions options)
    {
        long fieldBytes = field.ParameterCount * sizeof(float), trainerBytes = Trainer.EstimateBytes(field, options);
        Console.WriteLine($"device memory: field {CliArgs.Megabytes(fieldBytes)} + training {CliArgs.Megabytes(trainerBytes)} (estimate)");
        if (gpu.DeviceInfo.Type == GpuDeviceType.Cpu) CliArgs.CheckMemory(fieldBytes + trainerBytes, $"training with batch {options.BatchSize}");
    }
}
