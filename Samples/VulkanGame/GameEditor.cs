using System.Runtime.InteropServices;
using FieldForge.Components;
using FieldForge.Editor;

namespace FieldForge.Samples.VulkanGame;

/// <summary>
/// `--editor`: the web editor attached to the game's own <see cref="ComponentHost"/>. The game keeps ticking its host;
/// the editor applies edits at the start of the game's frames and shows each rendered frame as its game view. Ctrl-C
/// or SIGTERM asks the game to stop (<see cref="StopRequested"/>); disposing detaches the editor and stops its server.
/// </summary>
internal sealed class GameEditor : IDisposable
{
    private readonly EditorSession _session;
    private readonly EditorServer _server;
    private readonly PosixSignalRegistration _onTerm;
    private volatile bool _stop;

    private GameEditor(EditorSession session, EditorServer server)
    {
        _session = session;
        _server = server;
        Console.CancelKeyPress += OnCtrlC;
        _onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx => { ctx.Cancel = true; _stop = true; });
    }

    /// <summary>Attaches to <paramref name="host"/> (call before the game's first Tick, on its thread) and serves the
    /// editor on 127.0.0.1:<paramref name="port"/> (0 picks a free port).</summary>
    public static GameEditor Start(ComponentHost host, int port, TextWriter log)
    {
        var session = EditorSession.Attach(host);
        try
        {
            var server = EditorServer.StartAsync(session, new EditorServerOptions(port)).GetAwaiter().GetResult();
            log.WriteLine($"FieldForge editor attached to the game at {server.Url}  (Ctrl-C to stop)");
            return new GameEditor(session, server);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>True once Ctrl-C or SIGTERM asked the game to stop.</summary>
    public bool StopRequested => _stop;

    /// <summary>Hands the editor the game's rendered frame (copied into a reused buffer; encoded later, off this thread).</summary>
    public void Publish(int width, int height, ReadOnlySpan<byte> rgba) => _session.PublishGameView(width, height, rgba);

    private void OnCtrlC(object? sender, ConsoleCancelEventArgs e)
    {
        if (_stop) return; // a second Ctrl-C ends the process at once
        e.Cancel = true;
        _stop = true;
    }

    /// <summary>Stops the web server and detaches the editor from the game's host.</summary>
    public void Dispose()
    {
        Console.CancelKeyPress -= OnCtrlC;
        _onTerm.Dispose();
        _server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _session.Dispose();
    }
}
