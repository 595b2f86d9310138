using FieldForge.Gpu;
using FieldForge.Neural;

namespace FieldForge.Tests.Neural;

public sealed class HashEncodingTests : GpuTest
{
    // 4 levels from 16 to 128 cells with T = 2^10: the coarse levels are dense, the fine ones hashed, so both paths run.
    private static HashEncodingConfig Tiny(int dims) => new(dims, Levels: 4, FeaturesPerLevel: 2, Log2TableSize: 10, BaseResolution: 16, FinestResolution: 128, Seed: 5);

    private static float[] RandomPoints(int count, int dims, int seed)
    {
        var rng = new Random(seed);
        var p = new float[count * dims];
        for (int i = 0; i < p.Length; i++) p[i] = (float)rng.NextDouble();
        // Corners and faces of the unit cube exercise the clamping and the last lattice vertex.
        for (int d = 0; d < dims; d++) { p[d * count + 0] = 0f; p[d * count + 1] = 1f; p[d * count + 2] = d == 0 ? 1f : 0.5f; }
        return p;
    }

    private static float[] RandomValues(long count, int seed, float range = 1f)
    {
        var rng = new Random(seed);
        var v = new float[count];
        for (int i = 0; i < v.Length; i++) v[i] = (float)(rng.NextDouble() * 2 - 1) * range;
        return v;
    }

    [Test]
    public void Layout_CoarseLevelsDense_FineLevelsHashedAtTableSize()
    {
        using var enc = new GridHashEncoding(Gpu, Tiny(2));
        Assert.That(enc.Levels[0].IsDense, Is.True);
        Assert.That(enc.Levels[0].Size, Is.EqualTo(18u * 18u), "16 cells + 2 vertices per axis");
        Assert.That(enc.Levels[^1].IsDense, Is.False);
        Assert.That(enc.Levels[^1].Size, Is.EqualTo(1024u));
        Assert.That(enc.Levels[^1].Scale, Is.EqualTo(128f).Within(1e-3));
        Assert.That(enc.ParameterCount, Is.EqualTo(enc.Levels.Sum(l => (long)l.Size) * 2));
    }

    [Test]
    public void Config_InvalidValues_RejectedWithMessage()
    {
        Assert.That(() => new HashEncodingConfig(Dimensions: 5).Validate(), Throws.ArgumentException.With.Message.Contains("Dimensions must be 2, 3 or 4, got 5"));
        Assert.That(() => new HashEncodingConfig(FeaturesPerLevel: 3).Validate(), Throws.ArgumentException.With.Message.Contains("FeaturesPerLevel"));
        Assert.That(() => new HashEncodingConfig(FinestResolution: float.NaN).Validate(), Throws.ArgumentException.With.Message.Contains("FinestResolution"));
        Assert.That(() => new HashEncodingConfig(Log2TableSize: 30).Validate(), Throws.ArgumentException.With.Message.Contains("Log2TableSize must be 10..24, got 30"));
    }

    [Test]
    public void GrowthFactor_MatchesPaperFormula()
    {
        var c = new HashEncodingConfig(Levels: 16, BaseResolution: 16, FinestResolution: 2048);
        Assert.That(c.GrowthFactor, Is.EqualTo(Math.Exp((Math.Log(2048) - Math.Log(16)) / 15)).Within(1e-12));
        Assert.That(c.LevelScale(15), Is.EqualTo(2048f).Within(0.01));
    }

