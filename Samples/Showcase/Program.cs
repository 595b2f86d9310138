using System.Diagnostics;
using FieldForge.Gpu;
using FieldForge.Showcase;

// `./ff demo [--quick] [--out DIR] [--step NAME]`: every feature (or the steps whose class name contains NAME) end to end on the default device (lavapipe when there is no GPU).
// Writes images, meshes and WAVs to out/ and out/summary.md listing each result with its timing and device.
string outDir = args.SkipWhile(a => a != "--out").Skip(1).FirstOrDefault() ?? "out";
bool quick = args.Contains("--quick");
string? only = args.SkipWhile(a => a != "--step").Skip(1).FirstOrDefault();
Directory.CreateDirectory(outDir);
var steps = typeof(IShowcaseStep).Assembly.GetTypes()
    .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IShowcaseStep).IsAssignableFrom(t))
    .Where(t => only is null || t.Name.Contains(only, StringComparison.OrdinalIgnoreCase))
    .Select(t => (IShowcaseStep)Activator.CreateInstance(t)!).OrderBy(s => s.Order).ToArray();

using var gpu = GpuContext.Create();
Console.WriteLine($"FieldForge showcase on {gpu.DeviceInfo}{(quick ? " (quick)" : "")}");
var summary = new List<string> { "# FieldForge showcase", "", $"Device: **{gpu.DeviceInfo}**", "" };
var total = Stopwatch.StartNew();
int failures = 0;
for (int i = 0; i < steps.Length; i++)
{
    var step = steps[i];
    Console.WriteLine($"[{i + 1}/{steps.Length}] {step.Title} ...");
    var sw = Stopwatch.StartNew();
    try
    {
        var result = step.Run(gpu, new ShowcaseOptions(outDir, quick));
        Console.WriteLine($"      done in {sw.Elapsed.TotalSeconds:F1} s: {string.Join(", ", result.Files)}");
        summary.Add($"## {step.Title} ({sw.Elapsed.TotalSeconds:F1} s)");
        summary.Add("");
        summary.AddRange(result.Summary.Select(s => $"- {s}"));
        summary.AddRange(result.Files.Select(f => f.EndsWith(".png") || f.EndsWith(".gif") ? $"- ![{f}]({f})" : $"- [{f}]({f})"));
        summary.Add("");
    }
    catch (Exception e) when (e is not GpuUnavailableException)
    {
        failures++;
        Console.Error.WriteLine($"      FAILED: {e.Message}");
        summary.Add($"## {step.Title}: FAILED — {e.Message}");
        summary.Add("");
    }
}
summary.Add($"Total: {total.Elapsed.TotalSeconds:F1} s");
File.WriteAllLines(Path.Combine(outDir, "summary.md"), summary);
Console.WriteLine($"wrote {Path.Combine(outDir, "summary.md")} ({total.Elapsed.TotalSeconds:F1} s)");
return failures == 0 ? 0 : 1;
