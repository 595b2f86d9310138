using FieldForge.Gpu;

namespace FieldForge.Showcase;

/// <summary>Proves the compute core runs on this machine before the features do.</summary>
public sealed class GpuCoreStep : IShowcaseStep
{
    public int Order => 0;
    public string Title => "Vulkan compute core";

    public ShowcaseResult Run(GpuContext gpu, ShowcaseOptions options)
    {
        int n = options.Quick ? 1 << 16 : 1 << 22;
        var ones = new uint[n];
        Array.Fill(ones, 1u);
        using var input = gpu.CreateBuffer<uint>(ones);
        using var scanned = gpu.CreateBuffer<uint>(n);
        gpu.Primitives.ExclusiveScan(input, scanned);
        var last = new uint[1];
        scanned.Download(last, n - 1);
        if (last[0] != n - 1) throw new InvalidOperationException($"scan of {n} ones ended at {last[0]}, expected {n - 1}");
        return new ShowcaseResult(Array.Empty<string>(), new[] { $"exclusive scan of {n:N0} elements verified on {gpu.DeviceInfo.Name}" });
    }
}
