using System.Globalization;

namespace FieldForge.Samples.VulkanGame;

/// <summary>What one run of the game does. Parsed from the command line by <see cref="Parse"/>.</summary>
/// <param name="Frames">Frames to render (at least 1).</param>
/// <param name="Width">Image width in pixels.</param>
/// <param name="Height">Image height in pixels.</param>
/// <param name="Resolution">Morph grid points per axis.</param>
/// <param name="OutDirectory">Where PNG frames and the GIF go; null writes no files.</param>
/// <param name="Validation">Vulkan validation layer on (for the game's device and FieldForge's messenger).</param>
/// <param name="PeriodSeconds">Seconds of game time for one morph sweep 0 → 1 → 0.</param>
/// <param name="Editor">Serve the web editor attached to the game's components.</param>
public sealed record GameOptions(int Frames = 90, int Width = 480, int Height = 320, int Resolution = 64, string? OutDirectory = "out/game",
    bool Validation = false, double PeriodSeconds = 4, bool Editor = false)
{
    /// <summary>Game time per frame (a fixed step, so runs are reproducible).</summary>
    public const double FrameSeconds = 1.0 / 30;

    /// <summary>Draw the morphing surface (off only for comparisons: the same frames without it).</summary>
    public bool DrawMesh { get; init; } = true;

    /// <summary>Keep a copy of every rendered frame in <see cref="GameResult.Images"/> (tests; the files need no copies).</summary>
    public bool KeepImages { get; init; }

    /// <summary>Frames before the steady state the final line measures: the first frames build the morph's grids and
    /// pipelines, generate the noise once, and fill both frames in flight.</summary>
    public int WarmupFrames => Frames <= 2 ? 0 : Math.Min(4, Frames / 2);

    /// <summary>The usage text.</summary>
    public const string Usage = """
        ./ff game [--frames N] [--size WxH] [--resolution R] [--out DIR] [--period SECONDS] [--validation] [--editor]
          A Vulkan game that owns its device and lends it to FieldForge: a morphing isosurface drawn with
          vkCmdDrawIndexedIndirect from FieldForge's buffers over a ground textured with GPU noise, rendered offscreen
          (no window: no windowing library is available here) to PNG frames and game.gif under --out (default out/game).
          --validation (or FIELDFORGE_VALIDATION=1) turns the Khronos validation layer on.
          Ends with: frames N, mean frame X ms (GPU Y ms), readback B bytes/frame, allocated A bytes/frame
        """;

    /// <summary>Parses <paramref name="args"/>; throws <see cref="ArgumentException"/> with a message for the user.</summary>
    public static GameOptions Parse(IReadOnlyList<string> args)
    {
        var o = new GameOptions(Validation: Environment.GetEnvironmentVariable("FIELDFORGE_VALIDATION") is "1" or "true");
        for (int i = 0; i < args.Count; i++)
        {
            string a = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{a} needs a value");
            int Int(int min, int max)
            {
                string v = Value();
                if (!int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) || n < min || n > max)
                    throw new ArgumentException($"{a} must be an integer in {min}..{max}, got '{v}'");
                return n;
            }
            switch (a)
            {
                case "--frames": o = o with { Frames = Int(1, 100_000) }; break;
                case "--resolution": o = o with { Resolution = Int(8, 256) }; break;
                case "--out": o = o with { OutDirectory = Value() }; break;
                case "--validation": o = o with { Validation = true }; break;
                case "--editor": o = o with { Editor = true }; break;
                case "--period":
                {
                    string v = Value();
                    if (!double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out double s) || !(s >= 0.1 && s <= 3600))
                        throw new ArgumentException($"--period must be seconds in 0.1..3600, got '{v}'");
                    o = o with { PeriodSeconds = s };
                    break;
                }
                case "--size":
                {
                    string v = Value();
                    var parts = v.Split('x', 'X');
                    if (parts.Length != 2 || !int.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out int w)
                        || !int.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out int h) || w < 16 || h < 16 || w > 4096 || h > 4096)
                        throw new ArgumentException($"--size must be WxH with 16..4096 pixels per side, got '{v}'");
                    o = o with { Width = w, Height = h };
                    break;
                }
                default: throw new ArgumentException($"unknown option '{a}'");
            }
        }
        return o;
    }
}
