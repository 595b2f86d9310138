using System.Runtime.InteropServices;
using FieldForge.Gpu;
using FieldForge.Rendering;

namespace FieldForge.Cli;

/// <summary>
/// The CLI's entry point. Every failure leaves here as exactly one line on stderr and an exit code: 2 for bad input
/// (arguments, files, specs), 3 for the environment (no Vulkan or OpenGL, disk full, unwritable paths, out of memory).
/// An exception nobody anticipated is still one line, tagged "internal error" so tests can tell it from a planned refusal.
/// </summary>
public static class CliProgram
{
    /// <summary>Exit code for bad input.</summary>
    public const int BadInput = 2;
    /// <summary>Exit code for a failing environment.</summary>
    public const int Environment = 3;

    /// <summary>Runs one `./ff VERB ...` command line and returns its exit code; <paramref name="gpu"/> is a context the
    /// caller owns for the verb to use instead of opening its own.</summary>
    public static int Run(string[] args, GpuContext? gpu = null)
    {
        // A command is any ICommand class in this assembly (found by reflection, so features add verbs without touching this file).
        var commands = typeof(ICommand).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(ICommand).IsAssignableFrom(t))
            .Select(t => (ICommand)Activator.CreateInstance(t)!).OrderBy(c => c.Verb, StringComparer.Ordinal).ToArray();

        if (args.Length == 0 || args[0] is "help" or "--help" or "-h")
        {
            foreach (var c in commands) Console.WriteLine($"  {c.Verb,-12} {c.Summary}");
            return 0;
        }
        var command = commands.FirstOrDefault(c => c.Verb == args[0]);
        if (command is null) return Fail($"unknown verb '{args[0]}' (try ./ff help)", BadInput);
        try
        {
            return command.Run(new CliArgs(args.Skip(1), gpu));
        }
        catch (Exception e)
        {
            Console.Out.Flush();
            var (message, code) = Classify(e);
            return Fail(message, code);
        }
    }

    /// <summary>The one-line message and exit code for an exception that reached the top.</summary>
    internal static (string Message, int Code) Classify(Exception e) => e switch
    {
        CliError => (OneLine(e), BadInput),
        GpuUnavailableException or GlUnavailableException => (OneLine(e), Environment),
        GpuException g => ($"the Vulkan device failed ({OneLine(g)}); check the driver (VK_ICD_FILENAMES / VK_DRIVER_FILES)", Environment),
        FileNotFoundException or DirectoryNotFoundException => (OneLine(e), BadInput),
        InvalidDataException or FormatException or ArgumentException or OverflowException => (OneLine(e), BadInput),
        UnauthorizedAccessException => ($"permission denied: {OneLine(e)}", Environment),
        IOException io when IsDiskFull(io) => ($"disk full: {OneLine(e)} (no existing output was replaced)", Environment),
        IOException => ($"I/O failure: {OneLine(e)}", Environment),
        OutOfMemoryException or InsufficientExecutionStackException => ($"out of memory: {OneLine(e)}", Environment),
        _ => ($"internal error ({e.GetType().Name}): {OneLine(e)}", Environment),
    };

    private static bool IsDiskFull(IOException e)
    {
        const int enospc = 28, windowsDiskFull = 0x70, windowsHandleDiskFull = 0x27;
        int code = e.HResult & 0xFFFF;
        return (RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? code is windowsDiskFull or windowsHandleDiskFull : code == enospc)
               || e.Message.Contains("No space left", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The exception's message without the "(Parameter 'x')" / "Actual value was" decorations, on one line.</summary>
    internal static string OneLine(Exception e)
    {
        var m = e.Message.Replace('\r', '\n').Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()?.Trim() ?? e.GetType().Name;
        int p = m.LastIndexOf(" (Parameter '", StringComparison.Ordinal);
        return p > 0 ? m[..p] : m;
    }

    private static int Fail(string message, int code)
    {
        Console.Error.WriteLine($"error: {message}");
        return code;
    }
}