    [TestCase(2, 0.7598356856515925)]
    [TestCase(3, 0.7937005259840998)]
    [TestCase(4, 0.8177654339579425)]
    public void SimplexLevelScales_ShrunkToGridVertexDensityByDefault(int dims, double factor)
    {
        // (n+1)^(-1/(2n)): 3^(-1/4), 4^(-1/6), 5^(-1/8).
        var config = Tiny(dims);
        Assert.That(config.LatticeScaleFactor(EncodingKind.Simplex), Is.EqualTo(factor).Within(1e-12));
        Assert.That(config.LatticeScaleFactor(EncodingKind.Grid), Is.EqualTo(1.0));
        using var simplex = new SimplexHashEncoding(Gpu, config);
        using var unscaled = new SimplexHashEncoding(Gpu, config with { MatchGridVertexDensity = false });
        using var grid = new GridHashEncoding(Gpu, config);
        using var gridOff = new GridHashEncoding(Gpu, config with { MatchGridVertexDensity = false });
        for (int l = 0; l < config.Levels; l++)
        {
            Assert.That(simplex.LevelScale(l), Is.EqualTo((float)(config.LevelScale(l) * factor)).Within(1e-4), $"level {l}");
            Assert.That(unscaled.LevelScale(l), Is.EqualTo(config.LevelScale(l)), $"level {l}");
            Assert.That(grid.LevelScale(l), Is.EqualTo(config.LevelScale(l)), $"level {l}: the grid ignores the flag");
            Assert.That(gridOff.LevelScale(l), Is.EqualTo(config.LevelScale(l)), $"level {l}");
        }
        Assert.That(simplex.LevelScale(0), Is.EqualTo(16 * factor).Within(1e-4));
        Assert.That(simplex.LevelScale(3), Is.EqualTo(128 * factor).Within(1e-3));
    }

    // Counted, not computed: the distinct lattice vertices that points spread over the unit square/cube touch at one
    // dense level. The grid at N cells touches (N+1)^n; the skewed simplex lattice at the same scale touches about
    // sqrt(n+1) times as many, and with the default shrunk scale about as many as the grid (the boundary adds a little).
    [TestCase(2, 32f, 20_000)]
    [TestCase(3, 16f, 60_000)]
    public void SimplexDefault_TouchesAboutTheGridsVertexCount(int dims, float resolution, int points)
    {
        var config = new HashEncodingConfig(dims, Levels: 1, FeaturesPerLevel: 1, Log2TableSize: 16, BaseResolution: resolution, FinestResolution: resolution);
        int Touched(HashEncoding enc)
        {
            Assert.That(enc.Levels[0].IsDense, Is.True, "a dense level: distinct entries are distinct vertices");
            var rng = new Random(21);
            var seen = new HashSet<uint>();
            var point = new float[dims];
            var entries = new uint[enc.VerticesPerLevel];
            var w = new float[enc.VerticesPerLevel];
            for (int s = 0; s < points; s++)
            {
                for (int d = 0; d < dims; d++) point[d] = (float)rng.NextDouble();
                int v = enc.LevelVertices(point, 0, entries, w);
                for (int c = 0; c < v; c++) seen.Add(entries[c]);
            }
            return seen.Count;
        }
        using var grid = new GridHashEncoding(Gpu, config);
        using var simplex = new SimplexHashEncoding(Gpu, config);
        using var unscaled = new SimplexHashEncoding(Gpu, config with { MatchGridVertexDensity = false });
        int g = Touched(grid), s = Touched(simplex), u = Touched(unscaled);
        Assert.That(g, Is.EqualTo((int)Math.Pow(resolution + 1, dims)), "every grid vertex of the unit cube");
        Assert.That((double)s / g, Is.InRange(0.9, 1.2), $"matched simplex touches {s} vertices, grid {g}");
        Assert.That((double)u / g, Is.GreaterThan(1.4), $"unscaled simplex touches {u} vertices, grid {g}");
    }

