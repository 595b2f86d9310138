using Silk.NET.Vulkan;

namespace FieldForge.Gpu;

/// <summary>
/// Timestamp queries for named regions of one <see cref="CommandBatch"/>. Regions may repeat (summed) and nest.
/// On devices without compute timestamps it records nothing and reports no timings.
/// </summary>
public sealed unsafe class GpuTimer : IDisposable
{
    private const int Capacity = 512;
    private readonly GpuContext _context;
    private readonly QueryPool _pool;
    private readonly List<(string Name, uint Begin, uint End)> _regions = new();
    private uint _next;

    internal GpuTimer(GpuContext context, CommandBuffer commands)
    {
        _context = context;
        if (!context.DeviceInfo.Timestamps) return;
        var info = new QueryPoolCreateInfo { SType = StructureType.QueryPoolCreateInfo, QueryType = QueryType.Timestamp, QueryCount = Capacity };
        QueryPool pool;
        VulkanResult.Check(context.Api.CreateQueryPool(context.Device, &info, null, &pool));
        _pool = pool;
        context.Api.CmdResetQueryPool(commands, _pool, 0, Capacity);
    }

    internal IDisposable Begin(CommandBuffer commands, string region)
    {
        if (_pool.Handle == 0 || _next + 2 > Capacity) return Scope.None;
        uint begin = _next++, end = _next++;
        _context.Api.CmdWriteTimestamp(commands, PipelineStageFlags.TopOfPipeBit, _pool, begin);
        int index = _regions.Count;
        _regions.Add((region, begin, end));
        return new Scope(() => _context.Api.CmdWriteTimestamp(commands, PipelineStageFlags.BottomOfPipeBit, _pool, end));
    }

    /// <summary>Reads the results; call only after the batch completed.</summary>
    internal IReadOnlyList<GpuTiming> Read()
    {
        if (_pool.Handle == 0 || _next == 0) return Array.Empty<GpuTiming>();
        var raw = new ulong[_next];
        fixed (ulong* p = raw)
            VulkanResult.Check(_context.Api.GetQueryPoolResults(_context.Device, _pool, 0, _next, (nuint)(raw.Length * 8), p, 8,
                QueryResultFlags.Result64Bit | QueryResultFlags.ResultWaitBit));
        double period = _context.TimestampPeriodNs;
        var sums = new Dictionary<string, (double Ms, int Count)>();
        var order = new List<string>();
        foreach (var (name, b, e) in _regions)
        {
            double ms = (raw[e] - raw[b]) * period / 1e6;
            if (!sums.TryGetValue(name, out var s)) order.Add(name);
            sums[name] = (s.Ms + ms, s.Count + 1);
        }
        return order.Select(n => new GpuTiming(n, sums[n].Ms, sums[n].Count)).ToArray();
    }

    /// <summary>Frees the timestamp query pool.</summary>
    public void Dispose()
    {
        if (_pool.Handle != 0) _context.Api.DestroyQueryPool(_context.Device, _pool, null);
    }

    private sealed class Scope(Action end) : IDisposable
    {
        public static readonly Scope None = new(() => { });
        private Action? _end = end;
        public void Dispose() { _end?.Invoke(); _end = null; }
    }
}
