using FieldForge.Gpu;

namespace FieldForge.Morphing;

/// <summary>
/// The 4^3-point blocks of a grid that a sparse morph frame touches (mirrors Shaders/include/sdf_blocks.glsl): the
/// blocks whose distances it evaluates, the blocks the isosurfacer classifies, and the indirect dispatch sizes of both,
/// all written on the GPU every frame (<see cref="SdfMorph.RecordFrame(CommandBatch, IsoSurfacer, float, int)"/>), so
/// nothing is read back. List entries pack block coordinates as x | y &lt;&lt; 8 | z &lt;&lt; 16.
/// </summary>
internal sealed class SurfaceBlocks : IDisposable
{
    /// <summary>Points per block edge.</summary>
    public const int Edge = 4;
    /// <summary>Layout of <see cref="Arguments"/> (uint words): two VkDispatchIndirectCommand, then two counts.</summary>
    public const int EvaluateArgumentsWord = 0, SurfaceArgumentsWord = 3, EvaluateCountWord = 6, SurfaceCountWord = 7, ArgumentWords = 8;

    public SurfaceBlocks(GpuContext gpu, int resolution)
    {
        BlocksPerAxis = (resolution + Edge - 1) / Edge;
        Count = (long)BlocksPerAxis * BlocksPerAxis * BlocksPerAxis;
        EvaluateList = gpu.CreateBuffer<uint>(Count, label: "morph blocks to evaluate");
        SurfaceFlags = gpu.CreateBuffer<uint>(Count, label: "morph surface block flags");
        SurfaceIndex = gpu.CreateBuffer<uint>(Count, label: "morph surface block index");
        SurfaceTotal = gpu.CreateBuffer<uint>(1, label: "morph surface block total");
        SurfaceList = gpu.CreateBuffer<uint>(Count, label: "morph surface blocks");
        Sides = gpu.CreateBuffer<uint>(Count, label: "morph block sides");
        long supers = (BlocksPerAxis + 3) / 4;
        SuperBounds = gpu.CreateBuffer<System.Numerics.Vector2>(supers * supers * supers, label: "morph superblock bounds");
        Arguments = gpu.CreateBuffer<uint>(ArgumentWords, BufferLocation.DeviceLocal, "morph block dispatch arguments", GpuBufferUsage.Indirect);
        Scan = gpu.Primitives.CreateScanWorkspace(Count);
    }

    /// <summary>Blocks per grid axis, ⌈N / 4⌉.</summary>
    public int BlocksPerAxis { get; }
    /// <summary>Blocks in the grid.</summary>
    public long Count { get; }
    public GpuBuffer<uint> EvaluateList { get; }
    public GpuBuffer<uint> SurfaceFlags { get; }
    public GpuBuffer<uint> SurfaceIndex { get; }
    public GpuBuffer<uint> SurfaceTotal { get; }
    /// <summary>Blocks the isosurfacer classifies, in block-id order (deterministic vertex numbering).</summary>
    public GpuBuffer<uint> SurfaceList { get; }
    public GpuBuffer<uint> Arguments { get; }
    /// <summary>Per block, which side of the iso level its points' stored values are on (0: evaluated or unknown).</summary>
    public GpuBuffer<uint> Sides { get; }
    /// <summary>Per 4^3 blocks (16^3 points), the morph's bound over them dilated by 2 points.</summary>
    public GpuBuffer<System.Numerics.Vector2> SuperBounds { get; }
    public ScanWorkspace Scan { get; }

    public void Dispose()
    {
        foreach (var b in new GpuBuffer[] { EvaluateList, SurfaceFlags, SurfaceIndex, SurfaceTotal, SurfaceList, Arguments, Sides, SuperBounds }) b.Dispose();
        Scan.Dispose();
    }
}
