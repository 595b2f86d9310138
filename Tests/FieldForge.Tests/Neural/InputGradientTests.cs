using FieldForge.Gpu;
using FieldForge.Neural;

namespace FieldForge.Tests.Neural;

/// <summary>
/// d output / d input through the hash encodings and the MLP: the GPU kernels against their CPU references, and both
/// against central finite differences of the field's forward evaluation.
/// </summary>
public sealed class InputGradientTests : GpuTest
{
    /// <summary>A small field (4 levels, 4..16 cells, hashed where 2^10 entries do not cover a level) whose tables are
    /// U(-1, 1), not the ±1e-4 training init, so the output varies visibly. Coarse levels keep the lattice faces sparse
    /// enough for finite differences to find smooth stretches.</summary>
    private static NeuralField RandomField(EncodingKind kind, int dimensions, int seed)
    {
        var config = new NeuralFieldConfig(kind,
            new HashEncodingConfig(dimensions, Levels: 4, FeaturesPerLevel: 2, Log2TableSize: 10, BaseResolution: 4, FinestResolution: 16),
            new MlpConfig(8, 1, Width: 16, HiddenLayers: 1));
        var field = NeuralField.Create(Gpu, config);
        var p = field.DownloadParameters();
        var rng = Rng(seed);
        for (long i = 0; i < field.Encoding.ParameterCount; i++) p[i] = (float)(rng.NextDouble() * 2 - 1);
        field.Parameters.Upload(p);
        return field;
    }

    /// <summary>Interleaved points in [0.05, 0.95]^n (away from the unit cube's faces, where the encoding clamps).</summary>
    private static float[] RandomPoints(int count, int dimensions, int seed)
    {
        var rng = Rng(seed);
        return Enumerable.Range(0, count * dimensions).Select(_ => 0.05f + 0.9f * (float)rng.NextDouble()).ToArray();
    }

    private static float[] ToFeatureMajor(float[] interleaved, int dimensions)
    {
        int count = interleaved.Length / dimensions;
        var soa = new float[interleaved.Length];
        for (int s = 0; s < count; s++)
            for (int d = 0; d < dimensions; d++) soa[d * count + s] = interleaved[s * dimensions + d];
        return soa;
    }

    [TestCase(EncodingKind.Grid, 2, 2)]
    [TestCase(EncodingKind.Grid, 3, 2)]
    [TestCase(EncodingKind.Grid, 4, 2)]
    [TestCase(EncodingKind.Simplex, 2, 2)]
    [TestCase(EncodingKind.Simplex, 3, 2)]
    [TestCase(EncodingKind.Simplex, 4, 2)]
    [TestCase(EncodingKind.Grid, 2, 1)]
    [TestCase(EncodingKind.Simplex, 3, 4)]
    [TestCase(EncodingKind.Grid, 3, 8)]
    public void EncodingInputGradient_Gpu_MatchesCpuReference(EncodingKind kind, int dimensions, int features)
    {
        // Coarse levels dense, fine ones hashed (T = 2^10 < 65^2), and points outside the cube to exercise the clamp.
        var config = new HashEncodingConfig(dimensions, Levels: 5, FeaturesPerLevel: features, Log2TableSize: 10, BaseResolution: 4, FinestResolution: 64);
        using var encoding = HashEncoding.Create(Gpu, kind, config);
        const int count = 777;
        var rng = Rng(dimensions * 10 + (int)kind);
        var parameters = Enumerable.Range(0, (int)encoding.ParameterCount).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        var points = Enumerable.Range(0, count * dimensions).Select(_ => (float)(rng.NextDouble() * 1.2 - 0.1)).ToArray();
        var featureGradients = Enumerable.Range(0, count * encoding.OutputDimensions).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        using var pb = Gpu.CreateBuffer<float>(points);
        using var tb = Gpu.CreateBuffer<float>(parameters);
        using var gb = Gpu.CreateBuffer<float>(featureGradients);
        using var ob = Gpu.CreateBuffer<float>(count * dimensions);
        using (var batch = Gpu.BeginBatch())
        {
            encoding.RecordInputGradient(batch, pb, tb, gb, ob, count);
            batch.Submit();
        }
        var gpu = ob.ToArray();
        var cpu = new float[count * dimensions];
        encoding.InputGradientReference(points, parameters, featureGradients, cpu, count);
        float largest = cpu.Max(MathF.Abs);
        Assert.That(largest, Is.GreaterThan(1f), "the gradients are not trivially zero");
        int zeroed = 0;
        for (int i = 0; i < cpu.Length; i++)
        {
            if (points[i] is < 0f or > 1f) { Assert.That(gpu[i], Is.EqualTo(0f), "clamped axis"); zeroed++; continue; }
            // Same lattice cells (the kernels use `precise` positions); sums of ≤ 5 levels × 16 vertices × F features in a
            // different order, each term up to ~scale (64): 1e-5 of the largest gradient covers float32 reordering.
            Assert.That(gpu[i], Is.EqualTo(cpu[i]).Within(1e-5f * largest), $"component {i}");
        }
        Assert.That(zeroed, Is.GreaterThan(0), "some points lie outside the unit cube");
    }