    // Every vertex that points in (and on the faces and corners of) the unit cube reach gets its own entry of the compact
    // dense layout, inside the level's table; checked at scales from a few cells to the largest dense levels of the benches.
    [TestCase(2, new[] { 2.3f, 12.16f, 97.3f, 389.1f })]
    [TestCase(3, new[] { 1.59f, 12.7f, 46.3f, 55.7f })]
    [TestCase(4, new[] { 1.64f, 6.5f, 13.1f })]
    public void CompactDenseIndex_DistinctVerticesGetDistinctEntriesInRange(int dims, float[] scales)
    {
        var rng = new Random(dims);
        var position = new float[dims];
        var coordinates = new uint[(dims + 1) * dims];
        var weights = new float[dims + 1];
        foreach (float scale in scales)
        {
            uint side = (uint)Math.Ceiling(scale) + 3;
            long size = SimplexHashEncoding.CompactMultiplicity(dims) * (long)Math.Pow(side, dims);
            var owner = new Dictionary<uint, string>();
            for (int s = 0; s < 30_000; s++)
            {
                for (int d = 0; d < dims; d++)
                    position[d] = (s % 3 == 0 ? rng.Next(3) * 0.5f : (float)rng.NextDouble()) * scale; // faces and corners too
                SimplexHashEncoding.SimplexVertices(position, coordinates, weights);
                for (int v = 0; v <= dims; v++)
                {
                    var c = coordinates.AsSpan(v * dims, dims);
                    uint entry = SimplexHashEncoding.CompactDenseIndex(c, side);
                    Assert.That(entry, Is.LessThan(size), $"scale {scale}: vertex ({string.Join(",", c.ToArray())})");
                    string key = string.Join(",", c.ToArray());
                    if (owner.TryGetValue(entry, out var other)) Assert.That(other, Is.EqualTo(key), $"scale {scale}: entry {entry} shared");
                    else owner[entry] = key;
                }
            }
        }
    }

    // Levels stored in the compact dense layout (no hashed level at all): the kernels index them as the CPU reference does.
    [TestCase(2)]
    [TestCase(3)]
    [TestCase(4)]
    public void CompactDenseLevels_ForwardAndBackward_Gpu_MatchCpuReference(int dims)
    {
        var config = new HashEncodingConfig(dims, Levels: 3, FeaturesPerLevel: 2, Log2TableSize: 17, BaseResolution: 4, FinestResolution: dims == 4 ? 8 : 24, Seed: 3);
        using var enc = new SimplexHashEncoding(Gpu, config);
        for (int l = 0; l < config.Levels; l++) Assert.That(enc.Levels[l].Dense, Is.EqualTo(2u), $"level {l} is compact dense");
        const int count = 400;
        var points = RandomPoints(count, dims, 8);
        var parameters = RandomValues(enc.ParameterCount, 9);
        var expected = new float[count * enc.OutputDimensions];
        enc.ForwardReference(points, parameters, expected, count);
        var featureGrad = RandomValues((long)count * enc.OutputDimensions, 10);
        var expectedGrad = new float[enc.ParameterCount];
        enc.BackwardReference(points, featureGrad, expectedGrad, count);

        using var p = Gpu.CreateBuffer<float>(points);
        using var t = Gpu.CreateBuffer<float>(parameters);
        using var f = Gpu.CreateBuffer<float>(expected.Length);
        using var g = Gpu.CreateBuffer<float>(featureGrad);
        using var grads = Gpu.CreateBuffer<float>(enc.ParameterCount);
        using (var batch = Gpu.BeginBatch())
        {
            enc.RecordForward(batch, p, t, f, count);
            Gpu.Primitives.RecordFill(batch, grads, 0f);
            enc.RecordBackward(batch, p, g, grads, count);
            batch.Submit();
        }
        var actual = f.ToArray();
        // As in Forward_Gpu_MatchesCpuReference and Backward_Gpu_MatchesCpuReference.
        for (int i = 0; i < actual.Length; i++) Assert.That(actual[i], Is.EqualTo(expected[i]).Within(1e-5), $"feature {i}");
        var actualGrad = grads.ToArray();
        for (int i = 0; i < expectedGrad.Length; i++) Assert.That(actualGrad[i], Is.EqualTo(expectedGrad[i]).Within(1e-4), $"parameter {i}");
        Assert.That(expectedGrad.Count(x => x != 0), Is.GreaterThan(count), "the gradients reach many entries");
    }

