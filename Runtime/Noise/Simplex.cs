using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace FieldForge.Noise;

/// <summary>
/// Scalar simplex noise on one lattice: the reference every other path (SIMD, GLSL) copies operation for operation,
/// so results agree to the last bit where the hardware rounds the same way. No fused multiply-add here (.NET never
/// contracts scalar float math); the GLSL marks the same expressions <c>precise</c>.
/// 2D and 3D use the tileable lattices of Gustavson &amp; McEwan's psrdnoise (a sheared triangular lattice and the
/// body-centred cubic lattice) so integer periods wrap exactly; 4D uses the classic skewed simplex lattice.
/// </summary>
internal static class Simplex
{
    // Normalisation: 1 / (largest |raw sum| found by random search plus hill climbing from 50 starts), with 1-2%
    // headroom, so single-octave output stays inside [-1, 1] (measured maxima after scaling: 2D 0.988, 3D 0.976,
    // 4D 0.980; NoiseTests checks the bound on millions of points).
    public const float Scale2 = 10.8f;
    public const float Scale3 = 30.5f;
    public const float Scale4 = 61.5f;

    public const float Diagonal = 0.707106781f;
    public const float F4 = 0.309016994f;
    public const float G4 = 0.138196601f;
    public const float G4x2 = 0.276393202f;
    public const float G4x3 = 0.414589803f;
    public const float G4x4 = 0.552786405f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Hash(uint seed, int i, int j, int k = 0, int l = 0)
    {
        uint h = seed ^ ((uint)i * 0x8DA6B343u) ^ ((uint)j * 0xD8163841u) ^ ((uint)k * 0xCB1AB31Fu) ^ ((uint)l * 0x165667B1u);
        h ^= h >> 16; h *= 0x7FEB352Du;
        h ^= h >> 15; h *= 0x846CA68Bu;
        h ^= h >> 16;
        return h;
    }

    /// <summary>Floor division by a positive integer (C# and GLSL both truncate; this corrects toward −∞).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int FloorDiv(int a, int b)
    {
        int q = a / b;
        if (q * b > a) q--;
        return q;
    }

    /// <summary>Maps a 2D lattice vertex (i, j) (sheared coordinates, position (i − j/2, j)) into the period box.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Wrap2(ref int i, ref int j, int px, int py)
    {
        if (py > 0) { int q = FloorDiv(j, py); j -= q * py; i -= q * (py >> 1); }
        if (px > 0) { int q = FloorDiv(i, px); i -= q * px; }
    }

    /// <summary>Maps a 3D BCC vertex (a, b, c) (position ½(−a+b+c, a−b+c, a+b−c)) into the period box.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Wrap3(ref int a, ref int b, ref int c, int px, int py, int pz)
    {
        int x2 = -a + b + c, y2 = a - b + c, z2 = a + b - c;
        if (px > 0) x2 -= FloorDiv(x2, 2 * px) * (2 * px);
        if (py > 0) y2 -= FloorDiv(y2, 2 * py) * (2 * py);
        if (pz > 0) z2 -= FloorDiv(z2, 2 * pz) * (2 * pz);
        a = (y2 + z2) >> 1; b = (x2 + z2) >> 1; c = (x2 + y2) >> 1;
    }

    /// <summary>2D gradient from 3 hash bits: 4 axis and 4 diagonal unit vectors.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Gradient2(uint h, out float gx, out float gy)
    {
        // A table lookup rather than branches on random hash bits (mispredicted half the time); the entries are the
        // values the branches produced (bit 0 negates x, bit 1 negates y on the diagonals or picks the y axis, bit 2
        // picks the diagonals), so every path stays bit-identical.
        gx = Gradient2X[(int)(h & 7)];
        gy = Gradient2Y[(int)(h & 7)];
    }

    private static ReadOnlySpan<float> Gradient2X => [1f, -1f, 0f, 0f, Diagonal, -Diagonal, Diagonal, -Diagonal];
    private static ReadOnlySpan<float> Gradient2Y => [0f, 0f, 1f, -1f, Diagonal, Diagonal, -Diagonal, -Diagonal];

    /// <summary>3D gradient from 4 hash bits: the 12 cube-edge directions (Perlin's set, 4 repeated).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Gradient3(uint h, out float gx, out float gy, out float gz)
    {
        h &= 15;
        float su = (h & 1) != 0 ? -1f : 1f, sv = (h & 2) != 0 ? -1f : 1f;
        bool vIsX = h == 12 || h == 14;
        bool vIsY = h < 4;
        gx = (h < 8 ? su : 0f) + (vIsX ? sv : 0f);
        gy = (h >= 8 ? su : 0f) + (vIsY ? sv : 0f);
        gz = !vIsX && !vIsY ? sv : 0f;
    }

