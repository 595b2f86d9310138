using System.Numerics;
using System.Runtime.CompilerServices;
using VF = System.Numerics.Vector<float>;
using VI = System.Numerics.Vector<int>;
using VU = System.Numerics.Vector<uint>;

namespace FieldForge.Noise;

/// <summary>
/// The CPU comparison path: the same operations as <see cref="CpuNoise"/> (bit-identical values) on
/// <see cref="Vector{T}"/> lanes, optionally spread over cores with <see cref="Parallel.For(int, int, Action{int})"/>.
/// Values only; gradients come from <see cref="CpuNoise"/> or <see cref="GpuNoise"/>. Tiled settings wrap lattice
/// coordinates lane by lane in scalar code (there is no vector integer division), so they run slower than plain ones.
/// </summary>
public sealed class SimdNoise
{
    private readonly NoiseConstants _c;
    private static int Lanes => VF.Count;

    /// <summary>Builds the SIMD evaluator for <paramref name="settings"/> (validated here).</summary>
    public SimdNoise(NoiseSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        Settings = settings.Validate();
        _c = NoiseConstants.From(Settings);
    }

    /// <summary>The settings this generator was built with (validated).</summary>
    public NoiseSettings Settings { get; }

    /// <summary>Fills <paramref name="values"/> (grid.Count floats), rows in parallel when <paramref name="parallel"/>.</summary>
    public void FillGrid(NoiseGrid grid, Span<float> values, bool parallel = true) => FillGridCore(grid, values, parallel ? DefaultParallel : null);

    /// <summary>Fills <paramref name="values"/> (grid.Count floats) with rows spread over threads as
    /// <paramref name="options"/> allows, e.g. <c>MaxDegreeOfParallelism = Environment.ProcessorCount</c> so a comparison
    /// with another path on the same cores uses as many threads as it does.</summary>
    public void FillGrid(NoiseGrid grid, Span<float> values, ParallelOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        FillGridCore(grid, values, options);
    }

    private static readonly ParallelOptions DefaultParallel = new();

    private void FillGridCore(NoiseGrid grid, Span<float> values, ParallelOptions? options)
    {
        CpuNoise.CheckGrid(grid, values.Length, 0);
        Settings.Validate(grid.Dimensions);
        int rows = grid.Height * grid.Depth;
        unsafe
        {
            fixed (float* basePtr = values)
            {
                var ptr = (nint)basePtr;
                if (options is not null) Parallel.For(0, rows, options, r => FillRow(grid, r, new Span<float>((float*)ptr + (long)r * grid.Width, grid.Width)));
                else for (int r = 0; r < rows; r++) FillRow(grid, r, new Span<float>((float*)ptr + (long)r * grid.Width, grid.Width));
            }
        }
    }

