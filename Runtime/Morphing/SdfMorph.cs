using System.Numerics;
using System.Runtime.InteropServices;
using FieldForge.Gpu;
using FieldForge.Core;

namespace FieldForge.Morphing;

/// <summary>
/// Morphs between two or more <see cref="ISdfSource"/>s on the GPU: the sources are evaluated once onto a shared grid,
/// then every frame one kernel per source accumulates its warped, weighted distance and colour into
/// <see cref="Distance"/> and <see cref="Color"/> (see <see cref="MorphSchedule"/>). Record a frame and its
/// isosurface into one batch, or call <see cref="ExtractFrame"/>.
/// </summary>
public sealed class SdfMorph : IDisposable
{
    internal static readonly KernelSpec DistanceSpec = new("morph_distance", Buffers: 2, PushConstantBytes: 48);
    internal static readonly KernelSpec ColorSpec = new("morph_colour", Buffers: 3, PushConstantBytes: 48);
    internal static readonly KernelSpec SourceGradientSpec = new("morph_source_gradient", Buffers: 2, PushConstantBytes: 48);
    internal static readonly KernelSpec GradientSpec = new("morph_gradient", Buffers: 2, PushConstantBytes: 48);
    /// <summary>Distance and colour of 2, 3 or 4 sources in one pass (one kernel per count: see morph.comp).</summary>
    internal static IReadOnlyList<KernelSpec> FusedSpecs { get; } =
    [
        new("morph_fused2", Buffers: 10, PushConstantBytes: 112),
        new("morph_fused3", Buffers: 10, PushConstantBytes: 112),
        new("morph_fused4", Buffers: 10, PushConstantBytes: 112),
    ];

    /// <summary>The sparse frame's kernels (see morph.comp): block bounds, the surface-block list, and morph_fused's
    /// arithmetic over the listed blocks only (one kernel per source count).</summary>
    internal static readonly KernelSpec SuperblocksSpec = new("morph_superblocks", Buffers: 2, PushConstantBytes: 112);
    internal static readonly KernelSpec BlocksSpec = new("morph_blocks", Buffers: 7, PushConstantBytes: 112);
    internal static readonly KernelSpec BlockListSpec = new("morph_block_list", Buffers: 5, PushConstantBytes: 112);
    internal static IReadOnlyList<KernelSpec> SparseSpecs { get; } =
    [
        new("morph_sparse2", Buffers: 12, PushConstantBytes: 112),
        new("morph_sparse3", Buffers: 12, PushConstantBytes: 112),
        new("morph_sparse4", Buffers: 12, PushConstantBytes: 112),
    ];

    /// <summary>Most non-zero weights one fused dispatch handles; more fall back to one pass per source and stage.</summary>
    public const int MaxFusedSources = 4;

    /// <summary>Colour is blended only within this many voxels of the surface (mirrors COLOUR_BAND in morph.comp);
    /// elsewhere <see cref="Color"/> is left untouched, because the isosurface never reads it there.</summary>
    public const float ColorBandVoxels = 2f;

    [StructLayout(LayoutKind.Sequential)]
    internal readonly record struct MorphPush(Vector3 Min, float VoxelSize, uint Resolution, uint First, float Weight, float K, Vector4 Offset);