    [TestCase(EncodingKind.Grid, 2)]
    [TestCase(EncodingKind.Grid, 3)]
    [TestCase(EncodingKind.Grid, 4)]
    [TestCase(EncodingKind.Simplex, 2)]
    [TestCase(EncodingKind.Simplex, 3)]
    [TestCase(EncodingKind.Simplex, 4)]
    public void Forward_Gpu_MatchesCpuReference(EncodingKind kind, int dims)
    {
        using var enc = HashEncoding.Create(Gpu, kind, Tiny(dims));
        const int count = 300;
        var points = RandomPoints(count, dims, 1);
        // Tables of magnitude 1 (not the 1e-4 initialisation) so the comparison means something.
        var parameters = RandomValues(enc.ParameterCount, 2);
        var expected = new float[count * enc.OutputDimensions];
        enc.ForwardReference(points, parameters, expected, count);

        using var p = Gpu.CreateBuffer<float>(points);
        using var t = Gpu.CreateBuffer<float>(parameters);
        using var f = Gpu.CreateBuffer<float>(expected.Length);
        using (var batch = Gpu.BeginBatch()) { enc.RecordForward(batch, p, t, f, count); batch.Submit(); }
        var actual = f.ToArray();
        // Same float operations in the same order; only FMA contraction by the driver differs (≈1e-7 on values ≤ 1).
        for (int i = 0; i < actual.Length; i++) Assert.That(actual[i], Is.EqualTo(expected[i]).Within(1e-5), $"feature {i}");
    }

    // Features per level are compiled into the kernels (one variant per F): every F runs here.
    [TestCase(EncodingKind.Grid, 2, 2)]
    [TestCase(EncodingKind.Simplex, 2, 2)]
    [TestCase(EncodingKind.Grid, 3, 2)]
    [TestCase(EncodingKind.Simplex, 3, 2)]
    [TestCase(EncodingKind.Grid, 3, 1)]
    [TestCase(EncodingKind.Simplex, 2, 4)]
    [TestCase(EncodingKind.Grid, 4, 8)]
    [TestCase(EncodingKind.Simplex, 3, 8)]
    public void Backward_Gpu_MatchesCpuReference(EncodingKind kind, int dims, int features)
    {
        using var enc = HashEncoding.Create(Gpu, kind, Tiny(dims) with { FeaturesPerLevel = features });
        const int count = 200;
        var points = RandomPoints(count, dims, 3);
        var featureGrad = RandomValues((long)count * enc.OutputDimensions, 4);
        var expected = new float[enc.ParameterCount];
        enc.BackwardReference(points, featureGrad, expected, count);

        using var p = Gpu.CreateBuffer<float>(points);
        using var g = Gpu.CreateBuffer<float>(featureGrad);
        using var grads = Gpu.CreateBuffer<float>(enc.ParameterCount + 7);
        using (var batch = Gpu.BeginBatch())
        {
            Gpu.Primitives.RecordFill(batch, grads, 0f);
            enc.RecordBackward(batch, p, g, grads, count, parameterOffset: 7);
            batch.Submit();
        }
        var actual = grads.ToArray();
        Assert.That(actual.AsSpan(0, 7).ToArray(), Is.All.EqualTo(0f), "nothing written before the parameter offset");
        // Atomic adds land in a different order than the CPU loop: sums of ≤ 200 terms of magnitude ≤ 1 differ by ≈1e-6.
        for (int i = 0; i < expected.Length; i++) Assert.That(actual[i + 7], Is.EqualTo(expected[i]).Within(1e-4), $"parameter {i}");
    }

