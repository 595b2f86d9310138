using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using FieldForge.Acoustics;
using FieldForge.Cli;
using FieldForge.Core;

namespace FieldForge.Tests.Cli;

/// <summary>
/// Runs the real CLI (<see cref="CliProgram.Run"/>, in-process on the validated test context) over a table of hostile
/// inputs: each must exit with the stated code, print exactly one line on stderr, and leave an existing output file
/// byte-for-byte as it was.
/// </summary>
[NonParallelizable]
public sealed class CliTests : GpuTest
{
    private string _dir = "";

    public sealed record CliResult(int Code, string Out, string Err)
    {
        public string[] ErrLines => Err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>One row of the table: arguments ({d} is the test's folder), exit code, a phrase the error must contain,
    /// and the file (in {d}) that already exists at the output path and must survive untouched.</summary>
    public sealed record CliCase(string Name, string Args, int Code, string Expect, string? Keep = null)
    {
        public override string ToString() => Name;
    }

    [SetUp]
    public void MakeInputs()
    {
        _dir = Path.Combine(Path.GetTempPath(), $"ff-cli-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(_dir);
        Directory.CreateDirectory(Path.Combine(_dir, "adir"));
        File.WriteAllText(Path.Combine(_dir, "afile"), "not a folder");
        new RgbaImage(16, 16, new RgbaColor(200, 40, 10)).SavePng(Path.Combine(_dir, "in.png"));
        var rng = new Random(17);
        foreach (var ext in new[] { "bin", "obj", "png", "wav", "csv", "ffsg", "ffnf" })
        {
            var bytes = new byte[4096];
            rng.NextBytes(bytes);
            File.WriteAllBytes(Path.Combine(_dir, $"random.{ext}"), bytes);
        }
        File.WriteAllBytes(Path.Combine(_dir, "huge.png"), HugePngHeader(100_000, 100_000));
        File.WriteAllText(Path.Combine(_dir, "empty.obj"), "");
        File.WriteAllText(Path.Combine(_dir, "cube.obj"), CubeObj(openTop: false));
        File.WriteAllText(Path.Combine(_dir, "open.obj"), CubeObj(openTop: true));
        File.WriteAllText(Path.Combine(_dir, "ir.csv"), "time_s,pressure_pa\n0,1\n0.001,0.5\n0.002,0.25\n");
        File.WriteAllText(Path.Combine(_dir, "far.csv"), "time_s,pressure_pa\n0,1\n1000,0.5\n2000,0.25\n");
        new WavFile(8000, [Enumerable.Range(0, 200).Select(i => MathF.Sin(i * 0.3f) * 0.5f).ToArray()]).Write(Path.Combine(_dir, "dry.wav"));
        foreach (var keep in new[] { "keep.png", "keep.jpg", "keep.obj", "keep.stl", "keep.csv", "keep.wav", "keep.mp3", "keep.ffnf", "keep.txt" })
            File.WriteAllText(Path.Combine(_dir, keep), $"precious {keep} {Guid.NewGuid()}");
    }

    [TearDown]
    public void RemoveInputs()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    public static IEnumerable<CliCase> Cases() =>
    [
        new("unknown verb", "bogus", 2, "unknown verb"),
        new("unknown option", "noise --size 8x8 --bogus 1 --out {d}/keep.png", 2, "unknown option", "keep.png"),
        new("noise --out a folder", "noise --size 8x8 --out {d}/adir", 2, "is a folder"),
        new("noise --out a folder with slash", "noise --size 8x8 --out {d}/adir/", 2, "is a folder"),
        new("noise --out under a file", "noise --size 8x8 --out {d}/afile/x.png", 2, "cannot write"),
        new("noise --out .jpg", "noise --size 8x8 --out {d}/keep.jpg", 2, ".png", "keep.jpg"),
        new("noise bad size over a good file", "noise --size 0x8 --out {d}/keep.png", 2, "--size", "keep.png"),
        new("fit image --out .jpg", "fit image {d}/in.png --steps 1 --out {d}/keep.jpg", 2, ".png", "keep.jpg"),
        new("fit image --out a folder (model not lost)", "fit image {d}/in.png --steps 1 --out {d}/adir --save {d}/keep.ffnf", 2, "is a folder", "keep.ffnf"),
        new("fit image --save wrong extension", "fit image {d}/in.png --steps 1 --out {d}/o.png --save {d}/keep.txt", 2, ".ffnf", "keep.txt"),
        new("fit image random bytes", "fit image {d}/random.png --steps 1 --out {d}/keep.png", 2, "not a readable image", "keep.png"),
        new("fit image 100000x100000 header", "fit image {d}/huge.png --steps 1 --out {d}/keep.png", 2, "memory", "keep.png"),
        new("fit sdf open mesh", "fit sdf {d}/open.obj --steps 1 --save {d}/keep.ffnf", 2, "open.obj", "keep.ffnf"),
        new("fit sdf empty mesh", "fit sdf {d}/empty.obj --steps 1 --save {d}/keep.ffnf", 2, "empty.obj", "keep.ffnf"),
        new("fit sdf --eikonal negative", "fit sdf --shape sphere --eikonal -1 --steps 1 --save {d}/keep.ffnf", 2, "--eikonal must be in [0,", "keep.ffnf"),
        new("fit sdf --eikonal NaN", "fit sdf --shape sphere --eikonal nan --steps 1 --save {d}/keep.ffnf", 2, "--eikonal must be a finite number", "keep.ffnf"),
        new("morph no interior at res 8", "morph sphere:r=0.5 torus:R=0.6,r=0.2 --res 8 --out {d}/keep.obj", 2, "no interior", "keep.obj"),
        new("morph sphere r=1e30", "morph sphere:r=1e30 sphere:r=0.5 --res 16 --out {d}/keep.obj", 2, "extent", "keep.obj"),
        new("morph box 1e-30", "morph box:1e-30x1e-30x1e-30 sphere:r=0.5 --res 16 --out {d}/keep.obj", 2, "extent", "keep.obj"),
        new("morph --bounds missing the shapes", "morph sphere:r=0.5 box:0.5x0.5x0.5 --bounds 10,10,10,11,11,11 --res 16 --out {d}/keep.obj", 2, "misses", "keep.obj"),
        new("morph --out with --frames", "morph sphere:r=0.5 box:0.5x0.5x0.5 --frames 3 --out-dir {d}/frames --out {d}/keep.obj", 2, "--out-dir", "keep.obj"),
        new("morph --out .stl", "morph sphere:r=0.5 box:0.5x0.5x0.5 --res 16 --out {d}/keep.stl", 2, ".obj or .ply", "keep.stl"),
        new("morph --out-dir is a file", "morph sphere:r=0.5 box:0.5x0.5x0.5 --frames 3 --out-dir {d}/afile", 2, "is a file"),
        new("morph random-bytes mesh", "morph sphere:r=0.5 {d}/random.obj --res 16 --out {d}/keep.obj", 2, "random.obj", "keep.obj"),
        new("morph --res above the estimate limit", "morph sphere:r=0.5 box:0.5x0.5x0.5 --res 100000 --out {d}/keep.obj", 2, "--res", "keep.obj"),
        new("render empty.obj", "render {d}/empty.obj --out {d}/keep.png", 2, "empty.obj", "keep.png"),
        new("render random bytes", "render {d}/random.obj --out {d}/keep.png", 2, "random.obj", "keep.png"),
        new("render --out .jpg", "render {d}/cube.obj --out {d}/keep.jpg", 2, ".png or .gif", "keep.jpg"),
        new("render --out a folder", "render {d}/cube.obj --out {d}/adir", 2, "is a folder"),
        new("simulate --sigma 1e-6", "acoustics simulate --sigma 1e-6 --source 1,1,1 --receiver 2,1,1 --out {d}/keep.csv", 2, "injects nothing", "keep.csv"),
        new("simulate --ppw 2", "acoustics simulate --ppw 2 --room box:2x1.5x1.2 --source 1,0.7,0.6 --receiver 1.5,0.7,0.6 --out {d}/keep.csv", 2, "--ppw", "keep.csv"),
        new("simulate a room of a few cells", "acoustics simulate --fmax 20 --room box:2x1.5x1.2 --source 1,0.7,0.6 --receiver 1.5,0.7,0.6 --out {d}/keep.csv", 2, "cells", "keep.csv"),
        new("simulate an open room mesh", "acoustics simulate --room obj:{d}/open.obj --source 0.5,0.5,0.5 --receiver 0.6,0.5,0.5 --out {d}/keep.csv", 2, "open.obj", "keep.csv"),
        new("simulate --out a folder", "acoustics simulate --source 1,1,1 --receiver 2,1,1 --out {d}/adir", 2, "is a folder"),
        new("simulate --out .wav", "acoustics simulate --source 1,1,1 --receiver 2,1,1 --out {d}/keep.wav", 2, ".csv", "keep.wav"),
        new("auralize --out .mp3", "acoustics auralize --ir {d}/ir.csv --dry {d}/dry.wav --out {d}/keep.mp3", 2, ".wav", "keep.mp3"),
        new("auralize IR rows 1000 s apart", "acoustics auralize --ir {d}/far.csv --dry {d}/dry.wav --out {d}/keep.wav", 2, "not an impulse response", "keep.wav"),
        new("auralize random CSV", "acoustics auralize --ir {d}/random.csv --dry {d}/dry.wav --out {d}/keep.wav", 2, "random.csv", "keep.wav"),
        new("auralize random WAV", "acoustics auralize --ir {d}/ir.csv --dry {d}/random.wav --out {d}/keep.wav", 2, "random.wav", "keep.wav"),
        new("bake --receiver-spacing 0.001", "acoustics bake --receiver-spacing 0.001 --sources 2 --out {d}/bake1", 2, "receivers"),
        new("bake 60 s every step (was OverflowException)", "acoustics bake --duration 60 --output-every 1 --receiver-spacing 0.05 --sources 2 --out {d}/bake2", 2, "receivers"),
        new("bake --out an existing file", "acoustics bake --sources 2 --out {d}/afile", 2, "is a file"),
        new("bake --sigma 1e-6", "acoustics bake --sigma 1e-6 --sources 2 --out {d}/bake3", 2, "injects nothing"),
        new("train on an empty folder", "acoustics train --data {d}/adir --out {d}/m.ffsg", 2, "adir"),
        new("predict random-bytes model", "acoustics predict --model {d}/random.ffsg --source 1,1,1 --receiver 1,1,1 --out {d}/keep.csv", 2, "random.ffsg", "keep.csv"),
        new("predict --out .txt", "acoustics predict --model {d}/random.ffsg --source 1,1,1 --receiver 1,1,1 --out {d}/keep.txt", 2, ".csv", "keep.txt"),
    ];

    [TestCaseSource(nameof(Cases))]
    public void Cli_BadInput_OneLineExitCodeAndOutputsIntact(CliCase c)
    {
        var keep = c.Keep is null ? null : Path.Combine(_dir, c.Keep);
        var before = keep is null ? null : Hash(keep);
        var r = Run(Split(c.Args));
        Assert.That(r.Code, Is.EqualTo(c.Code), $"exit code; stderr: {r.Err}");
        Assert.That(r.ErrLines, Has.Length.EqualTo(1), $"exactly one line on stderr, got:\n{r.Err}");
        Assert.That(r.Err, Does.StartWith("error: ").And.Contain(c.Expect).And.Not.Contain("internal error"));
        if (keep is not null) Assert.That(Hash(keep), Is.EqualTo(before), $"{c.Keep} was changed");
        Assert.That(Directory.GetFiles(_dir, "*.tmp", SearchOption.AllDirectories), Is.Empty, "no temporary file left behind");
    }

    [Test]
    public void Bake_RefusedByEstimate_ClaimsNoDirectory()
    {
        var r = Run(Split("acoustics bake --receiver-spacing 0.001 --sources 2 --out {d}/claimed"));
        Assert.That(r.Code, Is.EqualTo(2), r.Err);
        Assert.That(r.Err, Does.Contain("MiB").Or.Contain("record"), "the refusal states the estimate");
        Assert.That(File.Exists(Path.Combine(_dir, "claimed", "manifest.json")), Is.False, "a refused bake leaves no manifest");
    }

    [Test]
    public void FitSdf_WithEikonal_TrainsAndSaves()
    {
        var r = Run(Split("fit sdf --shape sphere --eikonal 0.1 --steps 2 --samples 1000 --batch 256 --levels 2 --log2-table-size 10 --save {d}/e.ffnf"));
        Assert.That(r.Code, Is.EqualTo(0), r.Err);
        Assert.That(r.Out, Does.Contain("eikonal weight 0.1"));
        using var field = FieldForge.Neural.NeuralField.Load(Gpu, Path.Combine(_dir, "e.ffnf"));
        Assert.That(field.InputDimensions, Is.EqualTo(3));
    }

    [Test]
    public void Noise_OverAnExistingFile_ReplacesItWithAValidPng()
    {
        var keep = Path.Combine(_dir, "keep.png");
        var r = Run(Split("noise --size 32x16 --out {d}/keep.png"));
        Assert.That(r.Code, Is.EqualTo(0), r.Err);
        var image = RgbaImage.LoadPng(keep);
        Assert.That((image.Width, image.Height), Is.EqualTo((32, 16)));
    }

    [Test]
    public void Morph_Frames_WritesEveryFrameAndSummaryAtomically()
    {
        var r = Run(Split("morph sphere:r=0.5 box:0.6x0.6x0.6 --res 16 --frames 3 --out-dir {d}/frames"));
        Assert.That(r.Code, Is.EqualTo(0), r.Err);
        var files = Directory.GetFiles(Path.Combine(_dir, "frames")).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray();
        Assert.That(files, Is.EqualTo(new[] { "frame_0000.obj", "frame_0001.obj", "frame_0002.obj", "summary.csv" }));
        foreach (var f in files.Where(f => f!.EndsWith(".obj", StringComparison.Ordinal)))
            Assert.That(MeshFile.Read(Path.Combine(_dir, "frames", f!)).TriangleCount, Is.GreaterThan(0), f);
    }

    /// <summary>A malformed driver manifest must be a clear exit 3; the Vulkan loader reads VK_ICD_FILENAMES from the
    /// native environment, so this runs the built CLI binary as a child process.</summary>
    [Test]
    public void Binary_MalformedIcdManifest_ExitsThreeWithOneLine()
    {
        var manifest = Path.Combine(_dir, "bad_icd.json");
        File.WriteAllText(manifest, "{ \"file_format_version\": \"1.0.0\", \"ICD\": { \"library_path\": ");
        var r = RunBinary(new() { ["VK_ICD_FILENAMES"] = manifest, ["VK_DRIVER_FILES"] = manifest }, "noise", "--size", "8x8", "--out", Path.Combine(_dir, "keep.png"));
        Assert.That(r.Code, Is.EqualTo(3), $"stdout: {r.Out}\nstderr: {r.Err}");
        Assert.That(r.ErrLines, Has.Length.EqualTo(1), r.Err);
        Assert.That(r.Err, Does.StartWith("error: ").And.Not.Contain("internal error").And.Not.Contain("   at "));
    }

    [Test]
    public void Binary_TwoNoiseRunsOnOneOutput_BothSucceedAndLeaveAValidPng()
    {
        var output = Path.Combine(_dir, "shared.png");
        var runs = Enumerable.Range(0, 2).Select(i => Task.Run(() => RunBinary(new(), "noise", "--size", "256x256", "--seed", $"{i}", "--out", output))).ToArray();
        Task.WaitAll(runs);
        foreach (var r in runs.Select(t => t.Result)) Assert.That((r.Code, r.Err), Is.EqualTo((0, "")), r.Out);
        Assert.That(RgbaImage.LoadPng(output).Width, Is.EqualTo(256));
        Assert.That(Directory.GetFiles(_dir, "*.tmp"), Is.Empty);
    }

    /// <summary>Disk full mid-write on a small tmpfs: exit 3, one line, the old file intact.</summary>
    [Test]
    public void Noise_DiskFull_ExitsThreeAndKeepsTheOldFile()
    {
        var mount = Path.Combine(_dir, "tiny");
        Directory.CreateDirectory(mount);
        var m = RunProcess(new ProcessStartInfo("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", mount]), new());
        if (m.Code != 0) Assert.Ignore($"cannot mount a 64 KiB tmpfs here (needs root and CAP_SYS_ADMIN): {m.Err.Trim()}");
        try
        {
            var keep = Path.Combine(mount, "keep.png");
            Assert.That(Run(["noise", "--size", "16x16", "--out", keep]).Code, Is.EqualTo(0));
            var before = Hash(keep);
            // 512x512 noise compresses to far more than the 64 KiB the tmpfs holds.
            var r = Run(["noise", "--size", "512x512", "--out", keep]);
            Assert.That(r.Code, Is.EqualTo(3), r.Err);
            Assert.That(r.ErrLines, Has.Length.EqualTo(1), r.Err);
            Assert.That(r.Err, Does.Contain("disk full"));
            Assert.That(Hash(keep), Is.EqualTo(before), "the old file survives a full disk");
            Assert.That(Directory.GetFiles(mount), Is.EqualTo(new[] { keep }), "no temporary file left on the full disk");
        }
        finally
        {
            RunProcess(new ProcessStartInfo("umount", [mount]), new());
        }
    }

    /// <summary>Random flags and random bytes in every input format for a bounded time: every run must end in a planned
    /// exit (0, 2 or 3) with at most one stderr line and never an "internal error".</summary>
    [Test]
    public void Fuzz_RandomFlagsAndBytes_NeverAnUnhandledException()
    {
        var rng = new Random(20261129);
        var inputs = new Dictionary<string, string>();
        string Corrupt(string name, byte[] seed)
        {
            var bytes = seed.Length == 0 ? new byte[rng.Next(0, 300)] : (byte[])seed.Clone();
            if (seed.Length == 0) rng.NextBytes(bytes);
            else
            {
                for (int k = rng.Next(1, 8); k > 0; k--) bytes[rng.Next(bytes.Length)] ^= (byte)(1 << rng.Next(8));
                if (rng.Next(4) == 0) Array.Resize(ref bytes, rng.Next(bytes.Length));
            }
            var path = Path.Combine(_dir, "fuzz-" + name);
            File.WriteAllBytes(path, bytes);
            return path;
        }
        var seeds = new Dictionary<string, byte[]>
        {
            ["in.obj"] = File.ReadAllBytes(Path.Combine(_dir, "cube.obj")),
            ["in.png"] = File.ReadAllBytes(Path.Combine(_dir, "in.png")),
            ["in.wav"] = File.ReadAllBytes(Path.Combine(_dir, "dry.wav")),
            ["in.csv"] = File.ReadAllBytes(Path.Combine(_dir, "ir.csv")),
            ["m.ffsg"] = [], ["shard-000-of-001.ffsd"] = [],
        };
        // A real model to corrupt: .ffnf is read by the library (components, editor), not by a CLI verb.
        var model = Path.Combine(_dir, "seed.ffnf");
        using (var field = FieldForge.Neural.NeuralField.Create(Gpu, FieldForge.Neural.ImageFitting.DefaultConfig(FieldForge.Neural.EncodingKind.Simplex, 16, 16, 10, 2)))
            field.Save(model);
        seeds["m.ffnf"] = File.ReadAllBytes(model);
        string[] flagValues = ["0", "-1", "1e30", "nan", "", "x", "2", "1,1,1", "16x16", "-5,0,1", "99999999999"];
        string[] Templates(string obj, string png, string wav, string csv, string ffsg, string data) =>
        [
            $"render {obj} --out {_dir}/f.png",
            $"fit image {png} --steps 2 --batch 256 --levels 2 --log2-table-size 10 --out {_dir}/f.png",
            $"fit sdf {obj} --steps 2 --samples 1000 --batch 256 --levels 2 --log2-table-size 10 --save {_dir}/f.ffnf",
            $"morph sphere:r=0.5 {obj} --res 12 --out {_dir}/f.obj",
            $"acoustics auralize --ir {csv} --dry {wav} --out {_dir}/f.wav",
            $"acoustics predict --model {ffsg} --source 1,1,1 --receiver 1,1,1 --out {_dir}/f.csv",
            $"acoustics train --data {data} --steps 2 --out {_dir}/f.ffsg",
            $"noise --size 8x8 --out {_dir}/f.png",
        ];
        var watch = Stopwatch.StartNew();
        int runs = 0;
        while (watch.Elapsed.TotalSeconds < 25 || runs < 10)
        {
            var data = Path.Combine(_dir, "fuzz-data");
            Directory.CreateDirectory(data);
            var shard = Corrupt("shard-000-of-001.ffsd", seeds["shard-000-of-001.ffsd"]);
            File.Move(shard, Path.Combine(data, "shard-000-of-001.ffsd"), overwrite: true);
            File.WriteAllText(Path.Combine(data, "manifest.json"), rng.Next(2) == 0 ? "{\"SpecHash\":\"0\",\"Outputs\":-1}" : "{");
            var templates = Templates(Corrupt("in.obj", seeds["in.obj"]), Corrupt("in.png", seeds["in.png"]), Corrupt("in.wav", seeds["in.wav"]),
                Corrupt("in.csv", seeds["in.csv"]), Corrupt("m.ffsg", seeds["m.ffsg"]), data);
            var args = templates[rng.Next(templates.Length)].Split(' ').ToList();
            // Replace one option's value with a hostile one (most runs), or drop an argument.
            var options = args.Select((a, i) => (a, i)).Where(p => p.a.StartsWith("--", StringComparison.Ordinal) && p.i + 1 < args.Count).ToArray();
            if (options.Length > 0 && rng.Next(3) > 0)
            {
                var (_, at) = options[rng.Next(options.Length)];
                if (!args[at].Contains("out") && !args[at].Contains("save")) args[at + 1] = flagValues[rng.Next(flagValues.Length)];
            }
            if (rng.Next(6) == 0 && args.Count > 1) args.RemoveAt(rng.Next(1, args.Count));
            var r = Run(args.ToArray());
            runs++;
            Assert.That(r.Code, Is.AnyOf(0, 2, 3), $"{string.Join(' ', args)}\n{r.Err}");
            Assert.That(r.ErrLines.Length, Is.LessThanOrEqualTo(1), $"{string.Join(' ', args)}\n{r.Err}");
            Assert.That(r.Err, Does.Not.Contain("internal error"), string.Join(' ', args));
            var damaged = Corrupt("m.ffnf", seeds["m.ffnf"]);
            try { FieldForge.Neural.NeuralField.Load(Gpu, damaged).Dispose(); }
            catch (InvalidDataException) { } // the one planned failure; anything else fails the test
        }
        TestContext.Out.WriteLine($"fuzz: {runs} CLI runs in {watch.Elapsed.TotalSeconds:F0} s");
    }

    // ---- helpers ----

    private CliResult Run(params string[] args)
    {
        var (oldOut, oldErr) = (Console.Out, Console.Error);
        var (o, e) = (new StringWriter(), new StringWriter());
        Console.SetOut(o);
        Console.SetError(e);
        int code;
        try { code = CliProgram.Run(args, Gpu); }
        finally { Console.SetOut(oldOut); Console.SetError(oldErr); }
        return new CliResult(code, o.ToString(), e.ToString());
    }

    private string[] Split(string args) => args.Replace("{d}", _dir, StringComparison.Ordinal).Split(' ', StringSplitOptions.RemoveEmptyEntries);

    private static string Hash(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));

