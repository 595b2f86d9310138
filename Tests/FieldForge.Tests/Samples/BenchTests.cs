using FieldForge.Bench;

namespace FieldForge.Tests.Samples;

/// <summary>
/// Runs every benchmark in quick mode on the validated context so the Bench sample cannot rot. This checks that each
/// benchmark completes and reports tables; it asserts nothing about timings (those never enter tests).
/// </summary>
public class BenchTests : GpuTest
{
    private static IEnumerable<TestCaseData> Benchmarks() => typeof(IBenchmark).Assembly.GetTypes()
        .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IBenchmark).IsAssignableFrom(t))
        .OrderBy(t => t.Name)
        .Select(t => new TestCaseData(t).SetName($"Bench_{t.Name}_QuickRun_WritesItsTables"));

    [TestCaseSource(nameof(Benchmarks))]
    public void Benchmark_QuickRun_WritesItsTables(Type benchType)
    {
        var bench = (IBenchmark)Activator.CreateInstance(benchType)!;
        var dir = Path.Combine(Path.GetTempPath(), $"ff-bench-{bench.Name}-{Guid.NewGuid():N}");
        try
        {
            var report = new BenchReport(Gpu.DeviceInfo);
            bench.Run(Gpu, report, quick: true);
            report.Write(dir);
            var markdown = File.ReadAllText(Path.Combine(dir, "results.md"));
            Assert.That(markdown, Does.Contain(Gpu.DeviceInfo.Name), "every report names its device");
            Assert.That(markdown, Does.Contain("|---|"), $"{bench.Name} wrote no table");
            Assert.That(File.ReadAllText(Path.Combine(dir, "results.json")), Does.Contain("\"rows\""));
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, true);
        }
    }
}
