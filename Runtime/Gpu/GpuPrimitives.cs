using System.Runtime.InteropServices;

namespace FieldForge.Gpu;

/// <summary>
/// The primitives every feature shares, written once as kernels: fill, copy, exclusive prefix scan and reductions.
/// Each has a recording form (into a caller's <see cref="CommandBatch"/>, so it joins a frame's single submission)
/// and a convenience form that submits and returns the result. <see cref="PrimitivesReference"/> holds the CPU
/// references the tests compare against.
/// </summary>
public sealed class GpuPrimitives : IDisposable
{
    internal static readonly KernelSpec FillSpec = new("fill_u32", Buffers: 1, PushConstantBytes: 16);
    internal static readonly KernelSpec CopySpec = new("copy_u32", Buffers: 2, PushConstantBytes: 16);
    internal static readonly KernelSpec ScanBlockSpec = new("scan_block", Buffers: 3, PushConstantBytes: 4);
    internal static readonly KernelSpec ScanAddSpec = new("scan_add", Buffers: 2, PushConstantBytes: 4);
    internal static readonly KernelSpec ReduceFloatSpec = new("reduce_f32", Buffers: 3, PushConstantBytes: 12);
    internal static readonly KernelSpec ReduceUIntSpec = new("reduce_u32", Buffers: 3, PushConstantBytes: 12);
    // Same contracts using subgroup arithmetic (far fewer workgroup barriers); picked when the device supports it.
    internal static readonly KernelSpec ScanBlockSubgroupSpec = ScanBlockSpec with { Name = "scan_block_sg" };
    internal static readonly KernelSpec ReduceFloatSubgroupSpec = ReduceFloatSpec with { Name = "reduce_f32_sg" };
    internal static readonly KernelSpec ReduceUIntSubgroupSpec = ReduceUIntSpec with { Name = "reduce_u32_sg" };

    /// <summary>Elements one scan or reduce workgroup handles (256 threads × 4).</summary>
    public const int BlockSize = 1024;

    [StructLayout(LayoutKind.Sequential)] private record struct MemoryPush(uint Count, uint Value, uint SrcOffset, uint DstOffset);
    [StructLayout(LayoutKind.Sequential)] private record struct ScanPush(uint Count);
    [StructLayout(LayoutKind.Sequential)] private record struct ReducePush(uint Count, uint Op, uint HasSecond);

    private readonly GpuContext _gpu;

    internal GpuPrimitives(GpuContext gpu)
    {
        _gpu = gpu;
        UseSubgroups = gpu.DeviceInfo.SubgroupArithmetic;
    }

    /// <summary>Whether scan and reductions use the subgroup-arithmetic kernels (tests switch it off to check the
    /// portable kernels too).</summary>
    public bool UseSubgroups { get; internal set; }

    // ---- fill / copy ---------------------------------------------------------------------------------------------

    /// <summary>Records: sets <paramref name="count"/> elements (default: all) from <paramref name="offset"/> to <paramref name="value"/>.</summary>
    public unsafe void RecordFill<T>(CommandBatch batch, GpuBuffer<T> buffer, T value, long offset = 0, long count = -1) where T : unmanaged
    {
        if (sizeof(T) != 4) throw new ArgumentException($"Fill works on 4-byte elements; {typeof(T).Name} is {sizeof(T)} bytes");
        if (count < 0) count = buffer.Length - offset;
        CheckRange(buffer, offset, count, "Fill");
        var push = new MemoryPush(checked((uint)count), *(uint*)&value, 0, checked((uint)offset));
        batch.DispatchThreads(_gpu.GetKernel(FillSpec), push, count, buffer);
    }

    /// <summary>Sets every element of <paramref name="buffer"/> to <paramref name="value"/> and waits.</summary>
    public void Fill<T>(GpuBuffer<T> buffer, T value) where T : unmanaged => Run(b => RecordFill(b, buffer, value));