    private static CliResult RunBinary(Dictionary<string, string> env, params string[] args)
    {
        var dll = Path.Combine(TestContext.CurrentContext.TestDirectory, "FieldForge.Cli.dll");
        Assert.That(File.Exists(dll), Is.True, $"the CLI is built next to the tests: {dll}");
        var psi = new ProcessStartInfo("dotnet") { ArgumentList = { dll } };
        foreach (var a in args) psi.ArgumentList.Add(a);
        return RunProcess(psi, env);
    }

    private static CliResult RunProcess(ProcessStartInfo psi, Dictionary<string, string> env)
    {
        psi.RedirectStandardOutput = psi.RedirectStandardError = true;
        psi.UseShellExecute = false;
        foreach (var (k, v) in env) psi.Environment[k] = v;
        using var p = System.Diagnostics.Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(120_000)) { p.Kill(entireProcessTree: true); Assert.Fail($"{psi.FileName} did not finish in 120 s"); }
        return new CliResult(p.ExitCode, output, err.Result);
    }

    private static byte[] HugePngHeader(uint width, uint height)
    {
        var b = new List<byte> { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13 };
        b.AddRange("IHDR"u8.ToArray());
        Span<byte> v = stackalloc byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(v, width); b.AddRange(v.ToArray());
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(v, height); b.AddRange(v.ToArray());
        b.AddRange(new byte[] { 8, 6, 0, 0, 0, 0, 0, 0, 0 });
        return b.ToArray();
    }

    /// <summary>A unit cube (1 m, corner at the origin), outward-facing; with <paramref name="openTop"/> the x = 1 face
    /// is missing so it encloses nothing.</summary>
    private static string CubeObj(bool openTop)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < 8; i++) sb.Append($"v {i & 1} {(i >> 1) & 1} {(i >> 2) & 1}\n");
        int[][] faces = [[1, 3, 4, 2], [5, 6, 8, 7], [1, 2, 6, 5], [3, 7, 8, 4], [1, 5, 7, 3], [2, 4, 8, 6]];
        foreach (var f in faces.Take(openTop ? 5 : 6)) sb.Append($"f {f[0]} {f[1]} {f[2]}\nf {f[0]} {f[2]} {f[3]}\n");
        return sb.ToString();
    }
}
