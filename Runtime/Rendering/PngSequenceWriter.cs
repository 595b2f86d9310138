using System.Globalization;
using FieldForge.Core;

namespace FieldForge.Rendering;

/// <summary>
/// Writes an animation as numbered PNG files <c>{prefix}_0000.png</c>, <c>{prefix}_0001.png</c>, ... in a folder
/// (lossless, for video tools or further processing).
/// </summary>
public sealed class PngSequenceWriter : IAnimationWriter
{
    private readonly List<string> _paths = new();
    private bool _disposed;

    /// <summary>Creates the folder if needed; frames must all be <paramref name="width"/> x <paramref name="height"/>.</summary>
    public PngSequenceWriter(string directory, string prefix, int width, int height)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        if (prefix.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || prefix.Contains('/'))
            throw new ArgumentException($"prefix must be a plain file name part, got '{prefix}'", nameof(prefix));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        System.IO.Directory.CreateDirectory(directory);
        Directory = directory; Prefix = prefix; Width = width; Height = height;
    }

    /// <summary>The folder the frames are written to.</summary>
    public string Directory { get; }
    /// <summary>File name prefix; frame i is written as prefix_NNNN.png.</summary>
    public string Prefix { get; }
    /// <summary>Frame width in pixels.</summary>
    public int Width { get; }
    /// <summary>Frame height in pixels.</summary>
    public int Height { get; }

    /// <summary>The files written so far, in frame order.</summary>
    public IReadOnlyList<string> Paths => _paths;

    /// <summary>Frames written so far.</summary>
    public int FrameCount => _paths.Count;

    /// <summary>Writes <paramref name="frame"/> as the next numbered PNG file.</summary>
    public void AddFrame(RgbaImage frame)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(frame);
        if (frame.Width != Width || frame.Height != Height)
            throw new ArgumentException($"frame {_paths.Count} is {frame.Width}x{frame.Height} but the sequence is {Width}x{Height}", nameof(frame));
        var path = System.IO.Path.Combine(Directory, $"{Prefix}_{_paths.Count.ToString("D4", CultureInfo.InvariantCulture)}.png");
        frame.SavePng(path);
        _paths.Add(path);
    }

    /// <summary>Nothing to flush (each frame is its own file); further frames are refused.</summary>
    public void Dispose() => _disposed = true;
}