    [TestCase(EncodingKind.Grid, 2)]
    [TestCase(EncodingKind.Grid, 3)]
    [TestCase(EncodingKind.Simplex, 2)]
    [TestCase(EncodingKind.Simplex, 3)]
    public void FieldInputGradient_MatchesCpuReferenceAndFiniteDifferences(EncodingKind kind, int n)
    {
        using var field = RandomField(kind, n, 5 + n);
        const int count = 300;
        var points = RandomPoints(count, n, 40 + n);
        var (values, gradients) = field.EvaluateWithGradient(points);

        // GPU vs the CPU reference (encoding forward, MLP forward/backward, encoding input gradient, all in float32).
        var soa = ToFeatureMajor(points, n);
        var refValues = new float[count];
        var refGradients = new float[count * n];
        field.InputGradientReference(field.DownloadParameters(), soa, refValues, refGradients, count);
        float largest = refGradients.Max(MathF.Abs);
        float valueRange = refValues.Max(MathF.Abs);
        Assert.That(largest, Is.GreaterThan(0.1f), "the field has a gradient to check");
        for (int s = 0; s < count; s++)
        {
            // Forward: float32 sums over 8 features and a 16-wide layer; 1e-4 relative to the output range.
            Assert.That(values[s], Is.EqualTo(refValues[s]).Within(1e-4f * MathF.Max(1, valueRange)), $"value {s}");
            for (int d = 0; d < n; d++)
                // Backward adds the MLP's transposed products and the encoding's 4 levels × vertices: 1e-4 of the largest gradient.
                Assert.That(gradients[s * n + d], Is.EqualTo(refGradients[d * count + s]).Within(1e-4f * largest), $"gradient {s}.{d}");
        }

        // Both vs central differences of the GPU forward evaluation with step h = 1e-4 (unit-cube units). Inside one
        // lattice cell (or simplex) and one ReLU pattern the field is linear along each axis, so the central difference is
        // exact up to float32 rounding of f (|f| ≲ valueRange, summed from larger terms): tolerance 16 ulp(valueRange) / h
        // plus 1e-3 relative, about 1 % of a typical component here, while a wrong weight derivative (say, a missing skew
        // term F_n = 1/3) is off by tens of percent. Steps near a lattice face or a ReLU kink are skipped, and counted: at
        // most 40 % may be. Measured: grid 4 % (2D) and 4 % (3D), simplex 23 % and 29 %: along an axis the skewed lattice
        // crosses its cell faces (1 + n F_n) times as often and adds the Kuhn simplices' diagonal faces.
        const float h = 1e-4f;
        // f(x) is evaluated in the same call as f(x ± h e_d) and f(x ± 2h e_d), so all come from the same kernel path.
        // A step is trusted only when the four slopes over [x-2h, x+2h] agree within the tolerance: then no cell face,
        // simplex face or ReLU kink lies inside (two kinks whose effects cancel on ±h do not also cancel on ±2h).
        var shifted = new float[count * 4 * n * n + count * n];
        for (int s = 0; s < count; s++)
            for (int d = 0; d < n; d++)
                for (int k = 0; k < 4; k++)
                {
                    int row = (s * n + d) * 4 + k;
                    float offset = k switch { 0 => -2 * h, 1 => -h, 2 => h, _ => 2 * h };
                    for (int e = 0; e < n; e++) shifted[row * n + e] = points[s * n + e] + (e == d ? offset : 0f);
                }
        Array.Copy(points, 0, shifted, count * 4 * n * n, count * n);
        var f = field.Evaluate(shifted);
        float rounding = 16 * (MathF.BitIncrement(MathF.Max(1, valueRange)) - MathF.Max(1, valueRange));
        int checkedCount = 0, skipped = 0;
        double worst = 0;
        for (int s = 0; s < count; s++)
            for (int d = 0; d < n; d++)
            {
                int row = (s * n + d) * 4;
                float fm2 = f[row], fm1 = f[row + 1], fp1 = f[row + 2], fp2 = f[row + 3], f0 = f[count * 4 * n + s];
                float analytic = gradients[s * n + d];
                float tol = rounding / h + 1e-3f * MathF.Abs(analytic);
                Span<float> slopes = [(fm1 - fm2) / h, (f0 - fm1) / h, (fp1 - f0) / h, (fp2 - fp1) / h];
                float lo = float.MaxValue, hi = float.MinValue;
                foreach (float slope in slopes) { lo = MathF.Min(lo, slope); hi = MathF.Max(hi, slope); }
                if (hi - lo > tol) { skipped++; continue; }
                float central = (fp1 - fm1) / (2 * h);
                checkedCount++;
                worst = Math.Max(worst, Math.Abs(central - analytic) / tol);
                Assert.That(analytic, Is.EqualTo(central).Within(tol), $"point {s} axis {d}: analytic vs central difference");
                Assert.That(refGradients[d * count + s], Is.EqualTo(central).Within(tol), $"point {s} axis {d}: CPU reference vs central difference");
            }
        TestContext.Out.WriteLine($"{kind} {n}D: {checkedCount} components checked, {skipped} skipped at kinks; worst |analytic - central| = {worst:F3} × tolerance");
        Assert.That(skipped, Is.LessThan(count * n * 2 / 5), "most steps stay inside one cell and ReLU pattern");
    }

    [Test]
    public void RecordInputGradient_WorkspaceOfAnotherFieldOrTooSmall_IsRejected()
    {
        using var a = RandomField(EncodingKind.Grid, 2, 1);
        using var b = RandomField(EncodingKind.Grid, 2, 2);
        using var workspace = new InputGradientWorkspace(a, 16);
        using var points = Gpu.CreateBuffer<float>(64);
        using var outputs = Gpu.CreateBuffer<float>(32);
        using var grads = Gpu.CreateBuffer<float>(64);
        using var batch = Gpu.BeginBatch();
        Assert.That(() => b.RecordInputGradient(batch, points, outputs, grads, 16, workspace), Throws.ArgumentException.With.Message.Contains("another field"));
        Assert.That(() => a.RecordInputGradient(batch, points, outputs, grads, 32, workspace), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("capacity 16"));
        batch.Submit();
    }
}
