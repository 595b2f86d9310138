using System.Numerics;
using FieldForge.Gpu;
using FieldForge.Core;

namespace FieldForge.Morphing;

/// <summary>
/// GPU isosurface extraction over an N^3 distance grid: classify (crossing edges and triangles per lattice point) ->
/// exclusive scan (GpuPrimitives.ExclusiveScan) -> compact (one shared vertex per crossing edge, with a
/// gradient normal and colour) -> emit (indexed triangles). The variant splits every cube into six Kuhn tetrahedra,
/// so the mesh is watertight and consistently oriented (outward, towards larger distances) for any closed
/// isosurface that does not touch the grid boundary. Output buffers grow as needed: there is no triangle budget.
/// </summary>
/// <remarks>
/// Record the extraction into a frame's batch with <see cref="Record"/>, submit, then <see cref="TryReadMesh"/>. When the
/// surface outgrew the output buffers, TryReadMesh enlarges them and returns false: record the frame again.
/// <see cref="Extract"/> does all of that in one call.
/// </remarks>
public sealed class IsoSurfacer : IDisposable
{
    internal static readonly KernelSpec ClassifySpec = new("mc_classify", Buffers: 4, PushConstantBytes: 32);
    internal static readonly KernelSpec VerticesSpec = new("mc_vertices", Buffers: 6, PushConstantBytes: 32);
    /// <summary>mc_vertices with normals from a gradient grid instead of central differences of the distances.</summary>
    internal static readonly KernelSpec VerticesGradientSpec = new("mc_vertices_gradient", Buffers: 7, PushConstantBytes: 32);
    internal static readonly KernelSpec TrianglesSpec = new("mc_triangles", Buffers: 6, PushConstantBytes: 32);
    internal static readonly KernelSpec DrawArgsSpec = new("mc_draw_args", Buffers: 2, PushConstantBytes: 32);
    // The block form (RecordBlocks): classification with a block-local scan, then two-level owner searches.
    internal static readonly KernelSpec BlockClassifySpec = new("mc_block_classify", Buffers: 7, PushConstantBytes: 32);
    internal static readonly KernelSpec BlockArgsSpec = new("mc_block_args", Buffers: 5, PushConstantBytes: 32);
    internal static readonly KernelSpec BlockVerticesSpec = new("mc_block_vertices", Buffers: 7, PushConstantBytes: 32);
    internal static readonly KernelSpec BlockVerticesGradientSpec = new("mc_block_vertices_gradient", Buffers: 8, PushConstantBytes: 32);
    internal static readonly KernelSpec BlockTrianglesSpec = new("mc_block_triangles", Buffers: 8, PushConstantBytes: 32);
    internal static readonly KernelSpec BlockOwnersSpec = new("mc_block_owners", Buffers: 7, PushConstantBytes: 32);

    private readonly GpuContext _gpu;
    private readonly GpuBuffer<uint> _table, _mask, _vertexCount, _vertexOffset, _triangleCount, _triangleOffset, _vertexTotal, _triangleTotal;
    private GpuBuffer<IsoVertex> _vertices;
    private GpuBuffer<uint> _indices;
    private GpuBuffer<uint> _vertexOwner, _triangleOwner; // block form: the point that owns each output slot
    private readonly GpuBuffer<uint> _drawArgs;
    private readonly GpuBuffer<uint> _status; // host-visible: vertex and triangle totals per frame slot
    private readonly ScanWorkspace _scan;
    // Block form: per listed block its vertex counts, then its triangle counts (one buffer, so one scan numbers both),
    // their scan and its total, each block's list position by id; dispatch sizes of the two output kernels.
    // (Per-point words reuse _mask and _vertexOffset, sized for both forms.)
    private readonly GpuBuffer<uint> _blockCounts, _blockOffsets, _blockCountTotal, _blockSlot, _outputArgs;
    private readonly bool[] _statusRecorded = new bool[MaxSlots];

    /// <summary>Frames in flight whose totals the isosurfacer keeps apart (a pipelined host has two).</summary>
    public const int MaxSlots = 2;
    private long _vertexCapacity, _triangleCapacity;
    private bool _recorded;

