using System.Diagnostics;
using FieldForge.Gpu;
using FieldForge.Morphing;
using FieldForge.Core;

namespace FieldForge.Bench;

/// <summary>`./ff bench morph`: one morph + isosurface frame (sphere -> torus, aligned schedule) at 64^3, 128^3, 256^3,
/// GPU against the single-threaded CPU reference, measured in the same run.</summary>
public sealed class MorphBench : IBenchmark
{
    public string Name => "morph";

    public void Run(GpuContext gpu, BenchReport report, bool quick)
    {
        report.Section("Morphing (SDF morph + GPU isosurface)");
        ISdfSource[] sources = [SdfShape.Sphere(0.5f).WithColour(new(1, 0.3f, 0.1f)), SdfShape.Torus(0.6f, 0.2f).WithColour(new(0.1f, 0.4f, 1f))];
        int[] sizes = quick ? [32, 64] : [64, 128, 256];
        var frame = report.Table("One frame at t = 0.5: morph + classify/scan/compact/emit in one batch (ms = wall time incl. submit and mesh read-back)",
            "grid", "triangles", "GPU ms/frame", "GPU kernels ms", "triangles/s (GPU)", "CPU reference ms", "GPU/CPU speed-up");
        var stages = report.Table("GPU time per stage (timestamps, ms)", "grid", "morph", "classify", "scan x2", "vertices", "triangles",
            "morph bandwidth (min. traffic: each source grid read once, distance written once)");
        foreach (int n in sizes)
        {
            var grid = SdfMorph.GridFor(sources, n);
            using var morph = new SdfMorph(gpu, sources, grid);
            using var iso = new IsoSurfacer(gpu, n);
            TriangleMesh mesh = morph.ExtractFrame(iso, 0.5f).Mesh; // warm-up, sizes the output buffers
            double kernelMs = 0;
            double wallS = Measure.Seconds(() => { var r = morph.ExtractFrame(iso, 0.5f); mesh = r.Mesh; kernelMs = r.Timings.Sum(x => x.Milliseconds); }, quick ? 3 : 5);
            iso.TimeStages = true;
            var stageMs = new Dictionary<string, double>();
            using (var batch = gpu.BeginBatch())
            {
                using (batch.Time("morph")) morph.Record(batch, morph.WeightsAt(0.5f));
                iso.Record(batch, grid, morph.Distance, morph.Colour);
                batch.Submit();
                foreach (var t in batch.Timings) stageMs[t.Region] = t.Milliseconds;
            }
            iso.TimeStages = false;
            // CPU reference: the same morph and the same extraction, single-threaded, on the same source grids.
            var (d0, c0) = morph.EvaluateCpu(morph.WeightsAt(0.5f)); // downloads the source grids once (not timed)
            var sw = Stopwatch.StartNew();
            var (d, c) = morph.EvaluateCpu(morph.WeightsAt(0.5f));
            var cpuMesh = MarchingTetrahedra.Extract(grid, d, c);
            double cpuS = sw.Elapsed.TotalSeconds;
            if (cpuMesh.TriangleCount != mesh.TriangleCount)
                report.Note($"{n}^3: CPU reference produced {cpuMesh.TriangleCount} triangles, GPU {mesh.TriangleCount}");
            frame.Add($"{n}^3", mesh.TriangleCount, $"{wallS * 1e3:F1}", double.IsNaN(kernelMs) || kernelMs == 0 ? "n/a" : $"{kernelMs:F1}",
                Measure.Rate(mesh.TriangleCount / wallS, "tri"), $"{cpuS * 1e3:F0}", Measure.Ratio(cpuS / wallS));
            string S(string k) => stageMs.TryGetValue(k, out var v) ? $"{v:F2}" : "n/a";
            double points = grid.PointCount, minBytes = points * 4 * (sources.Length + 1);
            stages.Add($"{n}^3", S("morph"), S("iso classify"), S("iso scan"), S("iso vertices"), S("iso triangles"),
                stageMs.TryGetValue("morph", out var morphMs) ? report.Bandwidth(minBytes / (morphMs / 1e3)) : "n/a");
            if (n is 64 or 128 && kernelMs > 0) report.Summary($"morph{n}_gpu_ms", kernelMs);
            GC.KeepAlive(d0); GC.KeepAlive(c0);
        }
        report.Note("CPU reference = SdfMorph.EvaluateCpu + MarchingTetrahedra.Extract on one thread (includes downloading the source grids); " +
                    "the GPU column is one ExtractFrame: one submission, then reading back the indexed mesh.");
    }
}
