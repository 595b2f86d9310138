namespace FieldForge.Gpu;

/// <summary>
/// The block-sum buffers an exclusive scan of up to <see cref="Capacity"/> elements needs at each level of its
/// recursion, allocated once (<see cref="GpuPrimitives.CreateScanWorkspace"/>) so a per-frame scan allocates nothing.
/// One workspace serves one scan at a time within a batch's ordering (the batch's hazard tracking orders reuse).
/// </summary>
public sealed class ScanWorkspace : IDisposable
{
    internal ScanWorkspace(GpuContext gpu, long capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
        var sums = new List<GpuBuffer<uint>>();
        var scanned = new List<GpuBuffer<uint>>();
        for (long n = capacity; n > GpuPrimitives.BlockSize;)
        {
            long blocks = (n + GpuPrimitives.BlockSize - 1) / GpuPrimitives.BlockSize;
            sums.Add(gpu.CreateBuffer<uint>(blocks, label: $"scan block sums L{sums.Count}"));
            scanned.Add(gpu.CreateBuffer<uint>(blocks, label: $"scan scanned sums L{scanned.Count}"));
            n = blocks;
        }
        // The last level (a single block) writes its sum into the caller's total or, without one, into this buffer.
        sums.Add(gpu.CreateBuffer<uint>(1, label: $"scan block sums L{sums.Count}"));
        Sums = sums;
        Scanned = scanned;
    }

    /// <summary>Most elements one scan with this workspace may cover.</summary>
    public long Capacity { get; }

    internal IReadOnlyList<GpuBuffer<uint>> Sums { get; }
    internal IReadOnlyList<GpuBuffer<uint>> Scanned { get; }

    /// <summary>Frees the block-sum buffers.</summary>
    public void Dispose()
    {
        foreach (var b in Sums) b.Dispose();
        foreach (var b in Scanned) b.Dispose();
    }
}