    /// <param name="gpu">The context the grids live in.</param>
    /// <param name="resolution">Grid points per axis, 2..<see cref="SdfGrid.MaxResolution"/>.</param>
    public IsoSurfacer(GpuContext gpu, int resolution)
    {
        ArgumentNullException.ThrowIfNull(gpu);
        SdfGrid.ValidateResolution(resolution);
        _gpu = gpu;
        Resolution = resolution;
        long points = (long)resolution * resolution * resolution;
        long blocksPerAxis = (resolution + SurfaceBlocks.Edge - 1) / SurfaceBlocks.Edge, blocks = blocksPerAxis * blocksPerAxis * blocksPerAxis;
        long blockPoints = Math.Max(points, 64 * blocks); // the block form stores 64 words per block
        _table = gpu.CreateBuffer<uint>(MarchingTetrahedra.BuildTriangleTable(), label: "iso case table");
        _mask = gpu.CreateBuffer<uint>(blockPoints, label: "iso edge mask");
        _vertexCount = gpu.CreateBuffer<uint>(points, label: "iso vertex count");
        _vertexOffset = gpu.CreateBuffer<uint>(blockPoints, label: "iso vertex offset");
        _blockCounts = gpu.CreateBuffer<uint>(2 * blocks, label: "iso block counts");
        _blockOffsets = gpu.CreateBuffer<uint>(2 * blocks, label: "iso block offsets");
        _blockCountTotal = gpu.CreateBuffer<uint>(1, label: "iso block count total");
        _blockSlot = gpu.CreateBuffer<uint>(blocks, label: "iso block list position");
        _outputArgs = gpu.CreateBuffer<uint>(6, BufferLocation.DeviceLocal, "iso output dispatch arguments", GpuBufferUsage.Indirect);
        _triangleCount = gpu.CreateBuffer<uint>(points, label: "iso triangle count");
        _triangleOffset = gpu.CreateBuffer<uint>(points, label: "iso triangle offset");
        _vertexTotal = gpu.CreateBuffer<uint>(1, label: "iso vertex total");
        _triangleTotal = gpu.CreateBuffer<uint>(1, label: "iso triangle total");
        // A sphere filling the grid has ~3 N^2 voxel faces of area. Start well above that (8 N^2 vertices: 1 MiB at 64^3)
        // so typical morphs never grow mid-animation (growing allocates and costs a game one undrawn frame); grow on demand.
        _vertexCapacity = Math.Max(1024, 8L * resolution * resolution);
        _triangleCapacity = 2 * _vertexCapacity;
        _vertices = gpu.CreateBuffer<IsoVertex>(_vertexCapacity, BufferLocation.DeviceLocal, "iso vertices", GpuBufferUsage.Vertex);
        _indices = gpu.CreateBuffer<uint>(3 * _triangleCapacity, BufferLocation.DeviceLocal, "iso indices", GpuBufferUsage.Index);
        _vertexOwner = gpu.CreateBuffer<uint>(_vertexCapacity, label: "iso vertex owners");
        _triangleOwner = gpu.CreateBuffer<uint>(_triangleCapacity, label: "iso triangle owners");
        _drawArgs = gpu.CreateBuffer<uint>(5, BufferLocation.DeviceLocal, "iso draw args", GpuBufferUsage.Indirect);
        _status = gpu.CreateBuffer<uint>(2 * MaxSlots, BufferLocation.HostVisible, "iso totals (host-visible)");
        _scan = gpu.Primitives.CreateScanWorkspace(Math.Max(points, 2 * blocks));
    }

    /// <summary>The surface's vertices on the GPU (<see cref="IsoVertex"/>, 32-byte stride), bindable as a vertex buffer.
    /// Valid after the batch holding <see cref="Record"/> completed; replaced when the surface outgrows it (read the
    /// property each frame rather than keeping the buffer).</summary>
    public GpuBuffer<IsoVertex> VertexBuffer => _vertices;

    /// <summary>The surface's triangles on the GPU: three uint32 indices each, bindable as an index buffer
    /// (VK_INDEX_TYPE_UINT32). Replaced when the surface outgrows it, like <see cref="VertexBuffer"/>.</summary>
    public GpuBuffer<uint> IndexBuffer => _indices;

    /// <summary>A VkDrawIndexedIndirectCommand (5 uint32) the GPU writes at the end of <see cref="Record"/>: a renderer
    /// draws the surface with vkCmdDrawIndexedIndirect from <see cref="VertexBuffer"/> and <see cref="IndexBuffer"/>
    /// without reading a count back.</summary>
    public GpuBuffer<uint> DrawIndirectArguments => _drawArgs;

