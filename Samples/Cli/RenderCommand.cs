using System.Diagnostics;
using System.Numerics;
using FieldForge.Core;
using FieldForge.Rendering;

namespace FieldForge.Cli;

/// <summary>
/// `./ff render mesh.obj --out mesh.png`: a lit, auto-framed picture of a mesh with the headless GL renderer;
/// `--out turn.gif` renders a turntable animation instead; `--window` opens an interactive preview when a display exists.
/// </summary>
public sealed class RenderCommand : ICommand
{
    public string Verb => "render";
    public string Summary => "render an OBJ mesh to PNG (or a turntable GIF) with headless OpenGL";

    public int Run(CliArgs args)
    {
        if (args.Flag("help"))
        {
            Console.WriteLine("usage: ./ff render MESH.obj --out FILE.png|FILE.gif [--width 640] [--height 480] [--yaw 35] [--pitch 25]\n" +
                              "       [--color r,g,b] [--background r,g,b] (0..1) [--frames 36] [--delay 60] (GIF turntable)\n" +
                              "       ./ff render MESH.obj --window [--seconds S]   (interactive: left-drag orbits, right-drag zooms, Esc closes)");
            return 0;
        }
        if (args.Positional.Count != 1) throw new CliError("expected one mesh file: ./ff render MESH.obj --out FILE.png");
        var input = args.Positional[0];
        bool window = args.Flag("window");
        double seconds = args.Double("seconds", double.PositiveInfinity, 0);
        var output = window ? null : CliArgs.WritablePath(args.Required("out"), "out", ".png", ".gif");
        bool gif = output?.EndsWith(".gif", StringComparison.OrdinalIgnoreCase) ?? false;
        if (window && !PreviewWindow.DisplayAvailable) throw new CliError("--window needs a display (DISPLAY or WAYLAND_DISPLAY); use --out FILE.png headless");
        int width = args.Int("width", 640, 16, MeshRenderer.MaxSize), height = args.Int("height", 480, 16, MeshRenderer.MaxSize);
        float yaw = (float)args.Double("yaw", 35), pitch = (float)args.Double("pitch", 25, -89, 89);
        var color = args.Doubles("color", 3);
        var background = args.Doubles("background", 3);
        int frames = args.Int("frames", 36, 1, 1000);
        int delay = args.Int("delay", 60, 20, 10000);
        args.RejectUnknown();
        if (!File.Exists(input)) throw new CliError($"mesh file '{input}' not found");

        var loaded = MeshFile.Read(input).Validate(input);
        if (loaded.TriangleCount == 0) throw new CliError($"{input}: the mesh has no triangles, nothing to render");
        // What a GIF turntable holds in memory at once: one RGBA frame plus its quantised copy and the encoder's tables.
        CliArgs.CheckMemory(checked((long)width * height * 4 * 3), $"rendering {width}x{height}");
        var mesh = Flatten(loaded);
        Console.WriteLine($"mesh: {input} ({mesh.Positions.Length / 3} vertices, {mesh.Indices.Length / 3} triangles{(mesh.Colors.Length > 0 ? ", vertex colours" : "")})");
        MeshRenderer renderer;
        try { renderer = new MeshRenderer(); }
        catch (GlUnavailableException e)
        {
            Console.Error.WriteLine($"error: {CliProgram.OneLine(e)}");
            return CliProgram.Environment;
        }
        using (renderer)
        {
            Console.WriteLine($"device: {renderer.Context.Renderer} | OpenGL {renderer.Context.Version}");
            renderer.SetMesh(mesh.Positions, mesh.Normals, mesh.Colors, mesh.Indices);
            if (color is not null) renderer.BaseColor = RgbaColor.FromFloats((float)color[0], (float)color[1], (float)color[2]);
            renderer.Background = background is null ? new RgbaColor(24, 26, 32) : RgbaColor.FromFloats((float)background[0], (float)background[1], (float)background[2]);
            renderer.Camera = renderer.Camera with { YawDegrees = yaw, PitchDegrees = pitch };
            renderer.FrameMesh();

            var watch = Stopwatch.StartNew();
            if (window)
            {
                using var preview = new PreviewWindow($"FieldForge - {Path.GetFileName(input)}", width, height);
                preview.Run(renderer, maxSeconds: seconds);
                Console.WriteLine($"window closed after {watch.Elapsed.TotalSeconds:F1} s");
                return 0;
            }
            if (!gif)
            {
                renderer.Render(width, height).SavePng(output!);
                Console.WriteLine($"wrote {output} ({width}x{height}) in {watch.Elapsed.TotalMilliseconds:F0} ms");
                return 0;
            }
            double renderMs = 0;
            AtomicFile.Write(output!, stream =>
            {
                using var writer = new GifWriter(stream, width, height, new GifOptions(FrameDelayMs: delay));
                for (int f = 0; f < frames; f++)
                {
                    long t0 = Stopwatch.GetTimestamp();
                    renderer.Camera = renderer.Camera with { YawDegrees = yaw + 360f * f / frames };
                    var frame = renderer.Render(width, height);
                    renderMs += Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
                    writer.AddFrame(frame);
                    if (frames >= 10 && (f + 1) % (frames / 4) == 0) Console.WriteLine($"  frame {f + 1}/{frames}");
                }
            });
            Console.WriteLine($"wrote {output} ({frames} frames, {width}x{height}) in {watch.Elapsed.TotalSeconds:F2} s " +
                              $"(render {renderMs / frames:F1} ms/frame, GIF encode {(watch.Elapsed.TotalMilliseconds - renderMs) / frames:F1} ms/frame)");
            return 0;
        }
    }

    /// <summary>The mesh as the flat arrays MeshRenderer takes (empty arrays for absent normals/colours).</summary>
    private static (float[] Positions, float[] Normals, float[] Colors, uint[] Indices) Flatten(TriangleMesh mesh)
    {
        static float[] Flat(Vector3[]? v) => v is null ? Array.Empty<float>() : v.SelectMany(p => new[] { p.X, p.Y, p.Z }).ToArray();
        return (Flat(mesh.Positions), Flat(mesh.Normals), Flat(mesh.Colours), mesh.Indices.Select(i => (uint)i).ToArray());
    }
}
