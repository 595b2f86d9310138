using System.Diagnostics;
using System.Globalization;
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
        var output = window ? null : CliArgs.WritablePath(args.Required("out"), "out");
        bool gif = output?.EndsWith(".gif", StringComparison.OrdinalIgnoreCase) ?? false;
        if (output is not null && !gif && !output.EndsWith(".png", StringComparison.OrdinalIgnoreCase)) throw new CliError($"--out must end in .png or .gif, got '{output}'");
        if (window && !PreviewWindow.DisplayAvailable) throw new CliError("--window needs a display (DISPLAY or WAYLAND_DISPLAY); use --out FILE.png headless");
        int width = args.Int("width", 640, 16, MeshRenderer.MaxSize), height = args.Int("height", 480, 16, MeshRenderer.MaxSize);
        float yaw = (float)args.Double("yaw", 35), pitch = (float)args.Double("pitch", 25, -89, 89);
        var color = args.Doubles("color", 3);
        var background = args.Doubles("background", 3);
        int frames = args.Int("frames", 36, 1, 1000);
        int delay = args.Int("delay", 60, 20, 10000);
        args.RejectUnknown();
        if (!File.Exists(input)) throw new CliError($"mesh file '{input}' not found");

        var mesh = ObjMesh.Read(input);
        Console.WriteLine($"mesh: {input} ({mesh.Positions.Length / 3} vertices, {mesh.Indices.Length / 3} triangles{(mesh.Colors.Length > 0 ? ", vertex colours" : "")})");
        MeshRenderer renderer;
        try { renderer = new MeshRenderer(); }
        catch (GlUnavailableException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 3;
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
            using (var writer = new GifWriter(output!, width, height, new GifOptions(FrameDelayMs: delay)))
            {
                for (int f = 0; f < frames; f++)
                {
                    long t0 = Stopwatch.GetTimestamp();
                    renderer.Camera = renderer.Camera with { YawDegrees = yaw + 360f * f / frames };
                    var frame = renderer.Render(width, height);
                    renderMs += Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
                    writer.AddFrame(frame);
                    if (frames >= 10 && (f + 1) % (frames / 4) == 0) Console.WriteLine($"  frame {f + 1}/{frames}");
                }
            }
            Console.WriteLine($"wrote {output} ({frames} frames, {width}x{height}) in {watch.Elapsed.TotalSeconds:F2} s " +
                              $"(render {renderMs / frames:F1} ms/frame, GIF encode {(watch.Elapsed.TotalMilliseconds - renderMs) / frames:F1} ms/frame)");
            return 0;
        }
    }

    /// <summary>
    /// Just enough Wavefront OBJ for this command: `v x y z [r g b]`, `vn`, polygonal `f` (fan-triangulated, negative
    /// indices allowed). Each distinct position/normal pair becomes one vertex.
    /// </summary>
    private sealed record ObjMesh(float[] Positions, float[] Normals, float[] Colors, uint[] Indices)
    {
        public static ObjMesh Read(string path)
        {
            var v = new List<float[]>(); var vc = new List<float[]?>(); var vn = new List<float[]>();
            var positions = new List<float>(); var normals = new List<float>(); var colors = new List<float>(); var indices = new List<uint>();
            var corners = new Dictionary<(int, int), uint>();
            bool anyColor = false, allNormals = true;
            int lineNo = 0;
            foreach (var raw in File.ReadLines(path))
            {
                lineNo++;
                var parts = raw.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length == 0 || parts[0].StartsWith('#')) continue;
                switch (parts[0])
                {
                    case "v":
                        var p = Floats(parts, lineNo, path);
                        if (p.Length < 3) throw new InvalidDataException($"{path}:{lineNo}: 'v' needs x y z");
                        v.Add(p[..3]);
                        vc.Add(p.Length >= 6 ? p[3..6] : null);
                        anyColor |= p.Length >= 6;
                        break;
                    case "vn":
                        var n = Floats(parts, lineNo, path);
                        if (n.Length < 3) throw new InvalidDataException($"{path}:{lineNo}: 'vn' needs x y z");
                        vn.Add(n[..3]);
                        break;
                    case "f":
                        if (parts.Length < 4) throw new InvalidDataException($"{path}:{lineNo}: a face needs at least 3 corners");
                        var face = new uint[parts.Length - 1];
                        for (int c = 1; c < parts.Length; c++)
                        {
                            var refs = parts[c].Split('/');
                            int vi = Index(refs[0], v.Count, lineNo, path);
                            int ni = refs.Length >= 3 && refs[2].Length > 0 ? Index(refs[2], vn.Count, lineNo, path) : -1;
                            allNormals &= ni >= 0;
                            if (!corners.TryGetValue((vi, ni), out uint id))
                            {
                                id = (uint)(positions.Count / 3);
                                corners[(vi, ni)] = id;
                                positions.AddRange(v[vi]);
                                normals.AddRange(ni >= 0 ? vn[ni] : [0f, 0f, 0f]);
                                colors.AddRange(vc[vi] ?? [1f, 1f, 1f]);
                            }
                            face[c - 1] = id;
                        }
                        for (int k = 1; k + 1 < face.Length; k++) indices.AddRange([face[0], face[k], face[k + 1]]);
                        break;
                }
            }
            if (indices.Count == 0) throw new InvalidDataException($"{path}: no faces found (is it a Wavefront OBJ?)");
            return new ObjMesh(positions.ToArray(), allNormals ? normals.ToArray() : [], anyColor ? colors.ToArray() : [], indices.ToArray());
        }

        private static float[] Floats(string[] parts, int lineNo, string path) =>
            parts.Skip(1).Select(s => float.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var f) && float.IsFinite(f)
                ? f : throw new InvalidDataException($"{path}:{lineNo}: '{s}' is not a finite number")).ToArray();

        private static int Index(string s, int count, int lineNo, string path)
        {
            if (!int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int i) || i == 0)
                throw new InvalidDataException($"{path}:{lineNo}: '{s}' is not a valid OBJ index");
            int zeroBased = i > 0 ? i - 1 : count + i;
            if (zeroBased < 0 || zeroBased >= count) throw new InvalidDataException($"{path}:{lineNo}: index {i} is out of range (1..{count})");
            return zeroBased;
        }
    }
}
