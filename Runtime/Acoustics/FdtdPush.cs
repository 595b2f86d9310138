using System.Runtime.InteropServices;

namespace FieldForge.Acoustics;

/// <summary>Push constants of the fdtd_* kernels; mirrors <c>FdtdPush</c> in Shaders/include/fdtd_push.glsl (56 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
internal record struct FdtdPush(
    uint InteriorCount, uint BoundaryCount, uint ReceiverCount, uint OutputRow,
    uint RowStride, uint PlaneStride, uint Pad0, uint Pad1,
    float InteriorSelf, float Lap, float Self, float SelfLoss, float Previous, float Loss)
{
    /// <summary>The coefficients of one step: the regular leapfrog step, or the first step from p⁰ with zero velocity
    /// (p¹ = p⁰ + λ²/2 ∇²p⁰, with the wall loss folded in the same semi-implicit way).</summary>
    public static FdtdPush Coefficients(float lambda, float loss, bool firstStep)
    {
        float lap = firstStep ? lambda * lambda / 2 : lambda * lambda;
        float self = firstStep ? 1 : 2;
        return new FdtdPush(0, 0, 0, 0, 0, 0, 0, 0, self - 6 * lap, lap, self, firstStep ? 1 : 0, firstStep ? 0 : 1, loss);
    }
}
