using System.Runtime.InteropServices;

namespace FieldForge.Acoustics;

/// <summary>Push constants of deeponet_combine; mirrors Shaders/include/deeponet_push.glsl (16 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
internal record struct DeepOnetPush(uint Modes, uint FieldLength, uint Queries, float Scale);
