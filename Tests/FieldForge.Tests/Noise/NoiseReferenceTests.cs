using FieldForge.Noise;

namespace FieldForge.Tests.Noise;

/// <summary>CPU-side properties of the noise field: scalar == SIMD, determinism, range, continuity, derivatives,
/// tiling and parameter validation.</summary>
public class NoiseReferenceTests
{
    internal static float[] RandomPoints(int count, int dimensions, float extent, int seed)
    {
        var rng = new Random(seed);
        var p = new float[count * dimensions];
        for (int i = 0; i < p.Length; i++) p[i] = (float)((rng.NextDouble() * 2 - 1) * extent);
        return p;
    }

    internal static float Eval(CpuNoise n, int d, ReadOnlySpan<float> p) => d switch
    {
        2 => n.Evaluate(p[0], p[1]),
        3 => n.Evaluate(p[0], p[1], p[2]),
        _ => n.Evaluate(p[0], p[1], p[2], p[3]),
    };

    private static IEnumerable<TestCaseData> DimensionsAndModes() =>
        from d in new[] { 2, 3, 4 } from m in Enum.GetValues<NoiseMode>() select new TestCaseData(d, m);

    // The SIMD path performs the scalar operations lane by lane (no FMA on either side), so results are bit-identical.
    [TestCaseSource(nameof(DimensionsAndModes))]
    public void Simd_EqualsScalarBitForBit(int d, NoiseMode mode)
    {
        var settings = new NoiseSettings { Seed = 11, Mode = mode, Octaves = 5, Frequency = 0.37f, WarpStages = 2, WarpAmplitude = 0.8f };
        var points = RandomPoints(5000, d, 50, 3);
        var scalar = new float[5000];
        var simd = new float[5000];
        new CpuNoise(settings).EvaluatePoints(d, points, scalar);
        new SimdNoise(settings).EvaluatePoints(d, points, simd);
        Assert.That(simd, Is.EqualTo(scalar));

        var grid = new NoiseGrid(d, 37, 9, d == 2 ? 1 : 3, new System.Numerics.Vector4(-3.1f, 2.2f, 0.7f, 1.3f), new System.Numerics.Vector3(0.13f, 0.21f, 0.3f));
        var gs = new float[grid.Count];
        var gv = new float[grid.Count];
        new CpuNoise(settings).FillGrid(grid, gs);
        new SimdNoise(settings).FillGrid(grid, gv);
        Assert.That(gv, Is.EqualTo(gs));
    }

    [TestCase(2)]
    [TestCase(3)]
    public void Simd_Periodic_EqualsScalarBitForBit(int d)
    {
        var settings = new NoiseSettings { Seed = 4, Octaves = 3, PeriodX = 3, PeriodY = 4, PeriodZ = d == 3 ? 5 : 0, WarpStages = 1 };
        var points = RandomPoints(3000, d, 20, 8);
        var scalar = new float[3000];
        var simd = new float[3000];
        new CpuNoise(settings).EvaluatePoints(d, points, scalar);
        new SimdNoise(settings).EvaluatePoints(d, points, simd, parallel: false);
        Assert.That(simd, Is.EqualTo(scalar));
    }

    [TestCase(2)]
    [TestCase(3)]
    [TestCase(4)]
    public void SameSeed_SameField_DifferentSeed_DifferentField(int d)
    {
        var points = RandomPoints(10_000, d, 100, 5);
        float[] Run(int seed)
        {
            var v = new float[10_000];
            new CpuNoise(new NoiseSettings { Seed = seed, Octaves = 3 }).EvaluatePoints(d, points, v);
            return v;
        }
        var a = Run(42);
        Assert.That(Run(42), Is.EqualTo(a), "same seed, same values");
        var b = Run(43);
        int same = a.Zip(b).Count(p => p.First == p.Second);
        Assert.That(same, Is.LessThan(10_000 / 100), "a different seed changes (almost) every sample");
        Assert.That(a.Zip(b).Average(p => Math.Abs(p.First - p.Second)), Is.GreaterThan(0.1));
    }

