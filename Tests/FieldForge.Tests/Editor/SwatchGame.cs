using FieldForge.Components;
using FieldForge.Editor;
using FieldForge.Gpu;

namespace FieldForge.Tests.Editor;

/// <summary>
/// A stand-in for a game with an editor attached: its own host with a <see cref="SwatchComponent"/>, ticked on its own
/// thread (~30 frames/s), each frame "rendered" from the swatch's GPU buffer (the swatch drawn 1:1 in a dark frame)
/// and handed to the editor with <see cref="EditorSession.PublishGameView"/>. The game catches nothing: a failed
/// frame ends the loop and is kept in <see cref="Failure"/>.
/// </summary>
internal sealed class SwatchGame : IDisposable
{
    public const int Width = 96, Height = 64;
    private const int Left = 24, Top = 8;
    private readonly Thread _thread;
    private readonly uint[] _pixels = new uint[SwatchComponent.Size * SwatchComponent.Size];
    private readonly byte[] _frame = new byte[Width * Height * 4];
    private EditorSession? _editor;
    private volatile bool _stop;
    private long _frames;
    private readonly System.Collections.Concurrent.ConcurrentQueue<Action> _between = new();

    public SwatchGame(GpuContext gpu)
    {
        Host = new ComponentHost(gpu);
        Swatch = Host.Add(new SwatchComponent());
        _thread = new Thread(Loop) { IsBackground = true, Name = "test game" };
    }

    public ComponentHost Host { get; }
    public SwatchComponent Swatch { get; }
    public int ThreadId => _thread.ManagedThreadId;
    public long Frames => Interlocked.Read(ref _frames);
    public Exception? Failure { get; private set; }

    /// <summary>Runs <paramref name="action"/> on the game's thread before its next frame (adding or removing components).</summary>
    public void BetweenFrames(Action action) => _between.Enqueue(action);

    /// <summary>Attaches <paramref name="editor"/>'s game view and starts ticking (attach the editor before this).</summary>
    public void Start(EditorSession editor)
    {
        _editor = editor;
        _thread.Start();
    }

    private void Loop()
    {
        try
        {
            while (!_stop)
            {
                while (_between.TryDequeue(out var action)) action(); // as a game changes its scene: between frames
                Host.Tick(1 / 30.0);
                Render();
                _editor!.PublishGameView(Width, Height, _frame);
                Interlocked.Increment(ref _frames);
                Thread.Sleep(30);
            }
        }
        catch (Exception e) { Failure = e; }
    }

    private void Render()
    {
        Array.Fill(_frame, (byte)24);
        if (Swatch.Pixels is not { } gpu) return;
        gpu.Download(_pixels);
        for (int y = 0; y < SwatchComponent.Size; y++)
        for (int x = 0; x < SwatchComponent.Size; x++)
        {
            uint p = _pixels[y * SwatchComponent.Size + x];
            int o = ((Top + y) * Width + Left + x) * 4;
            _frame[o] = (byte)p; _frame[o + 1] = (byte)(p >> 8); _frame[o + 2] = (byte)(p >> 16); _frame[o + 3] = 255;
        }
    }

    /// <summary>Stops the loop (the frame in progress finishes) and disposes the host.</summary>
    public void Dispose()
    {
        _stop = true;
        if (_thread.IsAlive && !_thread.Join(TimeSpan.FromSeconds(30))) throw new TimeoutException("the test game did not stop");
        Host.Dispose();
    }
}
