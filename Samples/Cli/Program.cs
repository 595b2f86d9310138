using FieldForge.Cli;
using FieldForge.Gpu;

// Every verb of ./ff that is not test/demo/bench lands here. A command is any ICommand class in this assembly
// (found by reflection, so features add verbs without touching this file).
var commands = typeof(ICommand).Assembly.GetTypes()
    .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(ICommand).IsAssignableFrom(t))
    .Select(t => (ICommand)Activator.CreateInstance(t)!).OrderBy(c => c.Verb, StringComparer.Ordinal).ToArray();

if (args.Length == 0 || args[0] is "help" or "--help" or "-h")
{
    foreach (var c in commands) Console.WriteLine($"  {c.Verb,-12} {c.Summary}");
    return 0;
}
var command = commands.FirstOrDefault(c => c.Verb == args[0]);
if (command is null)
{
    Console.Error.WriteLine($"error: unknown verb '{args[0]}' (try ./ff help)");
    return 2;
}
try
{
    return command.Run(new CliArgs(args.Skip(1)));
}
catch (CliError e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 2;
}
catch (GpuUnavailableException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 3;
}
catch (Exception e) when (e is InvalidDataException or FileNotFoundException or DirectoryNotFoundException or ArgumentException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 2;
}