    // Single-octave output is normalised into [-1, 1]; the scale factors keep 1-2% headroom over the largest value a
    // hill-climbing search found, and this checks 1e6 random points per dimension and mode.
    [TestCaseSource(nameof(DimensionsAndModes))]
    public void SingleOctave_StaysWithinUnitRange(int d, NoiseMode mode)
    {
        var points = RandomPoints(1_000_000, d, 1000, d * 7 + (int)mode);
        var v = new float[1_000_000];
        new SimdNoise(new NoiseSettings { Seed = 99, Mode = mode }).EvaluatePoints(d, points, v);
        Assert.That(v.Min(), Is.GreaterThanOrEqualTo(-1f));
        Assert.That(v.Max(), Is.LessThanOrEqualTo(1f));
        Assert.That(v.Max() - v.Min(), Is.GreaterThan(1.5f), "the range is actually used");
    }

    [TestCase(2, NoiseMode.Ridged)]
    [TestCase(3, NoiseMode.Fbm)]
    [TestCase(4, NoiseMode.Billow)]
    public void Fractal_StaysWithinAmplitudeAroundOffset(int d, NoiseMode mode)
    {
        var s = new NoiseSettings { Mode = mode, Octaves = 16, Gain = 0.6f, Amplitude = 3f, Offset = 10f, WarpStages = 1 };
        var points = RandomPoints(100_000, d, 100, 2);
        var v = new float[100_000];
        new SimdNoise(s).EvaluatePoints(d, points, v);
        Assert.That(v.Min(), Is.GreaterThanOrEqualTo(7f));
        Assert.That(v.Max(), Is.LessThanOrEqualTo(13f));
    }

    /// <summary>A Lipschitz bound of one scaled octave: corners × max over r of |∇(t^e · g·x)| with t = r0² − r²,
    /// |g·x| ≤ |g| r, i.e. |g| (t^e + 2e·t^(e−1) r²).</summary>
    private static double LipschitzBound(int d)
    {
        (double r0sq, int e, double g, int corners, double scale) = d switch
        {
            2 => (0.8, 4, 1.0, 3, 10.8),
            3 => (0.5, 3, Math.Sqrt(2), 4, 30.5),
            _ => (0.5, 4, Math.Sqrt(3), 5, 61.5),
        };
        double best = 0;
        for (double r2 = 0; r2 <= r0sq; r2 += r0sq / 10_000)
        {
            double t = r0sq - r2;
            best = Math.Max(best, g * (Math.Pow(t, e) + 2 * e * Math.Pow(t, e - 1) * r2));
        }
        return corners * best * scale;
    }

    [TestCase(2, 1)]
    [TestCase(3, 1)]
    [TestCase(4, 1)]
    [TestCase(2, 6)]
    [TestCase(3, 6)]
    [TestCase(4, 6)]
    public void NeighbouringSamples_DifferLessThanLipschitzBound(int d, int octaves)
    {
        var s = new NoiseSettings { Seed = 8, Octaves = octaves, Frequency = 1.3f };
        var n = new CpuNoise(s);
        // Σ_k (gain^k / Σ gain^j) · frequency_k bounds the fractal's gradient in units of one octave's bound.
        double chain = 0, amp = 1, freq = s.Frequency;
        for (int k = 0; k < octaves; k++) { chain += amp * freq; amp *= s.Gain; freq *= s.Lacunarity; }
        double bound = LipschitzBound(d) * chain * s.OutputScale;
        var rng = new Random(d * 10 + octaves);
        var p = new float[d];
        var q = new float[d];
        double worst = 0;
        for (int i = 0; i < 50_000; i++)
        {
            double len = 0;
            for (int c = 0; c < d; c++) { p[c] = (float)(rng.NextDouble() * 20 - 10); q[c] = (float)(rng.NextDouble() * 2 - 1); len += q[c] * q[c]; }
            double dist2 = 0;
            for (int c = 0; c < d; c++) { q[c] = p[c] + (float)(q[c] / Math.Sqrt(len) * 1e-4); dist2 += (double)(q[c] - p[c]) * (q[c] - p[c]); }
            double diff = Math.Abs(Eval(n, d, p) - Eval(n, d, q));
            // 2e-6: float rounding of two values of magnitude <= 1.
            Assert.That(diff, Is.LessThanOrEqualTo(bound * Math.Sqrt(dist2) + 2e-6), $"jump between {string.Join(",", p)} and {string.Join(",", q)}");
            worst = Math.Max(worst, diff / Math.Sqrt(dist2));
        }
        TestContext.Out.WriteLine($"bound {bound:F1}, largest observed slope {worst:F1}");
    }

