using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using FieldForge.Gpu;
using FieldForge.Morphing;
using FieldForge.Core;

namespace FieldForge.Cli;

/// <summary>
/// `./ff morph A B [C ...] --t 0.5 --res 128 --out mid.obj` or `--frames 60 --out-dir frames/`: morphs between meshes
/// (.obj/.gltf/.glb) and primitive specs (sphere:r=0.5, torus:R=0.6,r=0.2, box:0.8x0.6x0.4, ...) and writes OBJ/PLY meshes.
/// </summary>
public sealed class MorphCommand : ICommand
{
    public string Verb => "morph";
    public string Summary => "SDF morph between meshes/primitives -> OBJ/PLY (--t/--out or --frames/--out-dir)";

    public int Run(CliArgs args)
    {
        if (args.Positional.Count < 2)
            throw new CliError("usage: ./ff morph A B [C ...] [--t 0.5 --out mid.obj | --frames 60 --out-dir frames/] [--res 128] [--schedule aligned|linear] [--format obj|ply] [--bounds x0,y0,z0,x1,y1,z1] [--band 8]");
        int res = args.Int("res", 128, 2, SdfGrid.MaxResolution);
        string scheduleName = args.String("schedule", "aligned").ToLowerInvariant();
        var schedule = scheduleName switch
        {
            "aligned" => MorphSchedule.Aligned,
            "linear" => MorphSchedule.Linear,
            _ => throw new CliError($"--schedule must be aligned or linear, got '{scheduleName}'"),
        };
        float band = (float)args.Double("band", 8, 1, 64);
        var boundsValues = args.Doubles("bounds", 6);
        int frames = args.Int("frames", 0, 0, 100_000);
        double t = args.Double("t", 0.5, 0, 1);
        string? outPath = args.String("out");
        string? outDir = args.String("out-dir");
        string format = args.String("format", "obj").ToLowerInvariant();
        if (format is not ("obj" or "ply")) throw new CliError($"--format must be obj or ply, got '{format}'");
        args.RejectUnknown();
        if (frames == 0 && outPath is null) throw new CliError("--out is required (or --frames N with --out-dir)");
        if (frames > 0 && outDir is null) throw new CliError("--frames needs --out-dir");
        if (frames == 1) throw new CliError("--frames must be at least 2 (frame i is at t = i / (frames - 1))");
        if (frames > 0 && outPath is not null) throw new CliError("--out names one mesh at --t; with --frames the frames go to --out-dir (give one or the other)");
        if (frames == 0 && outDir is not null) throw new CliError("--out-dir needs --frames N (one mesh at --t goes to --out)");
        if (outPath is not null) outPath = CliArgs.WritablePath(outPath, "out", ".obj", ".ply");
        if (outDir is not null) outDir = CliArgs.WritableFolder(outDir, "out-dir");
        // Host and device: one float field per source and the blend, the isosurfacer's edge/index scratch (about 6 words a cell).
        CliArgs.CheckMemory(checked((long)res * res * res * 4 * (args.Positional.Count + 8)), $"morphing at --res {res}");

        var sources = args.Positional.Select(a => LoadSource(a, band)).ToArray();
        var extent = sources.Skip(1).Aggregate(sources[0].Bounds, (b, s) => b.Union(s.Bounds));
        for (int i = 0; i < sources.Length; i++) CheckScale(args.Positional[i], sources[i].Bounds);
        SdfGrid grid;
        if (boundsValues is not null)
        {
            var b = new Bounds(new Vector3((float)boundsValues[0], (float)boundsValues[1], (float)boundsValues[2]),
                new Vector3((float)boundsValues[3], (float)boundsValues[4], (float)boundsValues[5]));
            if (!b.IsValid || !(b.Size.X > 0 && b.Size.Y > 0 && b.Size.Z > 0)) throw new CliError($"--bounds must be x0,y0,z0,x1,y1,z1 with x0<x1, y0<y1, z0<z1, got {b}");
            CheckScale("--bounds", b);
            for (int i = 0; i < sources.Length; i++)
            {
                var s = sources[i].Bounds;
                bool overlaps = s.Min.X < b.Max.X && s.Max.X > b.Min.X && s.Min.Y < b.Max.Y && s.Max.Y > b.Min.Y && s.Min.Z < b.Max.Z && s.Max.Z > b.Min.Z;
                if (!overlaps) throw new CliError($"--bounds {b} misses {args.Positional[i]} (its bounds are {s}); the morph would be empty");
            }
            grid = SdfGrid.Covering(b, res);
        }
        else grid = SdfMorph.GridFor(sources, res);
        if (!(grid.VoxelSize > 0) || !float.IsFinite(grid.VoxelSize)) throw new CliError($"the shapes' extent {extent} cannot be gridded at --res {res}");

        using var lease = CliGpu.Open(args); var gpu = lease.Context;
        Console.WriteLine($"device: {gpu.DeviceInfo.Name}");
        Console.WriteLine($"grid: {res}^3 over {grid.Bounds}, voxel {grid.VoxelSize:G4}; schedule {schedule}");
        var sw = Stopwatch.StartNew();
        using var morph = new SdfMorph(gpu, sources, grid, schedule);
        using var iso = new IsoSurfacer(gpu, res);
        if (schedule == MorphSchedule.Aligned)
            for (int i = 0; i < sources.Length; i++)
                if (!(morph.Moments[i].Volume > 0))
                    throw new CliError($"{args.Positional[i]} has no interior on the {res}^3 grid (voxel {grid.VoxelSize:G3}); raise --res or use --schedule linear");
        Console.WriteLine($"sources evaluated in {sw.Elapsed.TotalMilliseconds:F0} ms: " +
                          string.Join("; ", morph.Moments.Select((m, i) => $"{args.Positional[i]} volume {m.Volume:G4}")));
        if (frames == 0)
        {
            var (mesh, timings) = Frame(morph, iso, (float)t, out double wallMs);
            MeshFile.Write(outPath!, mesh);
            Console.WriteLine($"t={t:G4}: {mesh.VertexCount} vertices, {mesh.TriangleCount} triangles, volume {mesh.Volume():G5}, area {mesh.Area():G5}, " +
                              $"{wallMs:F1} ms ({Gpu(timings)}) -> {outPath}");
            return 0;
        }
        var summary = new List<string> { "frame,t,vertices,triangles,volume,area,ms" };
        for (int f = 0; f < frames; f++)
        {
            float tf = f / (float)(frames - 1);
            var (mesh, timings) = Frame(morph, iso, tf, out double wallMs);
            var path = Path.Combine(outDir!, $"frame_{f:D4}.{format}");
            MeshFile.Write(path, mesh);
            double volume = mesh.Volume(), area = mesh.Area();
            summary.Add(string.Create(CultureInfo.InvariantCulture, $"{f},{tf:F4},{mesh.VertexCount},{mesh.TriangleCount},{volume:G6},{area:G6},{wallMs:F2}"));
            Console.WriteLine($"frame {f + 1}/{frames} t={tf:F3}: {mesh.TriangleCount} triangles, volume {volume:G5}, area {area:G5}, {wallMs:F1} ms ({Gpu(timings)})");
        }
        var summaryPath = Path.Combine(outDir!, "summary.csv");
        AtomicFile.WriteAllText(summaryPath, string.Join("\n", summary) + "\n");
        Console.WriteLine($"wrote {frames} frames and {summaryPath}");
        return 0;
    }

