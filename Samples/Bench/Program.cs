using FieldForge.Bench;
using FieldForge.Gpu;

// `./ff bench [name...] [--quick] [--out DIR]`: runs the named benchmarks (default: all) in one process on one
// device and writes bench/results.md + results.json. A benchmark is any IBenchmark class in this assembly (found by
// reflection, so features add theirs without touching this file); "gpu" runs first, the rest alphabetically. The
// device's roofline (streaming copy + FMA loop) is measured first in every run, so each kernel row can say how close
// to the device's limit it runs.
var all = typeof(IBenchmark).Assembly.GetTypes()
    .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IBenchmark).IsAssignableFrom(t))
    .Select(t => (IBenchmark)Activator.CreateInstance(t)!)
    .OrderBy(b => b.Name == "gpu" ? "" : b.Name, StringComparer.Ordinal).ToArray();

var names = args.Where(a => !a.StartsWith("--", StringComparison.Ordinal) && a != "all").ToList();
bool quick = args.Contains("--quick");
int outIndex = Array.IndexOf(args, "--out");
string outDir = outIndex >= 0 && outIndex + 1 < args.Length ? args[outIndex + 1] : "bench";
if (outIndex >= 0 && outIndex + 1 < args.Length) names.Remove(args[outIndex + 1]);
var unknown = names.Where(n => all.All(b => b.Name != n)).ToArray();
if (unknown.Length > 0)
{
    Console.Error.WriteLine($"error: unknown benchmark '{unknown[0]}'; available: {string.Join(", ", all.Select(b => b.Name))}, all");
    return 2;
}
var selected = names.Count == 0 ? all : all.Where(b => names.Contains(b.Name)).ToArray();
using var gpu = GpuContext.Create();
Console.WriteLine($"device: {gpu.DeviceInfo}; host load average {BenchReport.LoadAverage()}");
var report = new BenchReport(gpu.DeviceInfo);
report.Roofline = RooflineBench.Measure(gpu, report, quick);
foreach (var bench in selected) bench.Run(gpu, report, quick);
report.Write(outDir);
Console.WriteLine($"\nwrote {Path.Combine(outDir, "results.md")} and results.json");
return 0;