    /// <summary>4D gradient dot product from 5 hash bits: the 32 directions (0, ±1, ±1, ±1) permuted.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Gradient4Dot(uint h, float x, float y, float z, float w)
    {
        h &= 31;
        float u = h < 24 ? x : y, v = h < 16 ? y : z, t = h < 8 ? z : w;
        float su = (h & 1) != 0 ? -1f : 1f, sv = (h & 2) != 0 ? -1f : 1f, st = (h & 4) != 0 ? -1f : 1f;
        return su * u + sv * v + st * t;
    }

    /// <summary>One octave of 2D noise at (x, y) (lattice units), periods in cells (0 = none). Gradient optional.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Noise2(float x, float y, uint seed, int px, int py, bool wantGradient, out float dx, out float dy) =>
        wantGradient ? Noise2Core(x, y, seed, px, py, true, out dx, out dy) : Noise2Core(x, y, seed, px, py, false, out dx, out dy);

    // Inlined twice above with a constant wantGradient, so the value-only path carries no gradient work or branches.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Noise2Core(float x, float y, uint seed, int px, int py, bool wantGradient, out float dx, out float dy)
    {
        float u = x + y * 0.5f;
        float fi = MathF.Floor(u), fj = MathF.Floor(y);
        int i0 = WholeToInt(fi), j0 = WholeToInt(fj);
        bool xFirst = u - fi >= y - fj;
        float x0 = x - (fi - fj * 0.5f), y0 = y - fj;
        float x1 = x0 - (xFirst ? 1f : -0.5f), y1 = y0 - (xFirst ? 0f : 1f);
        float x2 = x0 - 0.5f, y2 = y0 - 1f;
        int ia = i0, ja = j0, ib = i0 + (xFirst ? 1 : 0), jb = j0 + (xFirst ? 0 : 1), ic = i0 + 1, jc = j0 + 1;
        if ((px | py) != 0) { Wrap2(ref ia, ref ja, px, py); Wrap2(ref ib, ref jb, px, py); Wrap2(ref ic, ref jc, px, py); }
        dx = 0f; dy = 0f;
        float n = Corner2(Hash(seed, ia, ja), x0, y0, wantGradient, ref dx, ref dy);
        n += Corner2(Hash(seed, ib, jb), x1, y1, wantGradient, ref dx, ref dy);
        n += Corner2(Hash(seed, ic, jc), x2, y2, wantGradient, ref dx, ref dy);
        if (wantGradient) { dx *= Scale2; dy *= Scale2; }
        return Scale2 * n;
    }

    /// <summary>A floored float (a whole number of magnitude &lt; 2^31) as an int: one truncating conversion, where a
    /// plain cast on .NET 9+ adds NaN and overflow fix-ups that cannot apply here.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int WholeToInt(float whole) =>
        Sse.IsSupported ? Sse.ConvertToInt32WithTruncation(Vector128.CreateScalarUnsafe(whole)) : (int)whole;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Corner2(uint h, float x, float y, bool wantGradient, ref float dx, ref float dy)
    {
        Gradient2(h, out float gx, out float gy);
        float t = MathF.Max(0.8f - (x * x + y * y), 0f);
        float t2 = t * t, t4 = t2 * t2;
        float g = gx * x + gy * y;
        if (wantGradient)
        {
            float c = -8f * (t * t2) * g;
            dx += t4 * gx + c * x;
            dy += t4 * gy + c * y;
        }
        return t4 * g;
    }