    /// <summary>Records: copies <paramref name="count"/> elements (element size a multiple of 4 bytes).</summary>
    public unsafe void RecordCopy<T>(CommandBatch batch, GpuBuffer<T> source, GpuBuffer<T> destination, long count = -1,
        long sourceOffset = 0, long destinationOffset = 0) where T : unmanaged
    {
        if (sizeof(T) % 4 != 0) throw new ArgumentException($"Copy works on elements whose size is a multiple of 4 bytes; {typeof(T).Name} is {sizeof(T)}");
        if (count < 0) count = Math.Min(source.Length - sourceOffset, destination.Length - destinationOffset);
        CheckRange(source, sourceOffset, count, "Copy source");
        CheckRange(destination, destinationOffset, count, "Copy destination");
        if (ReferenceEquals(source, destination)) throw new ArgumentException("Copy needs distinct source and destination buffers");
        int words = sizeof(T) / 4;
        var push = new MemoryPush(checked((uint)(count * words)), 0, checked((uint)(sourceOffset * words)), checked((uint)(destinationOffset * words)));
        batch.DispatchThreads(_gpu.GetKernel(CopySpec), push, count * words, source, destination);
    }

    /// <summary>Copies all of <paramref name="source"/> into <paramref name="destination"/> and waits.</summary>
    public void Copy<T>(GpuBuffer<T> source, GpuBuffer<T> destination) where T : unmanaged => Run(b => RecordCopy(b, source, destination));

    // ---- scan ----------------------------------------------------------------------------------------------------

    /// <summary>
    /// Records an exclusive prefix sum of the first <paramref name="count"/> elements of <paramref name="input"/> into
    /// <paramref name="output"/> (a distinct buffer). When <paramref name="total"/> is given, its element 0 receives the
    /// sum of all elements (what stream compaction needs as the output size). Sums wrap modulo 2^32.
    /// </summary>
    public void RecordExclusiveScan(CommandBatch batch, GpuBuffer<uint> input, GpuBuffer<uint> output, long count = -1, GpuBuffer<uint>? total = null) =>
        RecordExclusiveScan(batch, input, output, count, total, workspace: null);

    /// <summary>
    /// <see cref="RecordExclusiveScan(CommandBatch, GpuBuffer{uint}, GpuBuffer{uint}, long, GpuBuffer{uint}?)"/> with the
    /// block sums kept in <paramref name="workspace"/> (from <see cref="CreateScanWorkspace"/>) instead of temporary
    /// buffers: a scan recorded every frame then creates and frees no GPU memory (freeing waits for the GPU, which
    /// would stall a pipelined frame). A null workspace uses temporaries.
    /// </summary>
    public void RecordExclusiveScan(CommandBatch batch, GpuBuffer<uint> input, GpuBuffer<uint> output, long count, GpuBuffer<uint>? total, ScanWorkspace? workspace)
    {
        if (count < 0) count = input.Length;
        if (workspace is not null && count > workspace.Capacity)
            throw new ArgumentOutOfRangeException(nameof(count), $"scan of {count} elements exceeds the workspace's capacity {workspace.Capacity}");
        RecordScanLevel(batch, input, output, count, total, workspace, 0);
    }

