using System.Numerics;
using FieldForge.Morphing;
using FieldForge.Neural;
using FieldForge.Core;

namespace FieldForge.Tests.Morphing;

public sealed class NeuralSdfSourceTests : GpuTest
{
    private static NeuralField SmallField()
    {
        var config = NeuralFieldConfig.Create(EncodingKind.Grid, 3, 1, finestResolution: 32, levels: 4, log2TableSize: 12, width: 16, hiddenLayers: 1);
        var field = NeuralField.Create(Gpu, config);
        // Encoding tables in U(-1, 1) (instead of the ±1e-4 training init) so the output varies visibly over space.
        var p = field.DownloadParameters();
        var rng = Rng(3);
        for (long i = 0; i < field.Encoding.ParameterCount; i++) p[i] = (float)(rng.NextDouble() * 2 - 1);
        field.Parameters.Upload(p);
        return field;
    }

    [Test]
    public void Record_ChunkedGrid_MatchesNeuralCoreCpuReference()
    {
        using var field = SmallField();
        var domain = new Bounds(new Vector3(-1), new Vector3(1));
        var source = new NeuralSdfSource(field, domain, distanceScale: 2f, colour: new(0, 1, 0)) { ChunkLimit = 1000 };
        var grid = SdfGrid.Covering(domain, 14); // 2744 points: three chunks, the last one partial
        using var d = Gpu.CreateBuffer<float>(grid.PointCount);
        using var c = Gpu.CreateBuffer<uint>(grid.PointCount);
        using (var batch = Gpu.BeginBatch()) { source.Record(batch, grid, d, c); batch.Submit(); }
        var gd = d.ToArray();
        float spread = gd.Max() - gd.Min();
        Assert.That(spread, Is.GreaterThan(1e-3f), "the field varies over the grid");
        for (int z = 0; z < 14; z += 3) for (int y = 0; y < 14; y += 2) for (int x = 0; x < 14; x++)
        {
            var p = grid.Point(x, y, z);
            // GPU MLP (tiled FMAs) vs the neural core's CPU reference: float32 sums over 16-wide layers, 1e-4 relative to the spread.
            Assert.That(gd[grid.Index(x, y, z)], Is.EqualTo(source.Distance(p)).Within(1e-4f * MathF.Max(1, spread)), $"at {p}");
        }
        Assert.That(c.ToArray().Distinct().Single(), Is.EqualTo(ColourPacking.Pack(new Vector3(0, 1, 0))));
    }

    [Test]
    public void Constructor_WrongShapeOrDomain_IsRejected()
    {
        using var image = NeuralField.Create(Gpu, NeuralFieldConfig.Create(EncodingKind.Grid, 2, 3, finestResolution: 32, levels: 2, log2TableSize: 10, width: 16, hiddenLayers: 1));
        var b = new Bounds(-Vector3.One, Vector3.One);
        Assert.That(Assert.Throws<ArgumentException>(() => new NeuralSdfSource(image, b))!.Message, Does.Contain("3 inputs and 1 output"));
        using var field = SmallField();
        Assert.That(Assert.Throws<ArgumentException>(() => new NeuralSdfSource(field, new Bounds(Vector3.One, Vector3.One)))!.Message, Does.Contain("positive extent"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => new NeuralSdfSource(field, b, 0))!.Message, Does.Contain("distance scale"));
    }
}
