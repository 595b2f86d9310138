using FieldForge.Gpu;

namespace FieldForge.Bench;

/// <summary>The device's measured roofline, taken at the start of every `./ff bench` run: the peaks every kernel row's
/// "of peak" fraction refers to.</summary>
public static class RooflineBench
{
    public static DeviceRoofline Measure(GpuContext gpu, BenchReport report, bool quick)
    {
        report.Section("Device roofline (measured peaks that kernel rows refer to)");
        var roofline = DeviceRoofline.Measure(gpu, quick ? 16L << 20 : 64L << 20);
        double hostCopy = HostCopyBytesPerSecond(roofline.CopyBytes);
        var table = report.Table("Peaks (best of 5 runs)", "kernel", "achieved", "what it measures");
        string size = $"2 x {roofline.CopyBytes >> 20} MiB buffers";
        table.Add("streaming copy, storage-buffer loads", $"{roofline.StorageCopyBytesPerSecond / 1e9:F2} GB/s", $"bytes read + written per second, {size}");
        if (roofline.TexelCopyBytesPerSecond > 0)
            table.Add("streaming copy, texel-view loads", $"{roofline.TexelCopyBytesPerSecond / 1e9:F2} GB/s", $"the same copy reading through a samplerBuffer, {size}");
        table.Add("bandwidth peak (the better copy)", $"{roofline.BandwidthGBs:F2} GB/s", "what kernel rows' \"of peak\" bandwidth fractions refer to");
        table.Add("FMA loop (8 independent vec4 chains)", $"{roofline.Gflops:F2} GFLOP/s", "2 FLOP per fused multiply-add");
        table.Add("host memcpy, one thread (context)", $"{hostCopy / 1e9:F2} GB/s", "Span.CopyTo of the same size on the CPU, bytes read + written");
        if (gpu.DeviceInfo.Type == GpuDeviceType.Cpu)
            report.Note("CPU driver: its kernels run on the same cores as the host (so load from other processes lowers every peak), each storage-buffer access is a loop over the lanes, and a texel fetch is one SIMD gather, so the texel-view copy is usually the higher of the two copies here; on a GPU they match.");
        report.Summary("device_bandwidth_gbs", roofline.BandwidthGBs);
        return roofline;
    }

    private static double HostCopyBytesPerSecond(long bytes)
    {
        var src = new byte[bytes];
        var dst = new byte[bytes];
        src.AsSpan().Fill(1);
        double seconds = FieldForge.Bench.Measure.Seconds(() => src.AsSpan().CopyTo(dst), 5);
        return 2.0 * bytes / seconds;
    }
}