    [TestCase(EncodingKind.Grid)]
    [TestCase(EncodingKind.Simplex)]
    public void Backward_MatchesFiniteDifferences(EncodingKind kind)
    {
        var config = new HashEncodingConfig(2, Levels: 2, FeaturesPerLevel: 2, Log2TableSize: 10, BaseResolution: 4, FinestResolution: 8, Seed: 9);
        using var enc = HashEncoding.Create(Gpu, kind, config);
        const int count = 16;
        var points = RandomPoints(count, 2, 5);
        var weights = RandomValues((long)count * enc.OutputDimensions, 6); // L = sum(weights · features)
        var parameters = RandomValues(enc.ParameterCount, 7);
        using var p = Gpu.CreateBuffer<float>(points);
        using var g = Gpu.CreateBuffer<float>(weights);
        using var grads = Gpu.CreateBuffer<float>(enc.ParameterCount);
        using (var batch = Gpu.BeginBatch())
        {
            Gpu.Primitives.RecordFill(batch, grads, 0f);
            enc.RecordBackward(batch, p, g, grads, count);
            batch.Submit();
        }
        var analytic = grads.ToArray();
        double LossAt(float[] theta)
        {
            var f = new float[weights.Length];
            enc.ForwardReference(points, theta, f, count);
            double sum = 0;
            for (int i = 0; i < f.Length; i++) sum += (double)weights[i] * f[i];
            return sum;
        }
        const float h = 1e-2f;
        int checkedNonZero = 0;
        for (int i = 0; i < parameters.Length; i++)
        {
            var plus = (float[])parameters.Clone(); plus[i] += h;
            var minus = (float[])parameters.Clone(); minus[i] -= h;
            double numeric = (LossAt(plus) - LossAt(minus)) / (2 * h);
            // The loss is linear in the tables, so central differences are exact up to float rounding of the loss (~1e-5 / h).
            Assert.That(analytic[i], Is.EqualTo(numeric).Within(2e-3), $"parameter {i}");
            if (Math.Abs(numeric) > 1e-3) checkedNonZero++;
        }
        Assert.That(checkedNonZero, Is.GreaterThan(20), "the test touched real gradients");
    }

    [TestCase(2)]
    [TestCase(3)]
    [TestCase(4)]
    public void SimplexWeights_NonNegative_SumToOne(int dims)
    {
        var rng = new Random(dims);
        var pos = new float[dims];
        var coords = new uint[(dims + 1) * dims];
        var w = new float[dims + 1];
        for (int trial = 0; trial < 5000; trial++)
        {
            for (int d = 0; d < dims; d++) pos[d] = (float)rng.NextDouble() * 50f;
            int n = SimplexHashEncoding.SimplexVertices(pos, coords, w);
            Assert.That(n, Is.EqualTo(dims + 1));
            Assert.That(w, Is.All.GreaterThanOrEqualTo(0f));
            Assert.That(w.Sum(), Is.EqualTo(1f).Within(1e-5));
            // Barycentric reproduction: the weighted vertices give back the skewed point (linear precision).
            float skew = pos.Sum() * SimplexHashEncoding.SkewFactor(dims);
            for (int d = 0; d < dims; d++)
            {
                double recon = 0;
                for (int k = 0; k <= dims; k++) recon += w[k] * coords[k * dims + d];
                Assert.That(recon, Is.EqualTo(pos[d] + skew).Within(1e-3));
            }
        }
    }

