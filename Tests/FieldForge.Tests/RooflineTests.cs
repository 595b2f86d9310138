using System.Runtime.InteropServices;
using FieldForge.Gpu;

namespace FieldForge.Tests;

/// <summary>The device roofline that `./ff bench` reports kernels against: its copy kernels really copy, and the peak is
/// the better of the two copies.</summary>
public class RooflineTests : GpuTest
{
    [StructLayout(LayoutKind.Sequential)] private record struct Push(uint Count, uint Iterations);

    [TestCase("roofline_copy", 0u)]
    [TestCase("roofline_copy_texel", 1u)]
    public void CopyKernels_CopyEveryVec4(string kernel, uint texelMask)
    {
        const int vec4s = 1000; // not a multiple of the workgroup: the tail is guarded
        var data = Enumerable.Range(0, vec4s * 4).Select(i => i * 0.25f - 7f).ToArray();
        using var src = Gpu.CreateBuffer<float>(vec4s * 4, BufferLocation.DeviceLocal, "roofline test source",
            texelMask != 0 ? GpuBufferUsage.TexelBuffer : GpuBufferUsage.Storage);
        src.Upload(data);
        using var dst = Gpu.CreateBuffer<float>(vec4s * 4 + 4, BufferLocation.DeviceLocal, "roofline test destination");
        Gpu.Primitives.Fill(dst, -1f);
        using (var batch = Gpu.BeginBatch())
        {
            batch.DispatchThreads(Gpu.GetKernel(new KernelSpec(kernel, Buffers: 2, PushConstantBytes: 8, TexelBuffers: texelMask)),
                new Push(vec4s, 0), vec4s, src, dst);
            batch.Submit();
        }
        var copied = dst.ToArray();
        Assert.That(copied.AsSpan(0, vec4s * 4).ToArray(), Is.EqualTo(data));
        Assert.That(copied.AsSpan(vec4s * 4).ToArray(), Is.All.EqualTo(-1f), "nothing written past the count");
    }

    [Test]
    public void Measure_PeakIsTheBetterCopy_AndEveryRateIsPositive()
    {
        var r = DeviceRoofline.Measure(Gpu, copyBytes: 1L << 20, runs: 1);
        Assert.That(new[] { r.StorageCopyBytesPerSecond, r.TexelCopyBytesPerSecond, r.FlopsPerSecond }, Has.All.GreaterThan(0).And.All.Not.EqualTo(double.PositiveInfinity));
        Assert.That(r.BandwidthBytesPerSecond, Is.EqualTo(Math.Max(r.StorageCopyBytesPerSecond, r.TexelCopyBytesPerSecond)));
        Assert.That(r.CopyBytes, Is.EqualTo(1L << 20));
    }
}