    private void RecordScanLevel(CommandBatch batch, GpuBuffer<uint> input, GpuBuffer<uint> output, long count, GpuBuffer<uint>? total, ScanWorkspace? workspace, int level)
    {
        CheckRange(input, 0, count, "ExclusiveScan input");
        CheckRange(output, 0, count, "ExclusiveScan output");
        if (ReferenceEquals(input, output)) throw new ArgumentException("ExclusiveScan needs distinct input and output buffers");
        if (total is { Length: < 1 }) throw new ArgumentException("ExclusiveScan total buffer must hold at least one element");
        if (count == 0)
        {
            if (total is not null) RecordFill(batch, total, 0u, 0, 1);
            return;
        }
        long blocks = (count + BlockSize - 1) / BlockSize;
        GpuBuffer<uint> sums = blocks == 1 && total is not null ? total : workspace?.Sums[level] ?? Temp<uint>(batch, blocks);
        var push = new ScanPush(checked((uint)count));
        var scanBlock = _gpu.GetKernel(UseSubgroups ? ScanBlockSubgroupSpec : ScanBlockSpec);
        batch.Dispatch(scanBlock, push, batch.GroupsFor(scanBlock, blocks * scanBlock.LocalSize.X), input, output, sums);
        if (blocks == 1) return;
        var scannedSums = workspace?.Scanned[level] ?? Temp<uint>(batch, blocks);
        RecordScanLevel(batch, sums, scannedSums, blocks, total, workspace, level + 1);
        var add = _gpu.GetKernel(ScanAddSpec);
        batch.Dispatch(add, push, batch.GroupsFor(add, blocks * add.LocalSize.X), output, scannedSums);
    }

    /// <summary>Block-sum buffers for scans of up to <paramref name="capacity"/> elements, reused frame after frame.</summary>
    public ScanWorkspace CreateScanWorkspace(long capacity) => new(_gpu, capacity);

    /// <summary>Exclusive prefix sum of all of <paramref name="input"/> into <paramref name="output"/>; waits.</summary>
    public void ExclusiveScan(GpuBuffer<uint> input, GpuBuffer<uint> output) => Run(b => RecordExclusiveScan(b, input, output));

    // ---- reductions ----------------------------------------------------------------------------------------------

    /// <summary>
    /// Records a reduction of the first <paramref name="count"/> elements (default: all) into <paramref name="result"/>[0].
    /// <see cref="ReduceOp.SumSquaredDifference"/> needs <paramref name="second"/>. An empty input yields the identity
    /// (0 for sums, +∞/−∞ for min/max).
    /// </summary>
    public void RecordReduce(CommandBatch batch, GpuBuffer<float> input, ReduceOp op, GpuBuffer<float> result, long count = -1, GpuBuffer<float>? second = null)
    {
        if (count < 0) count = input.Length;
        CheckRange(input, 0, count, "Reduce input");
        if (op == ReduceOp.SumSquaredDifference)
        {
            if (second is null) throw new ArgumentException("SumSquaredDifference needs a second buffer");
            CheckRange(second, 0, count, "Reduce second input");
        }
        else if (second is not null) throw new ArgumentException($"{op} takes one input buffer");
        ReduceCore(batch, _gpu.GetKernel(UseSubgroups ? ReduceFloatSubgroupSpec : ReduceFloatSpec), input, second, op, result, count);
    }

    /// <summary>Records a uint reduction (sum wraps modulo 2^32) into <paramref name="result"/>[0].</summary>
    public void RecordReduce(CommandBatch batch, GpuBuffer<uint> input, ReduceOp op, GpuBuffer<uint> result, long count = -1)
    {
        if (op == ReduceOp.SumSquaredDifference) throw new ArgumentException("SumSquaredDifference is defined for float buffers only");
        if (count < 0) count = input.Length;
        CheckRange(input, 0, count, "Reduce input");
        ReduceCore(batch, _gpu.GetKernel(UseSubgroups ? ReduceUIntSubgroupSpec : ReduceUIntSpec), input, null, op, result, count);
    }

    private void ReduceCore<T>(CommandBatch batch, Kernel kernel, GpuBuffer<T> input, GpuBuffer<T>? second, ReduceOp op, GpuBuffer<T> result, long count)
        where T : unmanaged
    {
        if (result.Length < 1) throw new ArgumentException("Reduce result buffer must hold at least one element");
        GpuBuffer<T> current = input;
        var currentOp = op;
        var other = second;
        do
        {
            long blocks = Math.Max((count + BlockSize - 1) / BlockSize, 1);
            var target = blocks == 1 ? result : Temp<T>(batch, blocks);
            var push = new ReducePush(checked((uint)count), (uint)currentOp, other is null ? 0u : 1u);
            batch.Dispatch(kernel, push, batch.GroupsFor(kernel, blocks * kernel.LocalSize.X), current, other ?? current, target);
            current = target;
            count = blocks;
            if (currentOp == ReduceOp.SumSquaredDifference) currentOp = ReduceOp.Sum;
            other = null;
        } while (!ReferenceEquals(current, result));
    }

