namespace FieldForge.Acoustics;

/// <summary>Sample encodings <see cref="WavFile"/> reads and writes.</summary>
public enum WavSampleFormat
{
    /// <summary>16-bit signed integer PCM (format tag 1).</summary>
    Pcm16,
    /// <summary>32-bit IEEE float (format tag 3).</summary>
    Float32,
}
