using System.Runtime.InteropServices;

namespace FieldForge.Acoustics;

/// <summary>Push constants of the fdtd_* kernels; mirrors <c>FdtdPush</c> in Shaders/include/fdtd_push.glsl (32 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
internal record struct FdtdPush(uint Nx, uint Ny, uint Nz, uint Count, float VelocityCoeff, float PressureCoeff, float LossCoeff, uint OutputIndex);
