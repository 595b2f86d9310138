using System.Diagnostics;
using FieldForge.Gpu;

// `./ff demo`: every feature end to end on the default device; results land in out/ with out/summary.md.
// Each feature adds its step here as it lands.
string outDir = args.SkipWhile(a => a != "--out").Skip(1).FirstOrDefault() ?? "out";
Directory.CreateDirectory(outDir);
using var gpu = GpuContext.Create();
Console.WriteLine($"FieldForge showcase on {gpu.DeviceInfo}");
var summary = new List<string> { "# FieldForge showcase", "", $"Device: {gpu.DeviceInfo}", "" };
var sw = Stopwatch.StartNew();
using (var data = gpu.CreateBuffer<float>(Enumerable.Range(0, 1 << 20).Select(i => (float)i).ToArray()))
    summary.Add($"- GPU sum of 0..2^20-1 = {gpu.Primitives.Sum(data):G9} ({sw.ElapsedMilliseconds} ms)");
File.WriteAllLines(Path.Combine(outDir, "summary.md"), summary);
Console.WriteLine($"wrote {Path.Combine(outDir, "summary.md")}");
return 0;
