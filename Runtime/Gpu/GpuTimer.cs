using Silk.NET.Vulkan;

namespace FieldForge.Gpu;

/// <summary>
/// Timestamp queries for named regions of one <see cref="CommandBatch"/>. Regions may repeat (summed) and nest.
/// On devices without compute timestamps it records nothing and reports no timings. A timer is reused by a batch
/// that is restarted every frame, so beginning regions and reading results allocate nothing.
/// </summary>
public sealed unsafe class GpuTimer : IDisposable
{
    private const int Capacity = 512;
    private readonly GpuContext _context;
    private readonly QueryPool _pool;
    private readonly Region[] _regions = new Region[Capacity / 2];
    private readonly ulong[] _raw = new ulong[Capacity];
    private readonly RegionTime[] _sums = new RegionTime[Capacity / 2];
    private int _regionCount, _sumCount;
    private uint _next;
    private double _elapsed = double.NaN;

    private record struct Region(string Name, uint Begin, uint End);

    internal GpuTimer(GpuContext context, CommandBuffer commands)
    {
        _context = context;
        if (!context.DeviceInfo.Timestamps) return;
        var info = new QueryPoolCreateInfo { SType = StructureType.QueryPoolCreateInfo, QueryType = QueryType.Timestamp, QueryCount = Capacity };
        QueryPool pool;
        VulkanResult.Check(context.Api.CreateQueryPool(context.Device, &info, null, &pool));
        _pool = pool;
        Reset(commands);
    }

    /// <summary>Forgets the previous regions and records the query-pool reset at the start of <paramref name="commands"/>.</summary>
    internal void Reset(CommandBuffer commands)
    {
        _regionCount = _sumCount = 0;
        _next = 0;
        _elapsed = double.NaN;
        if (_pool.Handle != 0) _context.Api.CmdResetQueryPool(commands, _pool, 0, Capacity);
    }

    internal Scope Begin(CommandBuffer commands, string region)
    {
        if (_pool.Handle == 0 || _next + 2 > Capacity) return default;
        uint begin = _next++, end = _next++;
        _context.Api.CmdWriteTimestamp(commands, PipelineStageFlags.TopOfPipeBit, _pool, begin);
        _regions[_regionCount++] = new Region(region, begin, end);
        return new Scope(this, commands, end);
    }

    private void End(CommandBuffer commands, uint query) =>
        _context.Api.CmdWriteTimestamp(commands, PipelineStageFlags.BottomOfPipeBit, _pool, query);

    /// <summary>Reads the results into the timer's own arrays; call only after the batch completed.</summary>
    internal void Collect()
    {
        _sumCount = 0;
        _elapsed = double.NaN;
        if (_pool.Handle == 0 || _next == 0) return;
        fixed (ulong* p = _raw)
            VulkanResult.Check(_context.Api.GetQueryPoolResults(_context.Device, _pool, 0, _next, (nuint)(_next * 8), p, 8,
                QueryResultFlags.Result64Bit | QueryResultFlags.ResultWaitBit));
        double period = _context.TimestampPeriodNs;
        ulong first = ulong.MaxValue, last = 0;
        for (int r = 0; r < _regionCount; r++)
        {
            var (name, b, e) = _regions[r];
            first = Math.Min(first, _raw[b]);
            last = Math.Max(last, _raw[e]);
            double ms = (_raw[e] - _raw[b]) * period / 1e6;
            int slot = 0;
            while (slot < _sumCount && !string.Equals(_sums[slot].Region, name, StringComparison.Ordinal)) slot++;
            if (slot == _sumCount) _sums[_sumCount++] = new RegionTime(name, 0, 0);
            _sums[slot] = new RegionTime(name, _sums[slot].Milliseconds + ms, _sums[slot].Count + 1);
        }
        _elapsed = (last - first) * period / 1e6;
    }

    /// <summary>Summed time per region of the last collected batch, in first-use order (a view of reused storage).</summary>
    internal ReadOnlySpan<RegionTime> Sums => _sums.AsSpan(0, _sumCount);

    /// <summary>GPU milliseconds from the first region's start to the last region's end; NaN when nothing was timed.</summary>
    internal double ElapsedMilliseconds => _elapsed;

    /// <summary>Frees the timestamp query pool.</summary>
    public void Dispose()
    {
        if (_pool.Handle != 0) _context.Api.DestroyQueryPool(_context.Device, _pool, null);
    }

    /// <summary>The open timing region returned by <see cref="CommandBatch.Time"/>: disposing it records the region's end
    /// timestamp. A struct, so timing a region allocates nothing; the default value times nothing.</summary>
    public readonly struct Scope : IDisposable
    {
        private readonly GpuTimer? _timer;
        private readonly CommandBuffer _commands;
        private readonly uint _end;

        internal Scope(GpuTimer timer, CommandBuffer commands, uint end) => (_timer, _commands, _end) = (timer, commands, end);

        /// <summary>Records the end of the region (no-op for the default scope).</summary>
        public void Dispose() => _timer?.End(_commands, _end);
    }
}

/// <summary>Summed GPU time of one region (no allocation, unlike <see cref="GpuTiming"/>).</summary>
internal readonly record struct RegionTime(string Region, double Milliseconds, int Count);
