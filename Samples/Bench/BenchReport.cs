using System.Text.Json.Nodes;
using System.Text;
using System.Text.Json;
using FieldForge.Gpu;

namespace FieldForge.Bench;

/// <summary>A table of one comparison, printed as soon as a row is measured and kept for the markdown/JSON report.</summary>
public sealed class BenchTable(string title, string[] columns)
{
    public string Title { get; } = title;
    public string[] Columns { get; } = columns;
    public List<string[]> Rows { get; } = new();

    public void Add(params object[] cells)
    {
        var row = cells.Select(c => c switch { double d => d.ToString("G4"), float f => f.ToString("G4"), _ => c?.ToString() ?? "" }).ToArray();
        Rows.Add(row);
        Console.WriteLine("  " + string.Join(" | ", row));
    }

    public string ToMarkdown()
    {
        var sb = new StringBuilder();
        sb.AppendLine($"### {Title}").AppendLine();
        sb.AppendLine("| " + string.Join(" | ", Columns) + " |");
        sb.AppendLine("|" + string.Concat(Columns.Select(_ => "---|")));
        foreach (var r in Rows) sb.AppendLine("| " + string.Join(" | ", r) + " |");
        return sb.AppendLine().ToString();
    }
}

/// <summary>Everything one `./ff bench` run measured, with the device it ran on; written to bench/results.md and .json.</summary>
public sealed class BenchReport(GpuDeviceInfo device)
{
    private readonly List<(string Section, object Item)> _items = new();
    private string _section = "";

    public GpuDeviceInfo Device { get; } = device;

    private readonly string _loadAtStart = LoadAverage();

    /// <summary>The host's 1-minute load average (Linux), or "n/a": context for figures taken on shared cores.</summary>
    public static string LoadAverage()
    {
        try { return File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a"; }
        catch (IOException) { return "n/a"; }
    }

    /// <summary>The device's measured limits (streaming copy, FMA loop), set before any benchmark runs.</summary>
    public DeviceRoofline? Roofline { get; set; }

    /// <summary>A kernel's achieved bandwidth and its fraction of the measured peak, e.g. "12.1 GB/s (48% of peak)".</summary>
    public string Bandwidth(double bytesPerSecond) =>
        Roofline is null ? $"{bytesPerSecond / 1e9:F2} GB/s" : $"{bytesPerSecond / 1e9:F2} GB/s ({Roofline.BandwidthFraction(bytesPerSecond):P0} of peak)";

    /// <summary>A kernel's achieved arithmetic rate and its fraction of the measured FMA peak.</summary>
    public string Compute(double flopsPerSecond) =>
        Roofline is null ? $"{flopsPerSecond / 1e9:F2} GFLOP/s" : $"{flopsPerSecond / 1e9:F2} GFLOP/s ({Roofline.ComputeFraction(flopsPerSecond):P0} of peak)";

    public void Section(string name)
    {
        _section = name;
        Console.WriteLine($"\n== {name} ==");
    }

    public BenchTable Table(string title, params string[] columns)
    {
        var t = new BenchTable(title, columns);
        _items.Add((_section, t));
        Console.WriteLine($"{title}\n  {string.Join(" | ", columns)}");
        return t;
    }

    private readonly SortedDictionary<string, double> _summary = new(StringComparer.Ordinal);

    /// <summary>A headline figure for the top-level <c>"summary"</c> object of results.json (names come from the issues
    /// that asked for them). A later run of another benchmark keeps the keys it did not measure.</summary>
    public void Summary(string key, double value)
    {
        _summary[key] = value;
        Console.WriteLine($"  summary: {key} = {value:G6}");
    }

    public void Note(string text)
    {
        _items.Add((_section, text));
        Console.WriteLine($"  note: {text}");
    }

    public void Write(string directory)
    {
        Directory.CreateDirectory(directory);
        var md = new StringBuilder();
        md.AppendLine("# FieldForge benchmark results").AppendLine();
        md.AppendLine($"Device: **{Device}**  ").AppendLine($"Host: {Environment.ProcessorCount} logical cores, {Environment.OSVersion}, .NET {Environment.Version}  ");
        md.AppendLine($"Date: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC  ");
        md.AppendLine($"Host load average (1 min) at start / end: {_loadAtStart} / {LoadAverage()} (other processes share these cores; on a CPU driver they slow the GPU and CPU columns alike)").AppendLine();
        string? current = null;
        foreach (var (section, item) in _items)
        {
            if (section != current) { md.AppendLine($"## {section}").AppendLine(); current = section; }
            md.Append(item is BenchTable t ? t.ToMarkdown() : $"> {item}\n\n");
        }
        File.WriteAllText(Path.Combine(directory, "results.md"), md.ToString());
        string jsonPath = Path.Combine(directory, "results.json");
        var json = new
        {
            summary = MergedSummary(jsonPath),
            device = Device.ToString(),
            load_average = new { start = _loadAtStart, end = LoadAverage() },
            date = DateTime.UtcNow,
            sections = _items.GroupBy(i => i.Section).Select(g => new
            {
                name = g.Key,
                tables = g.Select(i => i.Item).OfType<BenchTable>().Select(t => new { title = t.Title, columns = t.Columns, rows = t.Rows }),
                notes = g.Select(i => i.Item).OfType<string>(),
            }),
        };
        File.WriteAllText(jsonPath, JsonSerializer.Serialize(json, new JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>This run's summary over the one already on disk, so `./ff bench noise` does not erase the FDTD figures.</summary>
    private SortedDictionary<string, double> MergedSummary(string jsonPath)
    {
        var merged = new SortedDictionary<string, double>(StringComparer.Ordinal);
        try
        {
            if (File.Exists(jsonPath)
                && JsonNode.Parse(File.ReadAllText(jsonPath))?["summary"] is JsonObject old)
                foreach (var (key, value) in old)
                    if (value is JsonValue v && v.TryGetValue(out double d)) merged[key] = d;
        }
        catch (JsonException) { } // an unreadable old report is replaced, not merged
        foreach (var (key, value) in _summary) merged[key] = value;
        return merged;
    }
}