    /// <summary>Grid points per axis this instance extracts from.</summary>
    public int Resolution { get; }
    /// <summary>When set, each stage is recorded in its own GPU timing region ("iso classify", "iso scan", "iso vertices",
    /// "iso triangles"); for benchmarks (do not nest inside another timing region).</summary>
    public bool TimeStages { get; set; }
    /// <summary>Vertices and triangles of the last successfully read surface.</summary>
    public int VertexCount { get; private set; }
    /// <summary>Triangles of the last successfully read surface.</summary>
    public int TriangleCount { get; private set; }

    /// <summary>Records the extraction of <c>distance = iso</c> over <paramref name="grid"/> into <paramref name="batch"/>.
    /// Recording allocates nothing (scan block sums live in a workspace), and the vertex and triangle totals are copied
    /// into host-visible status words of frame slot <paramref name="slot"/> for <see cref="TryEnsureCapacity"/>.
    /// Normals come from <paramref name="gradient"/> when given (three planes of N^3 floats, axis a of point i at
    /// <c>a * N^3 + i</c>, e.g. <see cref="SdfMorph.Gradient"/>: analytic normals), else from central differences of the distances.</summary>
    public void Record(CommandBatch batch, SdfGrid grid, GpuBuffer<float> distance, GpuBuffer<uint> color, float iso = 0f, int slot = 0,
        GpuBuffer<float>? gradient = null)
    {
        if ((uint)slot >= MaxSlots) throw new ArgumentOutOfRangeException(nameof(slot), $"slot must be 0..{MaxSlots - 1}, got {slot}");
        ArgumentNullException.ThrowIfNull(batch);
        grid.ValidateBuffers(distance, color);
        if (grid.Resolution != Resolution) throw new ArgumentException($"grid resolution {grid.Resolution} differs from this IsoSurfacer's {Resolution}");
        if (!float.IsFinite(iso)) throw new ArgumentOutOfRangeException(nameof(iso), $"iso level must be finite, got {iso}");
        if (gradient is not null && gradient.Length < 3 * grid.PointCount)
            throw new ArgumentException($"gradient buffer '{gradient.Label}' holds {gradient.Length} floats, needs 3 × {grid.PointCount}", nameof(gradient));
        var push = new IsoSurfacePush(grid.Min, grid.VoxelSize, (uint)Resolution, iso, (uint)_vertexCapacity, (uint)_triangleCapacity);
        long points = grid.PointCount;
        Kernel classify = _gpu.GetKernel(ClassifySpec), triangles = _gpu.GetKernel(TrianglesSpec);
        Kernel vertices = _gpu.GetKernel(gradient is null ? VerticesSpec : VerticesGradientSpec);
        using (Stage(batch, "iso classify"))
            batch.Dispatch(classify, push, grid.Groups(classify), distance, _mask, _vertexCount, _triangleCount);
        using (Stage(batch, "iso scan"))
        {
            _gpu.Primitives.RecordExclusiveScan(batch, _vertexCount, _vertexOffset, points, _vertexTotal, _scan);
            _gpu.Primitives.RecordExclusiveScan(batch, _triangleCount, _triangleOffset, points, _triangleTotal, _scan);
        }
        using (Stage(batch, "iso vertices"))
        {
            if (gradient is null) batch.DispatchThreads(vertices, push, _vertexCapacity, distance, color, _mask, _vertexOffset, _vertices, _vertexTotal);
            else batch.DispatchThreads(vertices, push, _vertexCapacity, distance, color, _mask, _vertexOffset, _vertices, _vertexTotal, gradient);
        }
        using (Stage(batch, "iso triangles"))
            batch.DispatchThreads(triangles, push, _triangleCapacity, _mask, _vertexOffset, _triangleOffset, _table, _indices, _triangleTotal);
        RecordTotals(batch, push, slot);
    }

    // Draw arguments and the host-visible totals of frame slot `slot`, after either form.
    private void RecordTotals(CommandBatch batch, IsoSurfacePush push, int slot)
    {
        batch.DispatchThreads(_gpu.GetKernel(DrawArgsSpec), push, 1, _triangleTotal, _drawArgs);
        batch.CopyBytes(_vertexTotal, 0, _status, (ulong)(8 * slot), 4);
        batch.CopyBytes(_triangleTotal, 0, _status, (ulong)(8 * slot + 4), 4);
        _statusRecorded[slot] = true;
        _recorded = true;
    }