    /// <summary>Mirrors the morph_fused push constants (112 bytes): per source (offset.xyz, weight) and k; for the block
    /// bounds also the iso level and the active sources' indices (8 bits each, into the brick buffer).</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal readonly record struct FusedMorphPush(Vector3 Min, float VoxelSize, uint Resolution, uint Count, float Iso, uint SourceIndices,
        Vector4 Warp0, Vector4 Warp1, Vector4 Warp2, Vector4 Warp3, Vector4 K);

    private readonly GpuContext _gpu;
    private readonly GpuBuffer<float>[] _sourceDistance;
    private readonly GpuBuffer<uint>[] _sourceColor;
    private readonly SdfMoments[] _moments;
    private readonly GpuBuffer<float>[]? _sourceGradient;
    private readonly GpuBuffer<Vector2> _bricks; // per source, per 4^3 cells of its grid: (min, max) of the samples
    private readonly SurfaceBlocks _blocks;

    /// <param name="gpu">Context to run on.</param>
    /// <param name="sources">Two or more sources, morphed in order as t goes 0 → 1.</param>
    /// <param name="grid">The grid every source and the result are sampled on (see <see cref="GridFor"/>).</param>
    /// <param name="schedule">Initial schedule (can be changed between frames).</param>
    /// <param name="gradients">Also morph the distance gradient every frame into <see cref="Gradient"/>, for analytic
    /// normals: exact for sources that know their gradient (<see cref="ISdfGradientSource"/>, e.g. a neural SDF),
    /// central differences of the sampled grid for the others. Costs three floats per grid point per source and a
    /// pass per source and frame.</param>
    public SdfMorph(GpuContext gpu, IReadOnlyList<ISdfSource> sources, SdfGrid grid, MorphSchedule schedule = MorphSchedule.Aligned, bool gradients = false)
    {
        ArgumentNullException.ThrowIfNull(gpu);
        ArgumentNullException.ThrowIfNull(sources);
        if (sources.Count < 2) throw new ArgumentException($"a morph needs at least 2 sources, got {sources.Count}", nameof(sources));
        if (sources.Any(s => s is null)) throw new ArgumentNullException(nameof(sources), "a morph source is null");
        grid.Validate();
        _gpu = gpu;
        Sources = sources.ToArray();
        Grid = grid;
        Schedule = schedule;
        long n = grid.PointCount;
        _sourceDistance = new GpuBuffer<float>[Sources.Count];
        _sourceColor = new GpuBuffer<uint>[Sources.Count];
        for (int i = 0; i < Sources.Count; i++)
        {
            _sourceDistance[i] = gpu.CreateBuffer<float>(n, label: $"morph source {i} distance");
            _sourceColor[i] = gpu.CreateBuffer<uint>(n, label: $"morph source {i} colour");
        }
        Distance = gpu.CreateBuffer<float>(n, label: "morph distance");
        Color = gpu.CreateBuffer<uint>(n, label: "morph colour");
        if (gradients)
        {
            _sourceGradient = new GpuBuffer<float>[Sources.Count];
            for (int i = 0; i < Sources.Count; i++) _sourceGradient[i] = gpu.CreateBuffer<float>(3 * n, label: $"morph source {i} gradient");
            Gradient = gpu.CreateBuffer<float>(3 * n, label: "morph gradient");
        }
        using (var batch = gpu.BeginBatch())
        {
            for (int i = 0; i < Sources.Count; i++) Sources[i].Record(batch, grid, _sourceDistance[i], _sourceColor[i]);
            if (_sourceGradient is not null)
            {
                var fd = gpu.GetKernel(SourceGradientSpec);
                for (int i = 0; i < Sources.Count; i++)
                {
                    if (Sources[i] is ISdfGradientSource exact) exact.RecordGradient(batch, grid, _sourceGradient[i]);
                    else batch.Dispatch(fd, new MorphPush(grid.Min, grid.VoxelSize, (uint)grid.Resolution, 1, 1, 1, Vector4.Zero), grid.Groups(fd),
                        _sourceDistance[i], _sourceGradient[i]);
                }
            }
            batch.Submit();
        }
        _moments = new SdfMoments[Sources.Count];
        int bricksPerSource = BricksPerAxis(grid.Resolution) * BricksPerAxis(grid.Resolution) * BricksPerAxis(grid.Resolution);
        var bricks = new Vector2[Sources.Count * bricksPerSource];
        for (int i = 0; i < Sources.Count; i++)
        {
            var distance = _sourceDistance[i].ToArray();
            _moments[i] = ComputeMoments(grid, distance);
            BrickBounds(grid.Resolution, distance, bricks.AsSpan(i * bricksPerSource, bricksPerSource));
        }
        _bricks = gpu.CreateBuffer<Vector2>(bricks, label: "morph source brick bounds");
        _blocks = new SurfaceBlocks(gpu, grid.Resolution);
        gpu.Primitives.Fill(_blocks.Sides, 0u);
    }

    private static int BricksPerAxis(int resolution) => (resolution + 2) / 4; // ⌈(N − 1) / 4⌉ cells of 4

    // (min, max) of each brick's samples: brick b covers cells 4b .. 4b + 3, so samples 4b .. 4b + 4 (shared faces).
    internal static void BrickBounds(int n, float[] distance, Span<Vector2> bricks)
    {
        int nb = BricksPerAxis(n);
        for (int bz = 0; bz < nb; bz++)
        for (int by = 0; by < nb; by++)
        for (int bx = 0; bx < nb; bx++)
        {
            float lo = float.PositiveInfinity, hi = float.NegativeInfinity;
            for (int z = 4 * bz; z <= Math.Min(4 * bz + 4, n - 1); z++)
            for (int y = 4 * by; y <= Math.Min(4 * by + 4, n - 1); y++)
            {
                long row = (long)n * (y + (long)n * z);
                for (int x = 4 * bx; x <= Math.Min(4 * bx + 4, n - 1); x++)
                {
                    float v = distance[row + x];
                    lo = MathF.Min(lo, v);
                    hi = MathF.Max(hi, v);
                }
            }
            bricks[bx + nb * (by + nb * bz)] = new Vector2(lo, hi);
        }
    }

    /// <summary>A grid of <paramref name="resolution"/>^3 points over the union of the sources' bounds, enlarged by
    /// <paramref name="marginFraction"/> of its largest side (at least two voxels) so no surface touches the boundary.</summary>
    public static SdfGrid GridFor(IEnumerable<ISdfSource> sources, int resolution, float marginFraction = 0.1f)
    {
        SdfGrid.ValidateResolution(resolution);
        var list = sources.ToArray();
        if (list.Length == 0) throw new ArgumentException("no sources to cover", nameof(sources));
        if (!(marginFraction >= 0 && marginFraction <= 1)) throw new ArgumentOutOfRangeException(nameof(marginFraction), $"margin must be 0..1, got {marginFraction}");
        var bounds = list.Skip(1).Aggregate(list[0].Bounds, (b, s) => b.Union(s.Bounds));
        float side = MathF.Max(bounds.Size.X, MathF.Max(bounds.Size.Y, bounds.Size.Z));
        float margin = side * marginFraction;
        // Two voxels of the final grid: side' = side + 2 margin, voxel = side' / (N - 1).
        margin = MathF.Max(margin, 2.5f * side / MathF.Max(resolution - 6, 1));
        return SdfGrid.Covering(bounds.Expanded(margin), resolution);
    }

    /// <summary>The shapes being morphed, in blend order.</summary>
    public IReadOnlyList<ISdfSource> Sources { get; }
    /// <summary>The lattice every source is sampled on.</summary>
    public SdfGrid Grid { get; }
    /// <summary>How distances are interpolated between sources; may change between frames.</summary>
    public MorphSchedule Schedule { get; set; }
    /// <summary>Each source's volume and centre of mass on the grid (what the aligned schedule blends).</summary>
    public IReadOnlyList<SdfMoments> Moments => _moments;
    /// <summary>The morphed distance field (valid after a recorded frame completed).</summary>
    public GpuBuffer<float> Distance { get; }
    /// <summary>The morphed colour field, packed RGBA8.</summary>
    public GpuBuffer<uint> Color { get; }
    /// <summary>The morphed distance gradient (three planes of N^3 floats: axis a of point i at <c>a * N^3 + i</c>), for
    /// <see cref="IsoSurfacer.Record"/>'s analytic normals; null unless the morph was created with gradients.</summary>
    public GpuBuffer<float>? Gradient { get; }

    /// <summary>Weights for the chain of sources at <paramref name="t"/> in [0, 1]: source i at t = i / (K − 1), linear in between.</summary>
    public float[] WeightsAt(float t)
    {
        var w = new float[Sources.Count];
        WeightsAt(t, w);
        return w;
    }

    /// <summary>Writes the weights at <paramref name="t"/> into <paramref name="weights"/> (one per source) without allocating.</summary>
    public void WeightsAt(float t, Span<float> weights)
    {
        if (!(t >= 0 && t <= 1)) throw new ArgumentOutOfRangeException(nameof(t), $"t must be in [0, 1], got {t}");
        if (weights.Length != Sources.Count) throw new ArgumentException($"need room for {Sources.Count} weights, got {weights.Length}", nameof(weights));
        weights.Clear();
        float x = t * (Sources.Count - 1);
        int i = Math.Min((int)MathF.Floor(x), Sources.Count - 2);
        float u = x - i;
        weights[i] = 1 - u;
        weights[i + 1] = u;
    }

    /// <summary>When set, <see cref="RecordFrame(CommandBatch, IsoSurfacer, ReadOnlySpan{float}, int)"/> times its morph
    /// stages in their own GPU regions ("morph blocks": bounds and block lists; "morph": the distances); for benchmarks
    /// (do not nest inside another timing region).</summary>
    public bool TimeStages { get; set; }

    /// <summary>Records one frame, the morph at <paramref name="t"/> and its isosurface, into <paramref name="batch"/>
    /// (allocation-free and without read-back: a game records this every frame). See the weights overload.</summary>
    public void RecordFrame(CommandBatch batch, IsoSurfacer iso, float t, int slot = 0)
    {
        Span<float> weights = Sources.Count <= 64 ? stackalloc float[Sources.Count] : new float[Sources.Count];
        WeightsAt(t, weights);
        RecordFrame(batch, iso, weights, slot);
    }

    /// <summary>
    /// Records one frame for explicit <paramref name="weights"/>: the morph and the isosurface of its zero level into
    /// <paramref name="iso"/> (frame slot <paramref name="slot"/>, see <see cref="IsoSurfacer.TryEnsureCapacity"/>). The same
    /// mesh as <see cref="Record(CommandBatch, ReadOnlySpan{float})"/> followed by <see cref="IsoSurfacer.Record"/>, at a
    /// fraction of the cost: first each 4^3-point block gets a bound on its distances from the sources' per-brick
    /// minima and maxima (valid for every source, since the morph only interpolates their grids); then distances and
    /// colours are evaluated, and the surface classified, only in the blocks whose bound contains the zero level.
    /// Elsewhere <see cref="Distance"/> holds a value on the same side of zero as the true distance (which is all the
    /// isosurface reads there): that bound, written when a block's side changed, or the value an earlier frame left;
    /// <see cref="Color"/> is left as it was. Vertices come numbered block by block.
    /// More than <see cref="MaxFusedSources"/> non-zero weights fall back to the dense passes.
    /// </summary>
    public void RecordFrame(CommandBatch batch, IsoSurfacer iso, ReadOnlySpan<float> weights, int slot = 0)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(iso);
        if (iso.Resolution != Grid.Resolution) throw new ArgumentException($"isosurfacer resolution {iso.Resolution} differs from the morph grid's {Grid.Resolution}", nameof(iso));
        if (!RecordSparseMorph(batch, weights))
        {
            iso.Record(batch, Grid, Distance, Color, slot: slot, gradient: Gradient);
            return;
        }
        iso.RecordBlocks(batch, Grid, Distance, Color, _blocks, slot, Gradient);
    }

    // The morph half of RecordFrame; false when it recorded the dense passes instead (too many active sources).
    private bool RecordSparseMorph(CommandBatch batch, ReadOnlySpan<float> weights)
    {
        var warps = _warpScratch ??= new (float, float, Vector3)[Sources.Count];
        FillWarps(weights, warps);
        int active = 0;
        foreach (var w in warps) if (w.Weight != 0) active++;
        // Past 4 active sources (or sources beyond the 256th, whose index does not fit the push constants): dense passes.
        bool lateSource = false;
        for (int i = 256; i < warps.Length; i++) lateSource |= warps[i].Weight != 0;
        if (active > MaxFusedSources || lateSource)
        {
            RecordPerSource(batch, warps);
            RecordGradient(batch, warps);
            _gpu.Primitives.RecordFill(batch, _blocks.Sides, 0u);
            return false;
        }
        Span<int> slots = stackalloc int[MaxFusedSources];
        var push = FusedPush(warps, slots, out int count);
        using (Stage(batch, "morph blocks"))
        {
            batch.UpdateBuffer(_blocks.Arguments, stackalloc uint[] { 0u }, SurfaceBlocks.EvaluateCountWord);
            batch.DispatchThreads(_gpu.GetKernel(SuperblocksSpec), push, _blocks.SuperBounds.Length, _bricks, _blocks.SuperBounds);
            batch.DispatchThreads(_gpu.GetKernel(BlocksSpec), push, _blocks.Count, _bricks, Distance, _blocks.EvaluateList, _blocks.Arguments, _blocks.SurfaceFlags,
                _blocks.Sides, _blocks.SuperBounds);
            _gpu.Primitives.RecordExclusiveScan(batch, _blocks.SurfaceFlags, _blocks.SurfaceIndex, _blocks.Count, _blocks.SurfaceTotal, _blocks.Scan);
            batch.DispatchThreads(_gpu.GetKernel(BlockListSpec), push, _blocks.Count,
                _blocks.SurfaceFlags, _blocks.SurfaceIndex, _blocks.SurfaceTotal, _blocks.SurfaceList, _blocks.Arguments);
        }
        using (Stage(batch, "morph"))
        {
            batch.DispatchIndirect(_gpu.GetKernel(SparseSpecs[Math.Max(count, 2) - 2]), push, _blocks.Arguments, 4 * SurfaceBlocks.EvaluateArgumentsWord,
                _sourceDistance[slots[0]], _sourceDistance[slots[1]], _sourceDistance[slots[2]], _sourceDistance[slots[3]],
                _sourceColor[slots[0]], _sourceColor[slots[1]], _sourceColor[slots[2]], _sourceColor[slots[3]], Distance, Color,
                _blocks.EvaluateList, _blocks.Arguments);
            RecordGradient(batch, warps);
        }
        return true;
    }

    private GpuTimer.Scope Stage(CommandBatch batch, string name) => TimeStages ? batch.Time(name) : default;

    /// <summary>Records the morph at <paramref name="t"/> into <paramref name="batch"/> (allocation-free: a game records
    /// this every frame).</summary>
    public void Record(CommandBatch batch, float t)
    {
        Span<float> weights = Sources.Count <= 64 ? stackalloc float[Sources.Count] : new float[Sources.Count];
        WeightsAt(t, weights);
        Record(batch, weights);
    }

    /// <summary>Records the morph for explicit non-negative <paramref name="weights"/> (one per source, normalised to sum 1).</summary>
    public void Record(CommandBatch batch, ReadOnlySpan<float> weights)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var warps = _warpScratch ??= new (float, float, Vector3)[Sources.Count];
        FillWarps(weights, warps);
        int active = 0;
        foreach (var w in warps) if (w.Weight != 0) active++;
        if (active <= MaxFusedSources) RecordFused(batch, warps);
        else RecordPerSource(batch, warps);
        RecordGradient(batch, warps);
        _gpu.Primitives.RecordFill(batch, _blocks.Sides, 0u); // every point now holds its distance: sparse frames rewrite their bounds
    }

    private void RecordGradient(CommandBatch batch, (float Weight, float K, Vector3 Offset)[] warps)
    {
        if (Gradient is null) return;
        var gradient = _gpu.GetKernel(GradientSpec);
        bool firstGradient = true;
        for (int i = 0; i < warps.Length; i++)
        {
            if (warps[i].Weight == 0) continue;
            var push = new MorphPush(Grid.Min, Grid.VoxelSize, (uint)Grid.Resolution, firstGradient ? 1u : 0u, warps[i].Weight, warps[i].K, new Vector4(warps[i].Offset, 0));
            batch.Dispatch(gradient, push, Grid.Groups(gradient), _sourceGradient![i], Gradient);
            firstGradient = false;
        }
    }

    private void RecordPerSource(CommandBatch batch, (float Weight, float K, Vector3 Offset)[] warps)
    {
        var distance = _gpu.GetKernel(DistanceSpec);
        var color = _gpu.GetKernel(ColorSpec);
        // Distances of every source first, then colours only near the finished surface.
        for (int pass = 0; pass < 2; pass++)
        {
            bool first = true;
            for (int i = 0; i < warps.Length; i++)
            {
                if (warps[i].Weight == 0) continue;
                var push = new MorphPush(Grid.Min, Grid.VoxelSize, (uint)Grid.Resolution, first ? 1u : 0u, warps[i].Weight, warps[i].K, new Vector4(warps[i].Offset, 0));
                if (pass == 0) batch.Dispatch(distance, push, Grid.Groups(distance), _sourceDistance[i], Distance);
                else batch.Dispatch(color, push, Grid.Groups(color), _sourceColor[i], Distance, Color);
                first = false;
            }
        }
    }

    // One dispatch: the active sources' distances summed in order, then their colours where that sum is near the surface.
    private void RecordFused(CommandBatch batch, (float Weight, float K, Vector3 Offset)[] warps)
    {
        Span<int> slots = stackalloc int[MaxFusedSources];
        var push = FusedPush(warps, slots, out int count);
        var fused = _gpu.GetKernel(FusedSpecs[Math.Max(count, 2) - 2]);
        batch.Dispatch(fused, push, Grid.Groups(fused),
            _sourceDistance[slots[0]], _sourceDistance[slots[1]], _sourceDistance[slots[2]], _sourceDistance[slots[3]],
            _sourceColor[slots[0]], _sourceColor[slots[1]], _sourceColor[slots[2]], _sourceColor[slots[3]], Distance, Color);
    }

    // Push constants of the fused kernels (and the block bounds, whose iso level is the zero set): the active sources
    // in order; slots receives their indices, padded with the first (unused bindings: any valid buffer, never read).
    private FusedMorphPush FusedPush((float Weight, float K, Vector3 Offset)[] warps, Span<int> slots, out int count)
    {
        count = 0;
        for (int i = 0; i < warps.Length; i++)
            if (warps[i].Weight != 0) slots[count++] = i;
        for (int s = count; s < MaxFusedSources; s++) slots[s] = slots[0]; // unused bindings: any valid buffer, never read
        Span<Vector4> warp = stackalloc Vector4[MaxFusedSources];
        Span<float> k = stackalloc float[MaxFusedSources];
        for (int s = 0; s < MaxFusedSources; s++)
        {
            warp[s] = s < count ? new Vector4(warps[slots[s]].Offset, warps[slots[s]].Weight) : Vector4.Zero;
            k[s] = s < count ? warps[slots[s]].K : 1f;
        }
        uint indices = 0;
        for (int s = 0; s < count; s++) indices |= (uint)Math.Min(slots[s], 255) << (8 * s);
        return new FusedMorphPush(Grid.Min, Grid.VoxelSize, (uint)Grid.Resolution, (uint)count, 0f, indices,
            warp[0], warp[1], warp[2], warp[3], new Vector4(k[0], k[1], k[2], k[3]));
    }

    internal (float Weight, float K, Vector3 Offset)[] Warps(ReadOnlySpan<float> weights)
    {
        var result = new (float, float, Vector3)[weights.Length];
        FillWarps(weights, result);
        return result;
    }

    private (float Weight, float K, Vector3 Offset)[]? _warpScratch;

    private void FillWarps(ReadOnlySpan<float> weights, Span<(float Weight, float K, Vector3 Offset)> result)
    {
        if (weights.Length != Sources.Count) throw new ArgumentException($"need {Sources.Count} weights, got {weights.Length}", nameof(weights));
        float sum = 0;
        for (int i = 0; i < weights.Length; i++)
        {
            if (!(weights[i] >= 0) || !float.IsFinite(weights[i])) throw new ArgumentOutOfRangeException(nameof(weights), $"weight {i} must be finite and >= 0, got {weights[i]}");
            sum += weights[i];
        }
        if (!(sum > 0)) throw new ArgumentException("weights sum to zero", nameof(weights));
        if (Schedule == MorphSchedule.Linear)
        {
            for (int i = 0; i < weights.Length; i++) result[i] = (weights[i] / sum, 1f, Vector3.Zero);
            return;
        }
        Vector3 centre = Vector3.Zero;
        float size = 0;
        for (int i = 0; i < weights.Length; i++)
        {
            if (_moments[i].Volume <= 0)
                throw new InvalidOperationException($"source {i} has no interior on the {Grid.Resolution}^3 grid, so the aligned schedule cannot place it; raise the resolution or use the Linear schedule");
            float w = weights[i] / sum;
            centre += w * _moments[i].Centroid;
            size += w * _moments[i].Size;
        }
        for (int i = 0; i < weights.Length; i++)
        {
            float k = _moments[i].Size / size;
            result[i] = (weights[i] / sum, k, _moments[i].Centroid - k * centre);
        }
    }

    /// <summary>Records the morph at <paramref name="t"/> and its isosurface in one batch, submits, reads the mesh
    /// (re-running once if the isosurfacer had to grow) and returns it with the batch's GPU timings.</summary>
    public (TriangleMesh Mesh, IReadOnlyList<GpuTiming> Timings) ExtractFrame(IsoSurfacer iso, float t)
    {
        ArgumentNullException.ThrowIfNull(iso);
        var weights = WeightsAt(t);
        for (int attempt = 0; ; attempt++)
        {
            using var batch = _gpu.BeginBatch();
            bool sparse;
            using (batch.Time("morph")) sparse = RecordSparseMorph(batch, weights);
            using (batch.Time("isosurface"))
            {
                if (sparse) iso.RecordBlocks(batch, Grid, Distance, Color, _blocks, slot: 0, Gradient);
                else iso.Record(batch, Grid, Distance, Color, gradient: Gradient);
            }
            batch.Submit();
            if (iso.TryReadMesh(out var mesh)) return (mesh, batch.Timings);
            if (attempt > 0) throw new InvalidOperationException("isosurface output did not fit after growing the buffers");
        }
    }

    /// <summary>CPU reference of <see cref="Record(CommandBatch, ReadOnlySpan{float})"/> over the same source grids.</summary>
    public (float[] Distance, uint[] Color) EvaluateCpu(ReadOnlySpan<float> weights)
    {
        var warps = Warps(weights);
        var sd = _sourceDistance.Select(b => b.ToArray()).ToArray();
        var sc = _sourceColor.Select(b => b.ToArray()).ToArray();
        return MorphReference(Grid, sd, sc, warps);
    }

    internal static (float[] Distance, uint[] Color) MorphReference(SdfGrid grid, float[][] sd, uint[][] sc, (float Weight, float K, Vector3 Offset)[] warps)
    {
        int n = grid.Resolution;
        var d = new float[grid.PointCount];
        var c = new uint[grid.PointCount];
        float top = n - 1;
        for (int pass = 0; pass < 2; pass++)
        {
        bool first = true;
        for (int s = 0; s < warps.Length; s++)
        {
            var (w, k, a) = warps[s];
            if (w == 0) continue;
            for (int z = 0; z < n; z++)
            for (int y = 0; y < n; y++)
            for (int x = 0; x < n; x++)
            {
                long i = grid.Index(x, y, z);
                if (pass == 1 && MathF.Abs(d[i]) > ColorBandVoxels * grid.VoxelSize) continue;
                var q = a + k * grid.Point(x, y, z);
                var g = (q - grid.Min) / grid.VoxelSize;
                var gc = Vector3.Clamp(g, Vector3.Zero, new Vector3(top));
                float outside = (g - gc).Length() * grid.VoxelSize;
                int bx = (int)MathF.Min(MathF.Floor(gc.X), top - 1), by = (int)MathF.Min(MathF.Floor(gc.Y), top - 1), bz = (int)MathF.Min(MathF.Floor(gc.Z), top - 1);
                var f = gc - new Vector3(bx, by, bz);
                float dist = 0;
                var col = Vector4.Zero;
                for (int corner = 0; corner < 8; corner++)
                {
                    int ox = corner & 1, oy = (corner >> 1) & 1, oz = (corner >> 2) & 1;
                    float wt = (ox == 1 ? f.X : 1 - f.X) * (oy == 1 ? f.Y : 1 - f.Y) * (oz == 1 ? f.Z : 1 - f.Z);
                    long j = grid.Index(bx + ox, by + oy, bz + oz);
                    dist += wt * sd[s][j];
                    col += wt * ColorPacking.Unpack(sc[s][j]);
                }
                dist = w * (dist + outside) / k;
                if (pass == 0) d[i] = first ? dist : d[i] + dist;
                else c[i] = first ? ColorPacking.Pack(w * col) : ColorPacking.Pack(ColorPacking.Unpack(c[i]) + w * col);
            }
            first = false;
        }
        }
        return (d, c);
    }

    /// <summary>CPU reference of <see cref="Gradient"/> for <paramref name="weights"/>: the downloaded source gradient grids
    /// (from the sources that know theirs) or central differences of the source distance grids, warped and blended.</summary>
    public float[] EvaluateGradientCpu(ReadOnlySpan<float> weights)
    {
        if (_sourceGradient is null) throw new InvalidOperationException("this morph was created without gradients");
        var warps = Warps(weights);
        int n = Grid.Resolution;
        long total = Grid.PointCount;
        var result = new float[3 * total];
        float top = n - 1;
        bool first = true;
        for (int s = 0; s < warps.Length; s++)
        {
            var (w, k, a) = warps[s];
            if (w == 0) continue;
            float[] g = Sources[s] is ISdfGradientSource ? _sourceGradient[s].ToArray() : CentralDifferences(Grid, _sourceDistance[s].ToArray());
            for (int z = 0; z < n; z++)
            for (int y = 0; y < n; y++)
            for (int x = 0; x < n; x++)
            {
                long i = Grid.Index(x, y, z);
                var q = a + k * Grid.Point(x, y, z);
                var gc = Vector3.Clamp((q - Grid.Min) / Grid.VoxelSize, Vector3.Zero, new Vector3(top));
                int bx = (int)MathF.Min(MathF.Floor(gc.X), top - 1), by = (int)MathF.Min(MathF.Floor(gc.Y), top - 1), bz = (int)MathF.Min(MathF.Floor(gc.Z), top - 1);
                var f = gc - new Vector3(bx, by, bz);
                for (int axis = 0; axis < 3; axis++)
                {
                    float sum = 0;
                    for (int corner = 0; corner < 8; corner++)
                    {
                        int ox = corner & 1, oy = (corner >> 1) & 1, oz = (corner >> 2) & 1;
                        float wt = (ox == 1 ? f.X : 1 - f.X) * (oy == 1 ? f.Y : 1 - f.Y) * (oz == 1 ? f.Z : 1 - f.Z);
                        sum += wt * g[axis * total + Grid.Index(bx + ox, by + oy, bz + oz)];
                    }
                    result[axis * total + i] = first ? w * sum : result[axis * total + i] + w * sum;
                }
            }
            first = false;
        }
        return result;
    }

    /// <summary>Central differences of a distance grid in world units (one-sided at the faces), as morph_source_gradient.</summary>
    internal static float[] CentralDifferences(SdfGrid grid, float[] distance)
    {
        int n = grid.Resolution;
        long total = grid.PointCount;
        var g = new float[3 * total];
        for (int z = 0; z < n; z++)
        for (int y = 0; y < n; y++)
        for (int x = 0; x < n; x++)
        {
            long i = grid.Index(x, y, z);
            Span<int> c = [x, y, z];
            for (int axis = 0; axis < 3; axis++)
            {
                Span<int> lo = [x, y, z], hi = [x, y, z];
                lo[axis] = Math.Max(c[axis] - 1, 0);
                hi[axis] = Math.Min(c[axis] + 1, n - 1);
                g[axis * total + i] = (distance[grid.Index(hi[0], hi[1], hi[2])] - distance[grid.Index(lo[0], lo[1], lo[2])]) / ((hi[axis] - lo[axis]) * grid.VoxelSize);
            }
        }
        return g;
    }

    private static SdfMoments ComputeMoments(SdfGrid grid, float[] distance)
    {
        int n = grid.Resolution;
        long count = 0;
        double sx = 0, sy = 0, sz = 0; // doubles: 16M points of coordinates up to 255 overflow float precision
        for (int z = 0; z < n; z++)
        for (int y = 0; y < n; y++)
        for (int x = 0; x < n; x++)
        {
            if (distance[grid.Index(x, y, z)] >= 0) continue;
            count++;
            sx += x; sy += y; sz += z;
        }
        if (count == 0) return new SdfMoments(0, grid.Bounds.Center);
        float voxel = grid.VoxelSize;
        return new SdfMoments(count * voxel * voxel * voxel, grid.Min + voxel * new Vector3((float)(sx / count), (float)(sy / count), (float)(sz / count)));
    }

    /// <summary>Frees the per-source distance and colour buffers on the GPU.</summary>
    public void Dispose()
    {
        foreach (var b in _sourceDistance) b.Dispose();
        foreach (var b in _sourceColor) b.Dispose();
        Distance.Dispose();
        Color.Dispose();
        if (_sourceGradient is not null) foreach (var b in _sourceGradient) b.Dispose();
        Gradient?.Dispose();
        _bricks.Dispose();
        _blocks.Dispose();
    }
}