    private static IEnumerable<TestCaseData> DerivativeCases()
    {
        yield return new TestCaseData(2, new NoiseSettings { Seed = 1 }).SetName("Derivative2D_SingleOctave_MatchesFiniteDifference");
        yield return new TestCaseData(3, new NoiseSettings { Seed = 1 }).SetName("Derivative3D_SingleOctave_MatchesFiniteDifference");
        yield return new TestCaseData(2, new NoiseSettings { Seed = 2, Octaves = 3, Frequency = 0.7f, WarpStages = 2, WarpAmplitude = 0.3f }).SetName("Derivative2D_FbmWarped_MatchesFiniteDifference");
        yield return new TestCaseData(3, new NoiseSettings { Seed = 2, Octaves = 3, Frequency = 0.7f, WarpStages = 2, WarpAmplitude = 0.3f }).SetName("Derivative3D_FbmWarped_MatchesFiniteDifference");
        yield return new TestCaseData(2, new NoiseSettings { Seed = 2, Octaves = 4, Mode = NoiseMode.Ridged }).SetName("Derivative2D_Ridged_MatchesFiniteDifference");
        yield return new TestCaseData(3, new NoiseSettings { Seed = 2, Octaves = 4, Mode = NoiseMode.Billow }).SetName("Derivative3D_Billow_MatchesFiniteDifference");
        yield return new TestCaseData(3, new NoiseSettings { Seed = 3, Octaves = 3, Frequency = 0.7f, PeriodX = 2, PeriodY = 3, PeriodZ = 4, WarpStages = 1, WarpAmplitude = 0.3f }).SetName("Derivative3D_Periodic_MatchesFiniteDifference");
    }

    // Central differences at h = 2e-3 and 1e-3 combined by Richardson extrapolation (truncation error O(h^4); the
    // fractals curve fast enough that a plain O(h²) difference is off by ~1e-3). Each step is re-measured after rounding
    // the shifted coordinate. Points lie in [-2, 2]: a warped field rounds its intermediate coordinates (ulp ~2e-7 there),
    // which adds ~1e-6 of noise to each value; divided by the step that stays below 1e-3 of the gradient only for
    // moderate warps, hence the warp settings of these cases.
    // The error is relative to max(|∇f|, 1) so points near a critical point (|∇f| ≈ 0) do not divide by zero.
    // Billow/ridged fold each octave at n = 0, where the derivative jumps: points where an octave is that close to 0
    // are skipped (they are rare; the count of checked points is asserted).
    [TestCaseSource(nameof(DerivativeCases))]
    public void Derivative_MatchesCentralDifference(int d, NoiseSettings settings)
    {
        var n = new CpuNoise(settings);
        var rng = new Random(17);
        int checkedPoints = 0;
        for (int i = 0; i < 2000; i++)
        {
            var p = new float[d];
            for (int c = 0; c < d; c++) p[c] = (float)(rng.NextDouble() * 4 - 2);
            float[] analytic;
            float f0;
            if (d == 2) { f0 = n.Evaluate(p[0], p[1], out var g); analytic = [g.X, g.Y]; }
            else { f0 = n.Evaluate(p[0], p[1], p[2], out var g); analytic = [g.X, g.Y, g.Z]; }
            if (settings.Mode != NoiseMode.Fbm && NearFold(settings, d, p)) continue;
            var fd = new double[d];
            for (int c = 0; c < d; c++)
            {
                double Central(float h)
                {
                    var a = (float[])p.Clone(); var b = (float[])p.Clone();
                    a[c] += h; b[c] -= h;
                    return ((double)Eval(n, d, a) - Eval(n, d, b)) / ((double)a[c] - b[c]);
                }
                double coarse = Central(2e-3f), fine = Central(1e-3f);
                fd[c] = fine + (fine - coarse) / 3;
            }
            double err = 0, norm = 0;
            for (int c = 0; c < d; c++) { err += (fd[c] - analytic[c]) * (fd[c] - analytic[c]); norm += analytic[c] * (double)analytic[c]; }
            Assert.That(Math.Sqrt(err) / Math.Max(Math.Sqrt(norm), 1), Is.LessThan(1e-3),
                $"at ({string.Join(", ", p)}): analytic ({string.Join(", ", analytic)}) vs finite difference ({string.Join(", ", fd)})");
            checkedPoints++;
        }
        Assert.That(checkedPoints, Is.GreaterThan(1200), "most points are away from a fold");
    }