    /// <summary>The block form of <see cref="Record"/> (iso level 0) over the blocks <paramref name="blocks"/> lists, which a
    /// sparse morph wrote this frame: the same vertices and triangles, numbered block by block.</summary>
    internal void RecordBlocks(CommandBatch batch, SdfGrid grid, GpuBuffer<float> distance, GpuBuffer<uint> color, SurfaceBlocks blocks, int slot,
        GpuBuffer<float>? gradient)
    {
        if ((uint)slot >= MaxSlots) throw new ArgumentOutOfRangeException(nameof(slot), $"slot must be 0..{MaxSlots - 1}, got {slot}");
        grid.ValidateBuffers(distance, color);
        if (grid.Resolution != Resolution) throw new ArgumentException($"grid resolution {grid.Resolution} differs from this IsoSurfacer's {Resolution}");
        if (blocks.Count != _blockSlot.Length) throw new ArgumentException($"block list of {blocks.Count} blocks does not fit this IsoSurfacer's {_blockSlot.Length}");
        var push = new IsoSurfacePush(grid.Min, grid.VoxelSize, (uint)Resolution, 0f, (uint)_vertexCapacity, (uint)_triangleCapacity);
        using (Stage(batch, "iso classify"))
        {
            // Counts past the list's end stay zero, so the scan may cover every block without knowing the list length.
            _gpu.Primitives.RecordFill(batch, _blockCounts, 0u);
            batch.DispatchIndirect(_gpu.GetKernel(BlockClassifySpec), push, blocks.Arguments, 4 * SurfaceBlocks.SurfaceArgumentsWord,
                distance, blocks.SurfaceList, blocks.Arguments, _mask, _vertexOffset, _blockCounts, _blockSlot);
        }
        using (Stage(batch, "iso scan"))
        {
            _gpu.Primitives.RecordExclusiveScan(batch, _blockCounts, _blockOffsets, 2 * blocks.Count, _blockCountTotal, _scan);
            batch.DispatchThreads(_gpu.GetKernel(BlockArgsSpec), push, 1, _blockOffsets, _blockCountTotal, _vertexTotal, _triangleTotal, _outputArgs);
            batch.DispatchIndirect(_gpu.GetKernel(BlockOwnersSpec), push, blocks.Arguments, 4 * SurfaceBlocks.SurfaceArgumentsWord,
                _mask, _vertexOffset, _blockOffsets, _blockCounts, blocks.Arguments, _vertexOwner, _triangleOwner);
        }
        using (Stage(batch, "iso vertices"))
        {
            if (gradient is null)
                batch.DispatchIndirect(_gpu.GetKernel(BlockVerticesSpec), push, _outputArgs, 0,
                    distance, color, _mask, _vertexOwner, _vertices, _vertexTotal, blocks.SurfaceList);
            else
            {
                if (gradient.Length < 3 * grid.PointCount)
                    throw new ArgumentException($"gradient buffer '{gradient.Label}' holds {gradient.Length} floats, needs 3 × {grid.PointCount}", nameof(gradient));
                batch.DispatchIndirect(_gpu.GetKernel(BlockVerticesGradientSpec), push, _outputArgs, 0,
                    distance, color, _mask, _vertexOwner, _vertices, _vertexTotal, blocks.SurfaceList, gradient);
            }
        }
        using (Stage(batch, "iso triangles"))
            batch.DispatchIndirect(_gpu.GetKernel(BlockTrianglesSpec), push, _outputArgs, 12,
                _mask, _triangleOwner, _blockOffsets, _table, _indices, _triangleTotal, blocks.SurfaceList, _blockSlot);
        RecordTotals(batch, push, slot);
    }

    /// <summary>
    /// After the batch that recorded frame slot <paramref name="slot"/> completed: reads that frame's vertex and
    /// triangle totals from host-visible memory in place (8 bytes, no transfer and no wait) into
    /// <see cref="VertexCount"/>/<see cref="TriangleCount"/>. Returns false when the surface did not fit the output
    /// buffers: they are enlarged (waiting for the GPU, a rare event) and the frame must be recorded again. This is
    /// what lets a game draw from <see cref="DrawIndirectArguments"/> every frame without a read-back.
    /// </summary>
    public bool TryEnsureCapacity(int slot = 0)
    {
        if ((uint)slot >= MaxSlots) throw new ArgumentOutOfRangeException(nameof(slot), $"slot must be 0..{MaxSlots - 1}, got {slot}");
        if (!_statusRecorded[slot]) throw new InvalidOperationException($"nothing was recorded for slot {slot}: call Record and submit the batch first");
        _statusRecorded[slot] = false;
        long vertices = _status.ReadMapped(2 * slot), triangles = _status.ReadMapped(2 * slot + 1);
        if (vertices > _vertexCapacity || triangles > _triangleCapacity)
        {
            Grow(vertices, triangles);
            return false;
        }
        VertexCount = (int)vertices;
        TriangleCount = (int)triangles;
        return true;
    }

