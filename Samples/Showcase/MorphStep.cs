using System.Diagnostics;
using System.Numerics;
using FieldForge.Gpu;
using FieldForge.Morphing;
using FieldForge.Core;
using FieldForge.Rendering;

namespace FieldForge.Showcase;

/// <summary>A coloured box -> torus SDF morph (aligned schedule) extracted on the GPU: OBJ files for a few frames and a
/// summary of volume and time per frame, and an animated out/morph.gif of the whole sequence (OpenGL renderer).</summary>
public sealed class MorphStep : IShowcaseStep
{
    public int Order => 20;
    public string Title => "Real-time SDF morph (box -> torus, textured)";

    public ShowcaseResult Run(GpuContext gpu, ShowcaseOptions options)
    {
        int n = options.Quick ? 32 : 80;
        int frames = options.Quick ? 5 : 21;
        ISdfSource[] sources =
        [
            SdfShape.RoundedBox(new(0.45f, 0.35f, 0.35f), 0.08f).WithColour(new(1f, 0.45f, 0.1f)),
            SdfShape.Torus(0.6f, 0.2f).WithColour(new(0.1f, 0.45f, 1f)).Translated(new(0.3f, 0.2f, 0)),
        ];
        var dir = Path.Combine(options.OutputDirectory, "morph");
        Directory.CreateDirectory(dir);
        var grid = SdfMorph.GridFor(sources, n);
        using var morph = new SdfMorph(gpu, sources, grid, MorphSchedule.Aligned);
        using var iso = new IsoSurfacer(gpu, n);
        morph.ExtractFrame(iso, 0); // sizes the output buffers once, so the timed frames are steady-state
        var files = new List<string>();
        var summary = new List<string>();
        var volumes = new List<double>();
        var times = new List<double>();
        int every = (frames - 1) / 4;
        var meshes = new List<TriangleMesh>();
        for (int f = 0; f < frames; f++)
        {
            float t = f / (float)(frames - 1);
            var sw = Stopwatch.StartNew();
            var (mesh, _) = morph.ExtractFrame(iso, t);
            double ms = sw.Elapsed.TotalMilliseconds;
            if (MeshTopology.FindClosedSurfaceProblem(mesh) is { } problem)
                throw new InvalidOperationException($"morph frame t={t:F3} is not watertight: {problem}");
            meshes.Add(mesh);
            volumes.Add(mesh.Volume());
            times.Add(ms);
            if (f % every == 0)
            {
                var name = $"morph_t{t:F2}.obj";
                ObjFormat.Write(Path.Combine(dir, name), mesh);
                files.Add(Path.Combine("morph", name));
                summary.Add($"t={t:F2}: {mesh.TriangleCount:N0} triangles, volume {mesh.Volume():F4}, area {mesh.Area():F3}, {ms:F0} ms (watertight)");
            }
        }
        double maxJump = volumes.Zip(volumes.Skip(1), (a, b) => Math.Abs(b - a)).Max();
        summary.Add($"{frames} frames at {n}^3 on {gpu.DeviceInfo.Name}: median {times.Order().ElementAt(times.Count / 2):F0} ms per frame " +
                    $"(morph + isosurface in one submission, mesh read back); volume {volumes.Min():F4}..{volumes.Max():F4}, largest step {maxJump:F4}");
        try
        {
            var sw = Stopwatch.StartNew();
            WriteGif(Path.Combine(options.OutputDirectory, "morph.gif"), meshes, grid, options.Quick ? 128 : 224);
            files.Add("morph.gif");
            summary.Add($"morph.gif: {meshes.Count} frames there and back, rendered in {sw.Elapsed.TotalSeconds:F1} s");
        }
        catch (GlUnavailableException e)
        {
            summary.Add($"morph.gif skipped: OpenGL unavailable ({e.Message})");
        }
        return new ShowcaseResult(files, summary);
    }

    private static void WriteGif(string path, IReadOnlyList<TriangleMesh> meshes, SdfGrid grid, int size)
    {
        using var renderer = new MeshRenderer();
        renderer.Background = new RgbaColor(24, 26, 32);
        // One fixed camera on the grid, so the shape moves and not the view.
        var camera = new OrbitCamera(YawDegrees: 30, PitchDegrees: 25).Framing(grid.Bounds.Center, grid.Bounds.Size.X * 0.5f, 1.0f);
        using var gif = new GifWriter(path, size, size, new GifOptions(FrameDelayMs: 60));
        foreach (var mesh in meshes.Concat(meshes.Reverse().Skip(1).SkipLast(1)))
        {
            renderer.SetMesh(Flatten(mesh.Positions), Flatten(mesh.Normals!), Flatten(mesh.Colours!), Array.ConvertAll(mesh.Indices, i => (uint)i));
            renderer.Camera = camera;
            gif.AddFrame(renderer.Render(size, size));
        }
    }

    private static float[] Flatten(Vector3[] v)
    {
        var f = new float[v.Length * 3];
        for (int i = 0; i < v.Length; i++) { f[3 * i] = v[i].X; f[3 * i + 1] = v[i].Y; f[3 * i + 2] = v[i].Z; }
        return f;
    }
}
