using FieldForge.Gpu;

namespace FieldForge.Bench;

/// <summary>One feature's benchmark: measures everything it compares in one run and writes tables of ratios.</summary>
public interface IBenchmark
{
    /// <summary>The word after `./ff bench`.</summary>
    string Name { get; }
    void Run(GpuContext gpu, BenchReport report, bool quick);
}
