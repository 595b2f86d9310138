using System.Diagnostics;
using FieldForge.Gpu;

namespace FieldForge.Bench;

/// <summary>`./ff bench gpu`: the compute core's primitives against their CPU references, and transfer bandwidth.</summary>
public sealed class GpuBench : IBenchmark
{
    public string Name => "gpu";

    public void Run(GpuContext gpu, BenchReport report, bool quick)
    {
        report.Section("GPU core (scan, reductions, transfers)");
        int n = quick ? 1 << 20 : 10_000_000;
        var rng = new Random(1);
        var keys = new uint[n];
        var values = new float[n];
        for (int i = 0; i < n; i++) { keys[i] = (uint)rng.Next(0, 16); values[i] = (float)rng.NextDouble(); }
        using var gKeys = gpu.CreateBuffer<uint>(keys);
        using var gOut = gpu.CreateBuffer<uint>(n);
        using var gValues = gpu.CreateBuffer<float>(values);
        using var gResult = gpu.CreateBuffer<float>(1);
        var cpuOut = new uint[n];

        var table = report.Table($"Throughput on {n:N0} elements (GPU time from timestamps; CPU = one-thread reference)",
            "operation", "GPU kernel", "GPU incl. submit", "CPU reference", "GPU/CPU speed-up", "kernel bandwidth (minimum traffic)");
        void Row(string name, int bytesPerElement, Action<CommandBatch> record, Action cpu)
        {
            double gpuMs = Measure.Median(() =>
            {
                using var batch = gpu.BeginBatch();
                using (batch.Time(name)) record(batch);
                batch.Submit();
                return batch.Timings.FirstOrDefault()?.Milliseconds ?? double.NaN;
            });
            double wall = Measure.Seconds(() => { using var b = gpu.BeginBatch(); record(b); b.Submit(); });
            double cpuS = Measure.Seconds(cpu, 3);
            double kernelS = double.IsNaN(gpuMs) ? wall : gpuMs / 1e3;
            table.Add(name, Measure.Rate(n / kernelS, "elem"), Measure.Rate(n / wall, "elem"), Measure.Rate(n / cpuS, "elem"), Measure.Ratio(cpuS / wall), report.Bandwidth(n * (double)bytesPerElement / kernelS));
        }
        Row("exclusive scan (uint)", 8, b => gpu.Primitives.RecordExclusiveScan(b, gKeys, gOut, n), () => PrimitivesReference.ExclusiveScan(keys, cpuOut));
        Row("sum (float)", 4, b => gpu.Primitives.RecordReduce(b, gValues, ReduceOp.Sum, gResult), () => PrimitivesReference.Reduce(values, ReduceOp.Sum));
        Row("max (float)", 4, b => gpu.Primitives.RecordReduce(b, gValues, ReduceOp.Max, gResult), () => PrimitivesReference.Reduce(values, ReduceOp.Max));

        var bw = report.Table("Host <-> device copy bandwidth (64 MiB)", "direction", "bandwidth", "path");
        var bytes = new byte[64 << 20];
        using var gBytes = gpu.CreateBuffer<byte>(bytes.Length);
        string path = gpu.DeviceLocalIsHostMapped ? "mapped device-local memory (UMA)" : "staging buffer + vkCmdCopyBuffer";
        double up = Measure.Seconds(() => gBytes.Upload(bytes));
        double down = Measure.Seconds(() => gBytes.Download(bytes));
        bw.Add("host -> device", $"{bytes.Length / up / 1e9:F2} GB/s", path);
        bw.Add("device -> host", $"{bytes.Length / down / 1e9:F2} GB/s", path);
    }
}