    /// <summary>Sums <paramref name="input"/> on the GPU and returns the result (blocks until done).</summary>
    public float Sum(GpuBuffer<float> input) => ReduceToValue(input, ReduceOp.Sum);
    /// <summary>The smallest element of <paramref name="input"/>, computed on the GPU (blocks until done).</summary>
    public float Min(GpuBuffer<float> input) => ReduceToValue(input, ReduceOp.Min);
    /// <summary>The largest element of <paramref name="input"/>, computed on the GPU (blocks until done).</summary>
    public float Max(GpuBuffer<float> input) => ReduceToValue(input, ReduceOp.Max);
    /// <summary>Sums <paramref name="input"/> on the GPU (wrapping on overflow) and returns the result (blocks until done).</summary>
    public uint Sum(GpuBuffer<uint> input) => ReduceToValue(input, ReduceOp.Sum);
    /// <summary>The smallest element of <paramref name="input"/>, computed on the GPU (blocks until done).</summary>
    public uint Min(GpuBuffer<uint> input) => ReduceToValue(input, ReduceOp.Min);
    /// <summary>The largest element of <paramref name="input"/>, computed on the GPU (blocks until done).</summary>
    public uint Max(GpuBuffer<uint> input) => ReduceToValue(input, ReduceOp.Max);

    /// <summary>Σ (a[i] − b[i])² over the shorter common length must match: both buffers need the same length.</summary>
    public float SumSquaredDifference(GpuBuffer<float> a, GpuBuffer<float> b)
    {
        if (a.Length != b.Length) throw new ArgumentException($"SumSquaredDifference needs equal lengths, got {a.Length} and {b.Length}");
        using var result = _gpu.CreateBuffer<float>(1, label: "reduce result");
        Run(batch => RecordReduce(batch, a, ReduceOp.SumSquaredDifference, result, a.Length, b));
        return result.ToArray()[0];
    }

    private float ReduceToValue(GpuBuffer<float> input, ReduceOp op)
    {
        using var result = _gpu.CreateBuffer<float>(1, label: "reduce result");
        Run(batch => RecordReduce(batch, input, op, result));
        return result.ToArray()[0];
    }

    private uint ReduceToValue(GpuBuffer<uint> input, ReduceOp op)
    {
        using var result = _gpu.CreateBuffer<uint>(1, label: "reduce result");
        Run(batch => RecordReduce(batch, input, op, result));
        return result.ToArray()[0];
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    private GpuBuffer<T> Temp<T>(CommandBatch batch, long length) where T : unmanaged
    {
        var buffer = _gpu.CreateBuffer<T>(length, label: $"primitive temp {typeof(T).Name}[{length}]");
        batch.DisposeAfterCompletion(buffer);
        return buffer;
    }

    private void Run(Action<CommandBatch> record)
    {
        using var batch = _gpu.BeginBatch();
        record(batch);
        batch.Submit();
    }

    private static void CheckRange<T>(GpuBuffer<T> buffer, long offset, long count, string what) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(buffer);
        buffer.ThrowIfDisposed();
        if (offset < 0 || count < 0 || offset + count > buffer.Length)
            throw new ArgumentOutOfRangeException(nameof(count), $"{what}: range [{offset}, {offset + count}) is outside '{buffer.Label}' (length {buffer.Length})");
        if (count > uint.MaxValue) throw new ArgumentOutOfRangeException(nameof(count), $"{what}: {count} elements exceed the 2^32 kernel limit");
    }

    /// <summary>Frees the scratch buffers the primitives keep between calls.</summary>
    public void Dispose() { }
}