    /// <summary>One octave of 3D noise at (x, y, z) (lattice units), periods in cells (0 = none). Gradient optional.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Noise3(float x, float y, float z, uint seed, int px, int py, int pz, bool wantGradient,
        out float dx, out float dy, out float dz)
    {
        float u = y + z, v = x + z, w = x + y;
        float fa = MathF.Floor(u), fb = MathF.Floor(v), fc = MathF.Floor(w);
        float ru = u - fa, rv = v - fb, rw = w - fc;
        int a0 = WholeToInt(fa), b0 = WholeToInt(fb), c0 = WholeToInt(fc);
        // psrdnoise's simplex selection: g/l are the two candidate orders, o1 = min, o2 = max.
        int gA = ru > rw ? 1 : 0, gB = rv >= ru ? 1 : 0, gC = rw >= rv ? 1 : 0;
        int lA = ru > rv ? 1 : 0, lB = rv > rw ? 1 : 0, lC = rw >= ru ? 1 : 0;
        int a1 = a0 + (gA & lA), b1 = b0 + (gB & lB), c1 = c0 + (gC & lC);
        int a2 = a0 + (gA | lA), b2 = b0 + (gB | lB), c2 = c0 + (gC | lC);
        int a3 = a0 + 1, b3 = b0 + 1, c3 = c0 + 1;
        dx = 0f; dy = 0f; dz = 0f;
        float n = Corner3(seed, a0, b0, c0, x, y, z, px, py, pz, wantGradient, ref dx, ref dy, ref dz);
        n += Corner3(seed, a1, b1, c1, x, y, z, px, py, pz, wantGradient, ref dx, ref dy, ref dz);
        n += Corner3(seed, a2, b2, c2, x, y, z, px, py, pz, wantGradient, ref dx, ref dy, ref dz);
        n += Corner3(seed, a3, b3, c3, x, y, z, px, py, pz, wantGradient, ref dx, ref dy, ref dz);
        if (wantGradient) { dx *= Scale3; dy *= Scale3; dz *= Scale3; }
        return Scale3 * n;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Corner3(uint seed, int a, int b, int c, float x, float y, float z, int px, int py, int pz,
        bool wantGradient, ref float dx, ref float dy, ref float dz)
    {
        float cx = x - 0.5f * (float)(-a + b + c), cy = y - 0.5f * (float)(a - b + c), cz = z - 0.5f * (float)(a + b - c);
        if ((px | py | pz) != 0) Wrap3(ref a, ref b, ref c, px, py, pz);
        Gradient3(Hash(seed, a, b, c), out float gx, out float gy, out float gz);
        float t = MathF.Max(0.5f - (cx * cx + cy * cy + cz * cz), 0f);
        float t2 = t * t, t3 = t2 * t;
        float g = gx * cx + gy * cy + gz * cz;
        if (wantGradient)
        {
            float k = -6f * t2 * g;
            dx += t3 * gx + k * cx;
            dy += t3 * gy + k * cy;
            dz += t3 * gz + k * cz;
        }
        return t3 * g;
    }

    /// <summary>One octave of 4D noise (classic skewed simplex lattice, value only).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Noise4(float x, float y, float z, float w, uint seed)
    {
        float s = (x + y + z + w) * F4;
        float fi = MathF.Floor(x + s), fj = MathF.Floor(y + s), fk = MathF.Floor(z + s), fl = MathF.Floor(w + s);
        float t = (fi + fj + fk + fl) * G4;
        float x0 = x - (fi - t), y0 = y - (fj - t), z0 = z - (fk - t), w0 = w - (fl - t);
        int rx = 0, ry = 0, rz = 0, rw = 0;
        if (x0 > y0) rx++; else ry++;
        if (x0 > z0) rx++; else rz++;
        if (x0 > w0) rx++; else rw++;
        if (y0 > z0) ry++; else rz++;
        if (y0 > w0) ry++; else rw++;
        if (z0 > w0) rz++; else rw++;
        int i = WholeToInt(fi), j = WholeToInt(fj), k = WholeToInt(fk), l = WholeToInt(fl);
        int i1 = rx >= 3 ? 1 : 0, j1 = ry >= 3 ? 1 : 0, k1 = rz >= 3 ? 1 : 0, l1 = rw >= 3 ? 1 : 0;
        int i2 = rx >= 2 ? 1 : 0, j2 = ry >= 2 ? 1 : 0, k2 = rz >= 2 ? 1 : 0, l2 = rw >= 2 ? 1 : 0;
        int i3 = rx >= 1 ? 1 : 0, j3 = ry >= 1 ? 1 : 0, k3 = rz >= 1 ? 1 : 0, l3 = rw >= 1 ? 1 : 0;
        float n = Corner4(Hash(seed, i, j, k, l), x0, y0, z0, w0);
        n += Corner4(Hash(seed, i + i1, j + j1, k + k1, l + l1), x0 - (float)i1 + G4, y0 - (float)j1 + G4, z0 - (float)k1 + G4, w0 - (float)l1 + G4);
        n += Corner4(Hash(seed, i + i2, j + j2, k + k2, l + l2), x0 - (float)i2 + G4x2, y0 - (float)j2 + G4x2, z0 - (float)k2 + G4x2, w0 - (float)l2 + G4x2);
        n += Corner4(Hash(seed, i + i3, j + j3, k + k3, l + l3), x0 - (float)i3 + G4x3, y0 - (float)j3 + G4x3, z0 - (float)k3 + G4x3, w0 - (float)l3 + G4x3);
        n += Corner4(Hash(seed, i + 1, j + 1, k + 1, l + 1), x0 - 1f + G4x4, y0 - 1f + G4x4, z0 - 1f + G4x4, w0 - 1f + G4x4);
        return Scale4 * n;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Corner4(uint h, float x, float y, float z, float w)
    {
        float t = MathF.Max(0.5f - (x * x + y * y + z * z + w * w), 0f);
        float t2 = t * t;
        return t2 * t2 * Gradient4Dot(h, x, y, z, w);
    }
}