    private static (TriangleMesh, IReadOnlyList<GpuTiming>) Frame(SdfMorph morph, IsoSurfacer iso, float t, out double wallMs)
    {
        var sw = Stopwatch.StartNew();
        var result = morph.ExtractFrame(iso, t);
        wallMs = sw.Elapsed.TotalMilliseconds;
        return result;
    }

    private static string Gpu(IReadOnlyList<GpuTiming> timings) =>
        timings.Count == 0 ? "no GPU timestamps" : string.Join(", ", timings.Select(x => $"{x.Region} {x.Milliseconds:F1} ms"));

    // Float32 SDF grids: beyond these extents a voxel is either below float resolution or the distances overflow.
    private const float MinExtent = 1e-4f, MaxExtent = 1e6f;

    private static void CheckScale(string what, Bounds b)
    {
        float side = MathF.Max(b.Size.X, MathF.Max(b.Size.Y, b.Size.Z));
        float far = MathF.Max(Vector3.Abs(b.Min).Length(), Vector3.Abs(b.Max).Length());
        if (!b.IsValid || !float.IsFinite(far) || !(side >= MinExtent) || !(side <= MaxExtent) || far > MaxExtent)
            throw new CliError($"{what}: extent {b} is outside what a float grid resolves (largest side {MinExtent:G2}..{MaxExtent:G2}, within {MaxExtent:G2} of the origin)");
    }

    private static ISdfSource LoadSource(string spec, float band)
    {
        try { return SdfSourceSpec.Load(spec, narrowBandVoxels: band); }
        catch (FormatException e) { throw new CliError(e.Message); }
        catch (InvalidDataException e) { throw new CliError(e.Message.StartsWith(spec, StringComparison.Ordinal) ? e.Message : $"{spec}: {e.Message}"); }
    }
}
