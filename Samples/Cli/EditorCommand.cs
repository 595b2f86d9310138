using System.Runtime.InteropServices;
using FieldForge.Editor;

namespace FieldForge.Cli;

/// <summary>`./ff editor [--port N] [--presets DIR]`: the local web editor with live inspectors and previews of every
/// Runtime component. Serves 127.0.0.1 only; Ctrl-C or SIGTERM stops it within a bounded time (a second Ctrl-C exits
/// at once), and "editor stopped" is printed only once it has.</summary>
public sealed class EditorCommand : ICommand
{
    public string Verb => "editor";
    public string Summary => "local web editor: live inspectors, presets, undo, previews (--port N, 0 = any free)";

    public int Run(CliArgs args)
    {
        int port = args.Int("port", EditorServerOptions.DefaultPort, 0, 65535);
        string presets = args.String("presets", new EditorServerOptions().PresetDirectory);
        double tickMs = args.Double("tick-ms", 50, 1, 10_000);
        args.RejectUnknown();
        return RunAsync(port, presets, tickMs).GetAwaiter().GetResult();
    }

    private static async Task<int> RunAsync(int port, string presetDirectory, double tickMs)
    {
        using var stop = new CancellationTokenSource();
        int requests = 0;
        ConsoleCancelEventHandler onCtrlC = (_, e) =>
        {
            if (Interlocked.Increment(ref requests) > 1)
            {
                Console.Error.WriteLine("second Ctrl-C: exiting without waiting for the session");
                e.Cancel = false; // the runtime terminates the process
                Environment.Exit(130);
            }
            e.Cancel = true;
            stop.Cancel();
        };
        Console.CancelKeyPress += onCtrlC;
        using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx => { ctx.Cancel = true; stop.Cancel(); });
        try
        {
            var types = ComponentCatalog.Discover();
            Console.WriteLine($"components: {(types.Count == 0 ? "(none found)" : string.Join(", ", types.Select(t => t.Name)))}");
            const double shutdownSeconds = 10;
            var session = new EditorSession(types, new EditorSessionOptions(tickMs, ShutdownTimeoutSeconds: shutdownSeconds));
            await session.WaitUntilReadyAsync();
            var snap = session.Snapshot;
            Console.WriteLine($"device: {snap.Device}; first frame {snap.FrameMilliseconds:F1} ms, {snap.Dispatches} dispatches");
            foreach (var p in snap.Problems) Console.WriteLine($"problem: {p}");
            EditorServer server;
            try { server = await EditorServer.StartAsync(session, new EditorServerOptions(port, presetDirectory)); }
            catch (IOException e) when (e.InnerException is System.Net.Sockets.SocketException || e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                throw new CliError($"--port {port}: {e.Message} (try --port 0 for any free port)");
            }
            await using (server)
            {
                Console.WriteLine($"presets: {server.Presets.Directory}");
                Console.WriteLine($"FieldForge editor running at {server.Url}  (Ctrl-C to stop)");
                try { await Task.Delay(Timeout.Infinite, stop.Token); }
                catch (OperationCanceledException) { }
                Console.WriteLine("stopping editor... (Ctrl-C again to exit at once)");
                var serverStop = server.StopAsync();
                if (await Task.WhenAny(serverStop, Task.Delay(TimeSpan.FromSeconds(shutdownSeconds))) != serverStop)
                    Console.WriteLine($"the web server did not stop within {shutdownSeconds} s");
            }
            if (!session.Stop(TimeSpan.FromSeconds(shutdownSeconds)))
            {
                Console.WriteLine($"the editor session is still busy after {shutdownSeconds} s (a frame or file read that does not end); exiting anyway");
                return 1;
            }
            session.Dispose();
            Console.WriteLine("editor stopped");
            return 0;
        }
        finally { Console.CancelKeyPress -= onCtrlC; }
    }
}