    /// <summary>Evaluates packed points (<paramref name="dimensions"/> floats each) into <paramref name="values"/>.</summary>
    public void EvaluatePoints(int dimensions, ReadOnlySpan<float> points, Span<float> values, bool parallel = true)
    {
        Settings.Validate(dimensions);
        int count = CpuNoise.CheckPoints(dimensions, points.Length, values.Length, 0);
        const int chunk = 4096;
        int chunks = (count + chunk - 1) / chunk;
        unsafe
        {
            fixed (float* pp = points)
            fixed (float* vp = values)
            {
                nint p = (nint)pp, v = (nint)vp;
                void Run(int c)
                {
                    int start = c * chunk, n = Math.Min(chunk, count - start);
                    PointsChunk(dimensions, new ReadOnlySpan<float>((float*)p + (long)start * dimensions, n * dimensions), new Span<float>((float*)v + start, n));
                }
                if (parallel) Parallel.For(0, chunks, Run);
                else for (int c = 0; c < chunks; c++) Run(c);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void FillRow(NoiseGrid grid, int row, Span<float> output)
    {
        int iy = row % grid.Height, iz = row / grid.Height;
        var y = new VF(grid.Origin.Y + (float)iy * grid.Spacing.Y);
        var z = new VF(grid.Origin.Z + (float)iz * grid.Spacing.Z);
        var w = new VF(grid.Origin.W);
        Span<float> lane = stackalloc float[Lanes];
        for (int x0 = 0; x0 < grid.Width; x0 += Lanes)
        {
            for (int l = 0; l < Lanes; l++) lane[l] = grid.Origin.X + (float)(x0 + l) * grid.Spacing.X;
            var x = new VF(lane);
            var v = grid.Dimensions switch { 2 => Sample2(x, y), 3 => Sample3(x, y, z), _ => Sample4(x, y, z, w) };
            int n = Math.Min(Lanes, grid.Width - x0);
            if (n == Lanes) v.CopyTo(output.Slice(x0));
            else { v.CopyTo(lane); lane[..n].CopyTo(output.Slice(x0)); }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void PointsChunk(int d, ReadOnlySpan<float> points, Span<float> values)
    {
        int count = values.Length;
        Span<float> c = stackalloc float[4 * Lanes];
        for (int i0 = 0; i0 < count; i0 += Lanes)
        {
            int n = Math.Min(Lanes, count - i0);
            c.Clear();
            for (int l = 0; l < n; l++)
                for (int k = 0; k < d; k++) c[k * Lanes + l] = points[(i0 + l) * d + k];
            var x = new VF(c); var y = new VF(c.Slice(Lanes)); var z = new VF(c.Slice(2 * Lanes)); var w = new VF(c.Slice(3 * Lanes));
            var v = d switch { 2 => Sample2(x, y), 3 => Sample3(x, y, z), _ => Sample4(x, y, z, w) };
            v.CopyTo(c);
            c[..n].CopyTo(values.Slice(i0));
        }
    }

    // ---- warp + fractal (same order as CpuNoise) ------------------------------------------------------------------

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private VF Sample2(VF x, VF y)
    {
        VF qx = x, qy = y, ws = new(_c.WarpScale);
        for (int s = 0; s < _c.WarpStages; s++)
        {
            var wx = Fractal2(qx, qy, CpuNoise.WarpSeed(_c.Seed, s, 0), NoiseMode.Fbm);
            var wy = Fractal2(qx, qy, CpuNoise.WarpSeed(_c.Seed, s, 1), NoiseMode.Fbm);
            qx = x + ws * wx; qy = y + ws * wy;
        }
        return new VF(_c.Scale) * Fractal2(qx, qy, _c.Seed, _c.Mode) + new VF(_c.Offset);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private VF Sample3(VF x, VF y, VF z)
    {
        VF qx = x, qy = y, qz = z, ws = new(_c.WarpScale);
        for (int s = 0; s < _c.WarpStages; s++)
        {
            var wx = Fractal3(qx, qy, qz, CpuNoise.WarpSeed(_c.Seed, s, 0), NoiseMode.Fbm);
            var wy = Fractal3(qx, qy, qz, CpuNoise.WarpSeed(_c.Seed, s, 1), NoiseMode.Fbm);
            var wz = Fractal3(qx, qy, qz, CpuNoise.WarpSeed(_c.Seed, s, 2), NoiseMode.Fbm);
            qx = x + ws * wx; qy = y + ws * wy; qz = z + ws * wz;
        }
        return new VF(_c.Scale) * Fractal3(qx, qy, qz, _c.Seed, _c.Mode) + new VF(_c.Offset);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private VF Sample4(VF x, VF y, VF z, VF w)
    {
        VF qx = x, qy = y, qz = z, qw = w, ws = new(_c.WarpScale);
        for (int s = 0; s < _c.WarpStages; s++)
        {
            var wx = Fractal4(qx, qy, qz, qw, CpuNoise.WarpSeed(_c.Seed, s, 0), NoiseMode.Fbm);
            var wy = Fractal4(qx, qy, qz, qw, CpuNoise.WarpSeed(_c.Seed, s, 1), NoiseMode.Fbm);
            var wz = Fractal4(qx, qy, qz, qw, CpuNoise.WarpSeed(_c.Seed, s, 2), NoiseMode.Fbm);
            var ww = Fractal4(qx, qy, qz, qw, CpuNoise.WarpSeed(_c.Seed, s, 3), NoiseMode.Fbm);
            qx = x + ws * wx; qy = y + ws * wy; qz = z + ws * wz; qw = w + ws * ww;
        }
        return new VF(_c.Scale) * Fractal4(qx, qy, qz, qw, _c.Seed, _c.Mode) + new VF(_c.Offset);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private VF Fractal2(VF x, VF y, uint seed, NoiseMode mode)
    {
        VF sum = VF.Zero; float amp = 1f, freq = _c.Frequency;
        int px = _c.PeriodX, py = _c.PeriodY;
        for (int k = 0; k < _c.Octaves; k++)
        {
            var f = new VF(freq);
            var n = Noise2(x * f, y * f, unchecked(seed + (uint)k), px, py);
            sum += new VF(amp) * Fold(n, mode);
            amp *= _c.Gain; freq *= _c.Lacunarity; px *= _c.LacunarityInt; py *= _c.LacunarityInt;
        }
        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private VF Fractal3(VF x, VF y, VF z, uint seed, NoiseMode mode)
    {
        VF sum = VF.Zero; float amp = 1f, freq = _c.Frequency;
        int px = _c.PeriodX, py = _c.PeriodY, pz = _c.PeriodZ;
        for (int k = 0; k < _c.Octaves; k++)
        {
            var f = new VF(freq);
            var n = Noise3(x * f, y * f, z * f, unchecked(seed + (uint)k), px, py, pz);
            sum += new VF(amp) * Fold(n, mode);
            amp *= _c.Gain; freq *= _c.Lacunarity; px *= _c.LacunarityInt; py *= _c.LacunarityInt; pz *= _c.LacunarityInt;
        }
        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private VF Fractal4(VF x, VF y, VF z, VF w, uint seed, NoiseMode mode)
    {
        VF sum = VF.Zero; float amp = 1f, freq = _c.Frequency;
        for (int k = 0; k < _c.Octaves; k++)
        {
            var f = new VF(freq);
            var n = Noise4(x * f, y * f, z * f, w * f, unchecked(seed + (uint)k));
            sum += new VF(amp) * Fold(n, mode);
            amp *= _c.Gain; freq *= _c.Lacunarity;
        }
        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static VF Fold(VF n, NoiseMode mode)
    {
        var one = VF.One;
        switch (mode)
        {
            case NoiseMode.Billow: return new VF(2f) * Vector.Abs(n) - one;
            case NoiseMode.Ridged:
                var r = one - Vector.Abs(n);
                return new VF(2f) * r * r - one;
            default: return n;
        }
    }

    // ---- lattice --------------------------------------------------------------------------------------------------

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static VU Hash(uint seed, VI i, VI j, VI k, VI l)
    {
        var h = new VU(seed) ^ (i.AsVectorUInt32() * new VU(0x8DA6B343u)) ^ (j.AsVectorUInt32() * new VU(0xD8163841u))
                ^ (k.AsVectorUInt32() * new VU(0xCB1AB31Fu)) ^ (l.AsVectorUInt32() * new VU(0x165667B1u));
        h ^= h >>> 16; h *= new VU(0x7FEB352Du);
        h ^= h >>> 15; h *= new VU(0x846CA68Bu);
        h ^= h >>> 16;
        return h;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static VF Sign(VU h, uint bit) => Vector.ConditionalSelect(Vector.Equals(h & new VU(bit), VU.Zero).AsVectorInt32(), VF.One, new VF(-1f));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static VF Corner2(VU h, VF x, VF y)
    {
        var s1 = Sign(h, 1); var s2 = Sign(h, 2);
        var diag = Vector.Equals(h & new VU(4), VU.Zero).AsVectorInt32(); // true = axis gradient
        var axisY = Vector.Equals(h & new VU(2), VU.Zero).AsVectorInt32(); // true = x axis
        var d = new VF(Simplex.Diagonal);
        var gx = Vector.ConditionalSelect(diag, Vector.ConditionalSelect(axisY, s1, VF.Zero), s1 * d);
        var gy = Vector.ConditionalSelect(diag, Vector.ConditionalSelect(axisY, VF.Zero, s1), s2 * d);
        var t = Vector.Max(new VF(0.8f) - (x * x + y * y), VF.Zero);
        var t2 = t * t;
        return t2 * t2 * (gx * x + gy * y);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static VF Noise2(VF x, VF y, uint seed, int px, int py)
    {
        var u = x + y * new VF(0.5f);
        var fi = Vector.Floor(u); var fj = Vector.Floor(y);
        var i0 = Vector.ConvertToInt32(fi); var j0 = Vector.ConvertToInt32(fj);
        var xFirst = Vector.GreaterThanOrEqual(u - fi, y - fj); // -1 where true
        var x0 = x - (fi - fj * new VF(0.5f)); var y0 = y - fj;
        var x1 = x0 - Vector.ConditionalSelect(xFirst, VF.One, new VF(-0.5f));
        var y1 = y0 - Vector.ConditionalSelect(xFirst, VF.Zero, VF.One);
        var x2 = x0 - new VF(0.5f); var y2 = y0 - VF.One;
        VI ia = i0, ja = j0, ib = i0 - xFirst, jb = j0 + VI.One + xFirst, ic = i0 + VI.One, jc = j0 + VI.One;
        if ((px | py) != 0) { Wrap2(ref ia, ref ja, px, py); Wrap2(ref ib, ref jb, px, py); Wrap2(ref ic, ref jc, px, py); }
        var n = Corner2(Hash(seed, ia, ja, VI.Zero, VI.Zero), x0, y0);
        n += Corner2(Hash(seed, ib, jb, VI.Zero, VI.Zero), x1, y1);
        n += Corner2(Hash(seed, ic, jc, VI.Zero, VI.Zero), x2, y2);
        return new VF(Simplex.Scale2) * n;
    }

    private static void Wrap2(ref VI i, ref VI j, int px, int py)
    {
        Span<int> a = stackalloc int[VI.Count], b = stackalloc int[VI.Count];
        i.CopyTo(a); j.CopyTo(b);
        for (int l = 0; l < a.Length; l++) Simplex.Wrap2(ref a[l], ref b[l], px, py);
        i = new VI(a); j = new VI(b);
    }

    private static void Wrap3(ref VI a, ref VI b, ref VI c, int px, int py, int pz)
    {
        Span<int> sa = stackalloc int[VI.Count], sb = stackalloc int[VI.Count], sc = stackalloc int[VI.Count];
        a.CopyTo(sa); b.CopyTo(sb); c.CopyTo(sc);
        for (int l = 0; l < sa.Length; l++) Simplex.Wrap3(ref sa[l], ref sb[l], ref sc[l], px, py, pz);
        a = new VI(sa); b = new VI(sb); c = new VI(sc);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static VF Corner3(uint seed, VI a, VI b, VI c, VF x, VF y, VF z, int px, int py, int pz)
    {
        var half = new VF(0.5f);
        var cx = x - half * Vector.ConvertToSingle(b + c - a);
        var cy = y - half * Vector.ConvertToSingle(a + c - b);
        var cz = z - half * Vector.ConvertToSingle(a + b - c);
        if ((px | py | pz) != 0) Wrap3(ref a, ref b, ref c, px, py, pz);
        var h = Hash(seed, a, b, c, VI.Zero) & new VU(15);
        var su = Sign(h, 1); var sv = Sign(h, 2);
        var lt8 = Vector.LessThan(h, new VU(8)).AsVectorInt32();
        var vIsX = (Vector.Equals(h, new VU(12)) | Vector.Equals(h, new VU(14))).AsVectorInt32();
        var vIsY = Vector.LessThan(h, new VU(4)).AsVectorInt32();
        var gx = Vector.ConditionalSelect(lt8, su, VF.Zero) + Vector.ConditionalSelect(vIsX, sv, VF.Zero);
        var gy = Vector.ConditionalSelect(lt8, VF.Zero, su) + Vector.ConditionalSelect(vIsY, sv, VF.Zero);
        var gz = Vector.ConditionalSelect(vIsX | vIsY, VF.Zero, sv);
        var t = Vector.Max(half - (cx * cx + cy * cy + cz * cz), VF.Zero);
        return t * t * t * (gx * cx + gy * cy + gz * cz);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static VF Noise3(VF x, VF y, VF z, uint seed, int px, int py, int pz)
    {
        var u = y + z; var v = x + z; var w = x + y;
        var fa = Vector.Floor(u); var fb = Vector.Floor(v); var fc = Vector.Floor(w);
        var ru = u - fa; var rv = v - fb; var rw = w - fc;
        var a0 = Vector.ConvertToInt32(fa); var b0 = Vector.ConvertToInt32(fb); var c0 = Vector.ConvertToInt32(fc);
        var gA = Vector.GreaterThan(ru, rw); var gB = Vector.GreaterThanOrEqual(rv, ru); var gC = Vector.GreaterThanOrEqual(rw, rv);
        var lA = Vector.GreaterThan(ru, rv); var lB = Vector.GreaterThan(rv, rw); var lC = Vector.GreaterThanOrEqual(rw, ru);
        var n = Corner3(seed, a0, b0, c0, x, y, z, px, py, pz);
        n += Corner3(seed, a0 - (gA & lA), b0 - (gB & lB), c0 - (gC & lC), x, y, z, px, py, pz);
        n += Corner3(seed, a0 - (gA | lA), b0 - (gB | lB), c0 - (gC | lC), x, y, z, px, py, pz);
        n += Corner3(seed, a0 + VI.One, b0 + VI.One, c0 + VI.One, x, y, z, px, py, pz);
        return new VF(Simplex.Scale3) * n;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static VF Corner4(VU h, VF x, VF y, VF z, VF w)
    {
        h &= new VU(31);
        var u = Vector.ConditionalSelect(Vector.LessThan(h, new VU(24)).AsVectorInt32(), x, y);
        var v = Vector.ConditionalSelect(Vector.LessThan(h, new VU(16)).AsVectorInt32(), y, z);
        var s = Vector.ConditionalSelect(Vector.LessThan(h, new VU(8)).AsVectorInt32(), z, w);
        var g = Sign(h, 1) * u + Sign(h, 2) * v + Sign(h, 4) * s;
        var t = Vector.Max(new VF(0.5f) - (x * x + y * y + z * z + w * w), VF.Zero);
        var t2 = t * t;
        return t2 * t2 * g;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static VF Noise4(VF x, VF y, VF z, VF w, uint seed)
    {
        var s = (x + y + z + w) * new VF(Simplex.F4);
        var fi = Vector.Floor(x + s); var fj = Vector.Floor(y + s); var fk = Vector.Floor(z + s); var fl = Vector.Floor(w + s);
        var t = (fi + fj + fk + fl) * new VF(Simplex.G4);
        var x0 = x - (fi - t); var y0 = y - (fj - t); var z0 = z - (fk - t); var w0 = w - (fl - t);
        // Ranks as negative counts (comparison masks are −1 where true).
        var xy = Vector.GreaterThan(x0, y0); var xz = Vector.GreaterThan(x0, z0); var xw = Vector.GreaterThan(x0, w0);
        var yz = Vector.GreaterThan(y0, z0); var yw = Vector.GreaterThan(y0, w0); var zw = Vector.GreaterThan(z0, w0);
        var rx = Rank(xy, xz, xw);
        var ry = Rank(~xy, yz, yw);
        var rz = Rank(~xz, ~yz, zw);
        var rw = Rank(~xw, ~yw, ~zw);
        var i = Vector.ConvertToInt32(fi); var j = Vector.ConvertToInt32(fj); var k = Vector.ConvertToInt32(fk); var l = Vector.ConvertToInt32(fl);
        var n = Corner4(Hash(seed, i, j, k, l), x0, y0, z0, w0);
        n += Step4(seed, i, j, k, l, rx, ry, rz, rw, 3, x0, y0, z0, w0, new VF(Simplex.G4));
        n += Step4(seed, i, j, k, l, rx, ry, rz, rw, 2, x0, y0, z0, w0, new VF(Simplex.G4x2));
        n += Step4(seed, i, j, k, l, rx, ry, rz, rw, 1, x0, y0, z0, w0, new VF(Simplex.G4x3));
        var g4 = new VF(Simplex.G4x4);
        n += Corner4(Hash(seed, i + VI.One, j + VI.One, k + VI.One, l + VI.One), x0 - VF.One + g4, y0 - VF.One + g4, z0 - VF.One + g4, w0 - VF.One + g4);
        return new VF(Simplex.Scale4) * n;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static VI Rank(VI m1, VI m2, VI m3) => -(m1 + m2 + m3);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static VF Step4(uint seed, VI i, VI j, VI k, VI l, VI rx, VI ry, VI rz, VI rw, int threshold,
        VF x0, VF y0, VF z0, VF w0, VF g)
    {
        var th = new VI(threshold);
        var oi = -Vector.GreaterThanOrEqual(rx, th); var oj = -Vector.GreaterThanOrEqual(ry, th);
        var ok = -Vector.GreaterThanOrEqual(rz, th); var ol = -Vector.GreaterThanOrEqual(rw, th);
        return Corner4(Hash(seed, i + oi, j + oj, k + ok, l + ol),
            x0 - Vector.ConvertToSingle(oi) + g, y0 - Vector.ConvertToSingle(oj) + g, z0 - Vector.ConvertToSingle(ok) + g, w0 - Vector.ConvertToSingle(ol) + g);
    }
}

/// <summary>Reinterpreting casts between the lane types, as extension calls so expressions read left to right.</summary>
internal static class VectorBits
{
    public static VI AsVectorInt32(this VU v) => Vector.AsVectorInt32(v);
    public static VU AsVectorUInt32(this VI v) => Vector.AsVectorUInt32(v);
}