    /// <summary>Whether some octave's raw value could cross the fold at 0 within the difference stencil (|n| smaller
    /// than twice the widest step times its slope).</summary>
    private static bool NearFold(NoiseSettings s, int d, float[] p)
    {
        float freq = s.Frequency;
        for (int k = 0; k < s.Octaves; k++, freq *= s.Lacunarity)
        {
            var octave = new CpuNoise(s with { Octaves = 1, Mode = NoiseMode.Fbm, Frequency = freq, Seed = unchecked(s.Seed + k), Amplitude = 1, Offset = 0 });
            float v, slope;
            if (d == 2) { v = octave.Evaluate(p[0], p[1], out var g); slope = g.Length(); }
            else { v = octave.Evaluate(p[0], p[1], p[2], out var g); slope = g.Length(); }
            if (Math.Abs(v) < 2 * 2e-3f * slope + 1e-4f) return true;
        }
        return false;
    }

    // Points on a 1/64 grid keep every lattice computation exact, so the shifted sample is bit-identical.
    [TestCase(2, 4, 6, 0)]
    [TestCase(3, 3, 5, 2)]
    public void Periodic_RepeatsExactlyAtThePeriod(int d, int px, int py, int pz)
    {
        var s = new NoiseSettings { Seed = 21, Octaves = 3, Frequency = 1f, Lacunarity = 2f, PeriodX = px, PeriodY = py, PeriodZ = pz };
        var n = new CpuNoise(s);
        var rng = new Random(3);
        int[] periods = [px, py, pz];
        for (int i = 0; i < 5000; i++)
        {
            var p = new float[d];
            for (int c = 0; c < d; c++) p[c] = rng.Next(-640, 640) / 64f;
            float v = Eval(n, d, p);
            for (int axis = 0; axis < d; axis++)
            {
                var q = (float[])p.Clone();
                q[axis] += periods[axis] * rng.Next(-3, 4);
                Assert.That(Eval(n, d, q), Is.EqualTo(v), $"axis {axis} at ({string.Join(", ", p)})");
            }
        }
    }

    // Warped and at arbitrary points the shifted coordinate rounds differently (|x| <= 20, ulp ~ 2e-6), and the
    // difference is that times the field's slope: 1e-4 is comfortably above it.
    [TestCase(2)]
    [TestCase(3)]
    public void PeriodicWarped_RepeatsAtThePeriodWithinRounding(int d)
    {
        var s = new NoiseSettings { Seed = 5, Octaves = 4, Frequency = 0.5f, PeriodX = 4, PeriodY = 2, PeriodZ = 3, WarpStages = 2 };
        var n = new CpuNoise(s);
        float[] period = [4 / 0.5f, 2 / 0.5f, 3 / 0.5f];
        var points = RandomPoints(5000, d, 10, 9);
        for (int i = 0; i < 5000; i++)
        {
            var p = points.AsSpan(i * d, d).ToArray();
            float v = Eval(n, d, p);
            for (int axis = 0; axis < d; axis++)
            {
                var q = (float[])p.Clone();
                q[axis] += period[axis];
                Assert.That(Eval(n, d, q), Is.EqualTo(v).Within(1e-4));
            }
        }
    }