    private GpuTimer.Scope Stage(CommandBatch batch, string name) => TimeStages ? batch.Time(name) : default;

    /// <summary>
    /// After the batch holding <see cref="Record"/> completed: reads the mesh. Returns false (and enlarges the output
    /// buffers) when the surface did not fit; record and submit again.
    /// </summary>
    public bool TryReadMesh(out TriangleMesh mesh)
    {
        if (!_recorded) throw new InvalidOperationException("nothing was recorded: call Record and submit the batch first");
        var total = new uint[1];
        _vertexTotal.Download(total);
        long vertices = total[0];
        _triangleTotal.Download(total);
        long triangles = total[0];
        if (vertices > _vertexCapacity || triangles > _triangleCapacity)
        {
            Grow(vertices, triangles);
            mesh = null!;
            return false;
        }
        var raw = new IsoVertex[vertices];
        if (vertices > 0) _vertices.Download(raw);
        var idx = new uint[3 * triangles];
        if (triangles > 0) _indices.Download(idx);
        var positions = new Vector3[vertices];
        var normals = new Vector3[vertices];
        var colors = new Vector3[vertices];
        for (long i = 0; i < vertices; i++)
        {
            positions[i] = raw[i].Position;
            normals[i] = raw[i].Normal;
            var c = ColorPacking.Unpack(raw[i].Color);
            colors[i] = new Vector3(c.X, c.Y, c.Z);
        }
        mesh = new TriangleMesh(positions, Array.ConvertAll(idx, i => (int)i), normals, colors);
        VertexCount = (int)vertices;
        TriangleCount = (int)triangles;
        return true;
    }

    private void Grow(long vertices, long triangles)
    {
        _gpu.WaitForPendingWork();
        long maxVertices = (long)(_gpu.DeviceInfo.MaxStorageBufferBytes / 32);
        long maxTriangles = (long)(_gpu.DeviceInfo.MaxStorageBufferBytes / 12);
        if (vertices > maxVertices || triangles > maxTriangles)
            throw new InvalidOperationException($"isosurface of {vertices} vertices / {triangles} triangles exceeds one storage-buffer binding; lower the resolution");
        if (vertices > _vertexCapacity)
        {
            _vertexCapacity = Math.Min(maxVertices, vertices + vertices / 2);
            _vertices.Dispose();
            _vertices = _gpu.CreateBuffer<IsoVertex>(_vertexCapacity, BufferLocation.DeviceLocal, "iso vertices", GpuBufferUsage.Vertex);
            _vertexOwner.Dispose();
            _vertexOwner = _gpu.CreateBuffer<uint>(_vertexCapacity, label: "iso vertex owners");
        }
        if (triangles > _triangleCapacity)
        {
            _triangleCapacity = Math.Min(maxTriangles, triangles + triangles / 2);
            _indices.Dispose();
            _indices = _gpu.CreateBuffer<uint>(3 * _triangleCapacity, BufferLocation.DeviceLocal, "iso indices", GpuBufferUsage.Index);
            _triangleOwner.Dispose();
            _triangleOwner = _gpu.CreateBuffer<uint>(_triangleCapacity, label: "iso triangle owners");
        }
    }

    /// <summary>Records, submits and reads (re-running once when the output buffers had to grow).</summary>
    public TriangleMesh Extract(SdfGrid grid, GpuBuffer<float> distance, GpuBuffer<uint> color, float iso = 0f)
    {
        for (int attempt = 0; ; attempt++)
        {
            using (var batch = _gpu.BeginBatch())
            {
                Record(batch, grid, distance, color, iso);
                batch.Submit();
            }
            if (TryReadMesh(out var mesh)) return mesh;
            if (attempt > 0) throw new InvalidOperationException("isosurface output did not fit after growing the buffers");
        }
    }

    /// <summary>Frees the classification, vertex, index and indirect-argument buffers on the GPU.</summary>
    public void Dispose()
    {
        foreach (var b in new GpuBuffer[] { _table, _mask, _vertexCount, _vertexOffset, _triangleCount, _triangleOffset, _vertexTotal, _triangleTotal, _vertices, _indices, _drawArgs, _status,
                     _blockCounts, _blockOffsets, _blockCountTotal, _blockSlot, _outputArgs, _vertexOwner, _triangleOwner })
            b.Dispose();
        _scan.Dispose();
    }
}
