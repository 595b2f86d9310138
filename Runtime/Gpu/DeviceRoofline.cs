using System.Diagnostics;
using System.Runtime.InteropServices;

namespace FieldForge.Gpu;

/// <summary>
/// The device's measured limits: streaming-copy bandwidth (bytes read + written per second) and FMA throughput (2 FLOP
/// per fused multiply-add). Kernels report their achieved rate as a fraction of these, so "near the limit" is a number
/// on any device, a CPU driver included.
/// </summary>
/// <param name="BandwidthBytesPerSecond">Best streaming copy rate, bytes read + written per second: the better of a
/// copy reading through storage-buffer loads and one reading through a texel view (on a GPU they match; on a CPU driver
/// storage loads are per-lane loops and the texel copy shows the memory's rate).</param>
/// <param name="FlopsPerSecond">Best FMA-loop rate, floating-point operations per second.</param>
/// <param name="CopyBytes">Size of the copied buffer, bytes.</param>
/// <param name="StorageCopyBytesPerSecond">The copy that reads through storage-buffer loads alone.</param>
/// <param name="TexelCopyBytesPerSecond">The copy that reads through a texel view (0 when the buffer exceeds the device's
/// texel-buffer limit).</param>
public sealed record DeviceRoofline(double BandwidthBytesPerSecond, double FlopsPerSecond, long CopyBytes,
    double StorageCopyBytesPerSecond = 0, double TexelCopyBytesPerSecond = 0)
{
    /// <summary>The streaming-copy kernel (one vec4 per invocation).</summary>
    internal static readonly KernelSpec CopySpec = new("roofline_copy", Buffers: 2, PushConstantBytes: 8);
    /// <summary>The streaming copy reading its source through a texel view.</summary>
    internal static readonly KernelSpec TexelCopySpec = new("roofline_copy_texel", Buffers: 2, PushConstantBytes: 8, TexelBuffers: 1);
    /// <summary>The FMA-loop kernel (8 independent vec4 chains per invocation).</summary>
    internal static readonly KernelSpec FmaSpec = new("roofline_fma", Buffers: 2, PushConstantBytes: 8);

    /// <summary>FMA iterations per invocation of the throughput kernel (8 vec4 chains each).</summary>
    public const int FmaIterations = 512;

    [StructLayout(LayoutKind.Sequential)] private record struct Push(uint Count, uint Iterations);

    /// <summary>Bandwidth in GB/s (10⁹ bytes).</summary>
    public double BandwidthGBs => BandwidthBytesPerSecond / 1e9;
    /// <summary>Arithmetic throughput in GFLOP/s.</summary>
    public double Gflops => FlopsPerSecond / 1e9;

    /// <summary>Fraction of the measured bandwidth that moving <paramref name="bytesPerSecond"/> reaches.</summary>
    public double BandwidthFraction(double bytesPerSecond) => bytesPerSecond / BandwidthBytesPerSecond;
    /// <summary>Fraction of the measured FMA throughput that <paramref name="flopsPerSecond"/> reaches.</summary>
    public double ComputeFraction(double flopsPerSecond) => flopsPerSecond / FlopsPerSecond;

    /// <summary>Runs the kernels <paramref name="runs"/> times (after a warm-up) and keeps the best of each; GPU
    /// timestamps when the device has them, otherwise wall time around the submission.</summary>
    /// <param name="gpu">The device to measure.</param>
    /// <param name="copyBytes">Size of each copy buffer (64 MiB: larger than any CPU's last-level cache).</param>
    /// <param name="runs">Timed runs of each kernel after the warm-up.</param>
    public static DeviceRoofline Measure(GpuContext gpu, long copyBytes = 64L << 20, int runs = 5)
    {
        ArgumentNullException.ThrowIfNull(gpu);
        ArgumentOutOfRangeException.ThrowIfLessThan(copyBytes, 16L);
        ArgumentOutOfRangeException.ThrowIfLessThan(runs, 1);
        long vec4s = copyBytes / 16;
        bool texel = vec4s <= gpu.DeviceInfo.MaxTexelBufferElements;
        using var src = gpu.CreateBuffer<float>(vec4s * 4, BufferLocation.DeviceLocal, "roofline source",
            texel ? GpuBufferUsage.TexelBuffer : GpuBufferUsage.Storage);
        using var dst = gpu.CreateBuffer<float>(vec4s * 4, BufferLocation.DeviceLocal, "roofline destination");
        gpu.Primitives.Fill(src, 0.5f);
        var copy = gpu.GetKernel(CopySpec);
        var fma = gpu.GetKernel(FmaSpec);

        double copySeconds = Best(gpu, runs, b => b.DispatchThreads(copy, new Push((uint)vec4s, 0), vec4s, src, dst));
        double texelSeconds = double.PositiveInfinity;
        if (texel)
        {
            var texelCopy = gpu.GetKernel(TexelCopySpec);
            texelSeconds = Best(gpu, runs, b => b.DispatchThreads(texelCopy, new Push((uint)vec4s, 0), vec4s, src, dst));
        }
        // Enough invocations to fill any device (2^18), few enough that the loop dominates the memory traffic.
        long lanes = Math.Min(vec4s, 1L << 18);
        double fmaSeconds = Best(gpu, runs, b => b.DispatchThreads(fma, new Push((uint)lanes, FmaIterations), lanes, src, dst));
        double flops = (double)lanes * FmaIterations * 8 * 4 * 2;
        double bytes = 2.0 * vec4s * 16;
        return new DeviceRoofline(bytes / Math.Min(copySeconds, texelSeconds), flops / fmaSeconds, vec4s * 16,
            bytes / copySeconds, bytes / texelSeconds);
    }

    private static double Best(GpuContext gpu, int runs, Action<CommandBatch> record)
    {
        double best = double.MaxValue;
        for (int r = 0; r <= runs; r++)
        {
            using var batch = gpu.BeginBatch();
            var sw = Stopwatch.StartNew();
            using (batch.Time("roofline")) record(batch);
            batch.Submit();
            double wall = sw.Elapsed.TotalSeconds;
            var timing = batch.Timings.FirstOrDefault();
            double seconds = timing is null ? wall : timing.Milliseconds / 1e3;
            if (r > 0) best = Math.Min(best, seconds); // the first run warms caches and the pipeline
        }
        return best;
    }

    /// <summary>Both peaks in one line, e.g. for a benchmark header.</summary>
    public override string ToString() =>
        FormattableString.Invariant($"{BandwidthGBs:F1} GB/s streaming copy, {Gflops:F1} GFLOP/s FMA");
}
