using System.Numerics;
using System.Runtime.InteropServices;

namespace FieldForge.Noise;

/// <summary>Push constants of every noise kernel; mirrors Shaders/include/noise_push.glsl (112 bytes, std430).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct NoisePush
{
    public Vector4 Origin;
    public Vector4 Spacing;
    public uint Width, Height, Depth, Count;
    public int PeriodX, PeriodY, PeriodZ, LacunarityInt;
    public uint Seed, Octaves, Mode, WarpStages;
    public float Frequency, Lacunarity, Gain, Scale;
    public float Offset, WarpScale;
    public uint Reserved0, Reserved1;

    public const int Size = 112;

    public static NoisePush From(NoiseSettings s, NoiseGrid? grid, long count) => new()
    {
        Origin = grid?.Origin ?? Vector4.Zero,
        Spacing = grid is { } g ? new Vector4(g.Spacing, 0f) : Vector4.Zero,
        Width = (uint)(grid?.Width ?? 1), Height = (uint)(grid?.Height ?? 1), Depth = (uint)(grid?.Depth ?? 1), Count = checked((uint)count),
        PeriodX = s.PeriodX, PeriodY = s.PeriodY, PeriodZ = s.PeriodZ, LacunarityInt = (int)s.Lacunarity,
        Seed = unchecked((uint)s.Seed), Octaves = (uint)s.Octaves, Mode = (uint)s.Mode, WarpStages = (uint)s.WarpStages,
        Frequency = s.Frequency, Lacunarity = s.Lacunarity, Gain = s.Gain, Scale = s.OutputScale,
        Offset = s.Offset, WarpScale = s.WarpScale,
    };
}
