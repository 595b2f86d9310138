using FieldForge.Gpu;
using FieldForge.Samples.VulkanGame;

// `./ff game [--frames N] [--size WxH] [--resolution R] [--out DIR] [--period S] [--validation] [--editor]`
if (args.Contains("--help") || args.Contains("-h"))
{
    Console.WriteLine(GameOptions.Usage);
    return 0;
}
GameOptions options;
try { options = GameOptions.Parse(args); }
catch (ArgumentException e)
{
    Console.Error.WriteLine($"game: {e.Message}");
    Console.Error.WriteLine(GameOptions.Usage);
    return 2;
}
try
{
    var result = Game.Run(options, Console.Out);
    return result.ValidationMessages.Count == 0 ? 0 : 1;
}
catch (GpuUnavailableException e)
{
    Console.Error.WriteLine($"game: {e.Message}");
    return 1;
}