    private static IEnumerable<TestCaseData> BadSettings()
    {
        TestCaseData Case(NoiseSettings s, string message) => new TestCaseData(s, message).SetName($"Validate_Rejects: {message}");
        yield return Case(new NoiseSettings { Octaves = 0 }, "octaves must be 1..16, got 0");
        yield return Case(new NoiseSettings { Octaves = 99 }, "octaves must be 1..16, got 99");
        yield return Case(new NoiseSettings { Frequency = float.NaN }, "frequency must be a finite number, got NaN");
        yield return Case(new NoiseSettings { Frequency = 0 }, "frequency must be in (0, 1e6], got 0");
        yield return Case(new NoiseSettings { Lacunarity = float.PositiveInfinity }, "lacunarity must be a finite number, got Infinity");
        yield return Case(new NoiseSettings { Lacunarity = 0.5f }, "lacunarity must be 1..16, got 0.5");
        yield return Case(new NoiseSettings { Gain = -1 }, "gain must be 0..4, got -1");
        yield return Case(new NoiseSettings { Amplitude = float.NaN }, "amplitude must be a finite number, got NaN");
        yield return Case(new NoiseSettings { Offset = float.NegativeInfinity }, "offset must be a finite number, got -Infinity");
        yield return Case(new NoiseSettings { WarpStages = 3 }, "warpStages must be 0..2, got 3");
        yield return Case(new NoiseSettings { WarpAmplitude = -0.5f }, "warpAmplitude must be >= 0, got -0.5");
        yield return Case(new NoiseSettings { Mode = (NoiseMode)7 }, "mode must be one of Fbm, Ridged, Billow, got 7");
        yield return Case(new NoiseSettings { PeriodX = -2 }, "periodX must be >= 0 (0 = not periodic), got -2");
        yield return Case(new NoiseSettings { PeriodX = 4, Lacunarity = 2.5f }, "lacunarity must be an integer when tiling (each octave's period must be a whole number of cells), got 2.5");
        yield return Case(new NoiseSettings { PeriodX = 4096, Octaves = 16 }, "periodX × lacunarity^(octaves-1) must be <= 1048576, got 134217728");
    }

    [TestCaseSource(nameof(BadSettings))]
    public void Validate_RejectsWithClearMessage(NoiseSettings settings, string message)
    {
        var e = Assert.Throws<ArgumentException>(() => settings.Validate());
        Assert.That(e!.Message, Is.EqualTo(message));
        Assert.Throws<ArgumentException>(() => new CpuNoise(settings));
    }

    [Test]
    public void ValidateForDimension_RejectsTilingItCannotDo()
    {
        Assert.That(Assert.Throws<ArgumentException>(() => new NoiseSettings { PeriodX = 2 }.Validate(4))!.Message,
            Is.EqualTo("periodic tiling is available for 2D and 3D noise only, got a period with 4D"));
        Assert.That(Assert.Throws<ArgumentException>(() => new NoiseSettings { PeriodY = 3 }.Validate(2))!.Message,
            Is.EqualTo("periodY must be even for 2D noise (the triangular lattice repeats every two rows), got 3"));
        Assert.That(Assert.Throws<ArgumentException>(() => new NoiseSettings().Validate(5))!.Message, Is.EqualTo("dimensions must be 2, 3 or 4, got 5"));
        Assert.DoesNotThrow(() => new NoiseSettings { PeriodX = 3, PeriodY = 5, PeriodZ = 7 }.Validate(3));
    }

    [Test]
    public void BadGridsAndBuffers_AreRejectedWithClearMessages()
    {
        var n = new CpuNoise(new NoiseSettings());
        Assert.That(Assert.Throws<ArgumentException>(() => n.FillGrid(NoiseGrid.Plane(0, 4), new float[4]))!.Message,
            Is.EqualTo("grid size must be at least 1 in each axis, got 0x4x1"));
        Assert.That(Assert.Throws<ArgumentException>(() => n.FillGrid(NoiseGrid.Plane(4, 4), new float[15]))!.Message,
            Is.EqualTo("values holds 15 floats, the 4x4x1 grid needs 16"));
        Assert.That(Assert.Throws<ArgumentException>(() => n.FillGrid(NoiseGrid.Volume(2, 2, 2, dimensions: 4), new float[8], new float[32]))!.Message,
            Is.EqualTo("gradients are available for 2D and 3D noise only, got a 4D grid"));
        Assert.That(Assert.Throws<ArgumentException>(() => n.EvaluatePoints(3, new float[7], new float[3]))!.Message,
            Is.EqualTo("points holds 7 floats, not a multiple of 3 (packed 3D points)"));
        Assert.That(Assert.Throws<ArgumentException>(() => n.FillGrid(new NoiseGrid(2, 2, 2, 1, new(float.NaN), new(1)), new float[4]))!.Message,
            Does.StartWith("grid origin must be finite"));
    }
}
