using FieldForge.Core;

namespace FieldForge.Editor;

/// <summary>
/// The game's latest rendered frame, handed over by the game and read by the web server. Three buffers: the game
/// copies into one it alone writes and swaps it with the shared "latest" under a lock held only for the swap; a
/// request swaps "latest" with one it alone reads, then encodes PNG on its own thread. So the game never waits for
/// an encode or a request, and steady-state publishing allocates nothing (buffers are reused while the size stays).
/// </summary>
internal sealed class GameView
{
    private sealed class Frame
    {
        public byte[] Rgba = Array.Empty<byte>();
        public int Width, Height;
    }

    private readonly object _publish = new(); // one publisher at a time (the game's render thread)
    private readonly object _swap = new();    // held only to swap references
    private readonly object _encode = new();  // request threads: one encode at a time, shared by all clients
    private Frame _write = new(), _latest = new(), _read = new();
    private long _version, _readVersion;
    private int _latestWidth, _latestHeight;
    private (long Version, byte[] Png) _png = (0, Array.Empty<byte>());

    /// <summary>Copies one frame (RGBA8, row-major, top row first) in; called by the game after it rendered a frame.</summary>
    public void Publish(int width, int height, ReadOnlySpan<byte> rgba)
    {
        if (width is < 1 or > 8192 || height is < 1 or > 8192)
            throw new ArgumentOutOfRangeException(nameof(width), $"a game view frame must be 1..8192 pixels per side, got {width}x{height}");
        long bytes = (long)width * height * 4;
        if (rgba.Length != bytes)
            throw new ArgumentException($"a {width}x{height} RGBA8 frame is {bytes} bytes, got {rgba.Length}", nameof(rgba));
        lock (_publish)
        {
            var frame = _write;
            if (frame.Rgba.Length != bytes) frame.Rgba = new byte[bytes];
            rgba.CopyTo(frame.Rgba);
            (frame.Width, frame.Height) = (width, height);
            lock (_swap)
            {
                (_write, _latest) = (_latest, frame);
                (_latestWidth, _latestHeight) = (width, height);
                _version++;
            }
        }
    }

    /// <summary>Size and version of the latest frame; version 0 until the game published one.</summary>
    public (int Width, int Height, long Version) Latest
    {
        get { lock (_swap) return (_latestWidth, _latestHeight, _version); }
    }

    /// <summary>The latest frame as PNG (encoded on the calling thread when it changed since the last call, else the
    /// cached bytes), or null before the first frame.</summary>
    public (long Version, byte[] Png)? Png()
    {
        lock (_encode)
        {
            Frame? fresh = null;
            long version;
            lock (_swap)
            {
                version = _version;
                if (version == 0) return null;
                if (version != _readVersion)
                {
                    (_read, _latest) = (_latest, _read);
                    _readVersion = version;
                    fresh = _read;
                }
            }
            if (fresh is not null) _png = (version, new RgbaImage(fresh.Width, fresh.Height, fresh.Rgba).EncodePng());
            return _png;
        }
    }
}
