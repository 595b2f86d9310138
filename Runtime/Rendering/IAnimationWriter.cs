using FieldForge.Core;
namespace FieldForge.Rendering;

/// <summary>Receives the frames of an animation one at a time (<see cref="GifWriter"/>, <see cref="PngSequenceWriter"/>);
/// disposing finishes the file(s).</summary>
public interface IAnimationWriter : IDisposable
{
    /// <summary>Appends a frame; every frame must have the size the writer was created with.</summary>
    void AddFrame(RgbaImage frame);

    /// <summary>Frames written so far.</summary>
    int FrameCount { get; }
}