    [TestCase(2)]
    [TestCase(3)]
    [TestCase(4)]
    public void SimplexInterpolation_ContinuousAcrossFaces(int dims)
    {
        // Interpolate a random lattice function; step across simplex faces (equal fractional parts) and cell faces
        // (integer skewed coordinates). A discontinuity would jump by O(1); a continuous field moves by O(step).
        float Value(float[] pos)
        {
            var coords = new uint[(dims + 1) * dims];
            var w = new float[dims + 1];
            SimplexHashEncoding.SimplexVertices(pos, coords, w);
            float v = 0;
            for (int k = 0; k <= dims; k++)
                v += w[k] * (SpatialHash.Hash(coords.AsSpan(k * dims, dims), 1 << 16) / 65536f * 2f - 1f);
            return v;
        }
        var rng = new Random(10 + dims);
        float skewF = SimplexHashEncoding.SkewFactor(dims);
        float unskew = skewF / (1 + dims * skewF); // p = s - unskew * sum(s) inverts s = p + F * sum(p)
        const float step = 1e-3f;
        for (int trial = 0; trial < 2000; trial++)
        {
            var s = new float[dims];
            for (int d = 0; d < dims; d++) s[d] = 4f + (float)rng.NextDouble() * 8f;
            int a = rng.Next(dims), b = (a + 1 + rng.Next(dims - 1)) % dims;
            if (trial % 2 == 0) s[b] = MathF.Floor(s[b]) + (s[a] - MathF.Floor(s[a])); // equal fractions: a simplex face
            else s[a] = MathF.Round(s[a]);                                               // integer: a cell face
            float sum = s.Sum();
            var p = s.Select(x => x - unskew * sum).ToArray();
            var dir = Enumerable.Range(0, dims).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray();
            var before = p.Select((x, d) => x - step * dir[d]).ToArray();
            var after = p.Select((x, d) => x + step * dir[d]).ToArray();
            // Slope of the interpolant ≤ 2 per unit per skewed axis, skewed step ≤ (1 + nF)·step per axis.
            Assert.That(Math.Abs(Value(after) - Value(before)), Is.LessThan(2 * dims * (1 + dims * skewF) * 2 * step + 1e-5), $"trial {trial}");
        }
    }

    [TestCase(EncodingKind.Grid, 2)]
    [TestCase(EncodingKind.Grid, 4)]
    [TestCase(EncodingKind.Simplex, 2)]
    [TestCase(EncodingKind.Simplex, 3)]
    [TestCase(EncodingKind.Simplex, 4)]
    public void LevelVertices_IndicesInRange_WeightsSumToOne(EncodingKind kind, int dims)
    {
        using var enc = HashEncoding.Create(Gpu, kind, Tiny(dims));
        var points = RandomPoints(500, dims, 11);
        var point = new float[dims];
        var entries = new uint[enc.VerticesPerLevel];
        var w = new float[enc.VerticesPerLevel];
        for (int s = 0; s < 500; s++)
        {
            for (int d = 0; d < dims; d++) point[d] = points[d * 500 + s];
            for (int l = 0; l < enc.Levels.Count; l++)
            {
                int n = enc.LevelVertices(point, l, entries, w);
                Assert.That(n, Is.EqualTo(kind == EncodingKind.Grid ? 1 << dims : dims + 1));
                Assert.That(entries, Is.All.LessThan(enc.Levels[l].Size), $"level {l}");
                Assert.That(w.Sum(), Is.EqualTo(1f).Within(1e-5));
            }
        }
    }

    [Test]
    public void Forward_TooSmallFeatureBuffer_RejectedWithMessage()
    {
        using var enc = new SimplexHashEncoding(Gpu, Tiny(2));
        using var p = Gpu.CreateBuffer<float>(20);
        using var t = Gpu.CreateBuffer<float>(enc.ParameterCount);
        using var f = Gpu.CreateBuffer<float>(10, label: "small");
        using var batch = Gpu.BeginBatch();
        Assert.That(() => enc.RecordForward(batch, p, t, f, 10), Throws.ArgumentException.With.Message.Contains("features buffer 'small' holds 10 floats, needs 80"));
    }

    [Test]
    public void Initialization_Deterministic_WithinInitialRange()
    {
        using var enc = new GridHashEncoding(Gpu, Tiny(3));
        var a = new float[enc.ParameterCount];
        var b = new float[enc.ParameterCount];
        enc.InitializeParameters(a);
        enc.InitializeParameters(b);
        Assert.That(a, Is.EqualTo(b));
        Assert.That(a.Max(), Is.LessThanOrEqualTo(1e-4f).And.GreaterThan(0.9e-4f));
        Assert.That(a.Min(), Is.GreaterThanOrEqualTo(-1e-4f).And.LessThan(-0.9e-4f));
    }
}
