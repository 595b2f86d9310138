using System.Runtime.CompilerServices;
using System.Numerics;

namespace FieldForge.Noise;

/// <summary>
/// The scalar CPU reference of a noise field: the exact operations the GPU kernel performs, one sample at a time.
/// Use it for tests, tools and a few samples on the CPU; <see cref="GpuNoise"/> is the fast path and
/// <see cref="SimdNoise"/> the vectorised CPU comparison. Gradients (∂value/∂x, ∂y[, ∂z]) are analytic, including the
/// chain rule through domain warping.
/// </summary>
public sealed class CpuNoise
{
    private readonly NoiseConstants _c;

    /// <summary>Builds the reference for <paramref name="settings"/> (validated here).</summary>
    public CpuNoise(NoiseSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        Settings = settings.Validate();
        _c = NoiseConstants.From(Settings);
    }

    /// <summary>The settings this generator was built with (validated).</summary>
    public NoiseSettings Settings { get; }

    /// <summary>Seed of warp component <paramref name="component"/> in stage <paramref name="stage"/> (shared with the GPU).</summary>
    internal static uint WarpSeed(uint seed, int stage, int component) => unchecked(seed + 0x9E3779B9u * (uint)(1 + stage * 4 + component));

    /// <summary>2D value at (x, y) in input units.</summary>
    public float Evaluate(float x, float y) => Sample2(x, y, false, out _, out _);

    /// <summary>2D value and its analytic gradient.</summary>
    public float Evaluate(float x, float y, out Vector2 gradient)
    {
        float v = Sample2(x, y, true, out float gx, out float gy);
        gradient = new Vector2(gx, gy);
        return v;
    }

    /// <summary>3D value at (x, y, z).</summary>
    public float Evaluate(float x, float y, float z) => Sample3(x, y, z, false, out _, out _, out _);

    /// <summary>3D value and its analytic gradient.</summary>
    public float Evaluate(float x, float y, float z, out Vector3 gradient)
    {
        float v = Sample3(x, y, z, true, out float gx, out float gy, out float gz);
        gradient = new Vector3(gx, gy, gz);
        return v;
    }

    /// <summary>4D value at (x, y, z, w) (no gradient: 4D is value-only).</summary>
    public float Evaluate(float x, float y, float z, float w) => Sample4(x, y, z, w);

    /// <summary>Fills <paramref name="values"/> (grid.Count) and optionally <paramref name="gradients"/>
    /// (grid.Count × dimensions, 2D/3D only) one sample at a time on this thread.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void FillGrid(NoiseGrid grid, Span<float> values, Span<float> gradients = default)
    {
        CheckGrid(grid, values.Length, gradients.Length);
        Settings.Validate(grid.Dimensions);
        int d = grid.Dimensions;
        bool grad = !gradients.IsEmpty;
        int index = 0;
        for (int iz = 0; iz < grid.Depth; iz++)
        {
            float z = grid.Origin.Z + (float)iz * grid.Spacing.Z;
            for (int iy = 0; iy < grid.Height; iy++)
            {
                float y = grid.Origin.Y + (float)iy * grid.Spacing.Y;
                for (int ix = 0; ix < grid.Width; ix++, index++)
                {
                    float x = grid.Origin.X + (float)ix * grid.Spacing.X;
                    switch (d)
                    {
                        case 2:
                            values[index] = Sample2(x, y, grad, out float ax, out float ay);
                            if (grad) { gradients[2 * index] = ax; gradients[2 * index + 1] = ay; }
                            break;
                        case 3:
                            values[index] = Sample3(x, y, z, grad, out float bx, out float by, out float bz);
                            if (grad) { gradients[3 * index] = bx; gradients[3 * index + 1] = by; gradients[3 * index + 2] = bz; }
                            break;
                        default:
                            values[index] = Sample4(x, y, z, grid.Origin.W);
                            break;
                    }
                }
            }
        }
    }

    /// <summary>Evaluates packed points (<paramref name="dimensions"/> floats each) into <paramref name="values"/>, and
    /// gradients (dimensions floats each, 2D/3D) when <paramref name="gradients"/> is not empty.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void EvaluatePoints(int dimensions, ReadOnlySpan<float> points, Span<float> values, Span<float> gradients = default)
    {
        Settings.Validate(dimensions);
        int count = CheckPoints(dimensions, points.Length, values.Length, gradients.Length);
        bool grad = !gradients.IsEmpty;
        for (int i = 0; i < count; i++)
        {
            var p = points.Slice(i * dimensions, dimensions);
            switch (dimensions)
            {
                case 2:
                    values[i] = Sample2(p[0], p[1], grad, out float ax, out float ay);
                    if (grad) { gradients[2 * i] = ax; gradients[2 * i + 1] = ay; }
                    break;
                case 3:
                    values[i] = Sample3(p[0], p[1], p[2], grad, out float bx, out float by, out float bz);
                    if (grad) { gradients[3 * i] = bx; gradients[3 * i + 1] = by; gradients[3 * i + 2] = bz; }
                    break;
                default:
                    values[i] = Sample4(p[0], p[1], p[2], p[3]);
                    break;
            }
        }
    }

    internal static void CheckGrid(NoiseGrid grid, int valueLength, int gradientLength)
    {
        grid.Validate();
        if (valueLength < grid.Count) throw new ArgumentException($"values holds {valueLength} floats, the {grid.Width}x{grid.Height}x{grid.Depth} grid needs {grid.Count}");
        if (gradientLength == 0) return;
        if (grid.Dimensions == 4) throw new ArgumentException("gradients are available for 2D and 3D noise only, got a 4D grid");
        if (gradientLength < grid.Count * grid.Dimensions)
            throw new ArgumentException($"gradients holds {gradientLength} floats, the grid needs {grid.Count * grid.Dimensions} ({grid.Dimensions} per sample)");
    }

    internal static int CheckPoints(int dimensions, int pointLength, int valueLength, int gradientLength)
    {
        if (dimensions is < 2 or > 4) throw new ArgumentException($"dimensions must be 2, 3 or 4, got {dimensions}");
        if (pointLength % dimensions != 0) throw new ArgumentException($"points holds {pointLength} floats, not a multiple of {dimensions} (packed {dimensions}D points)");
        int count = pointLength / dimensions;
        if (valueLength < count) throw new ArgumentException($"values holds {valueLength} floats, {count} points need {count}");
        if (gradientLength != 0)
        {
            if (dimensions == 4) throw new ArgumentException("gradients are available for 2D and 3D noise only, got 4D points");
            if (gradientLength < count * dimensions) throw new ArgumentException($"gradients holds {gradientLength} floats, {count} points need {count * dimensions}");
        }
        return count;
    }

    // ---- fractal sums (unnormalised) ------------------------------------------------------------------------------

    // The value-only and gradient sums are separate inlined copies (grad a constant in each), so the value-only loop
    // carries no derivative work and keeps its state in registers.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private float Fractal2(float x, float y, uint seed, NoiseMode mode, bool grad, out float dx, out float dy) =>
        grad ? Fractal2Core(x, y, seed, mode, true, out dx, out dy) : Fractal2Core(x, y, seed, mode, false, out dx, out dy);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private float Fractal2Core(float x, float y, uint seed, NoiseMode mode, bool grad, out float dx, out float dy)
    {
        float sum = 0f, amp = 1f, freq = _c.Frequency;
        int px = _c.PeriodX, py = _c.PeriodY;
        dx = 0f; dy = 0f;
        for (int k = 0; k < _c.Octaves; k++)
        {
            float n = Simplex.Noise2(x * freq, y * freq, unchecked(seed + (uint)k), px, py, grad, out float nx, out float ny);
            float m = Fold(n, mode, out float dm);
            sum += amp * m;
            if (grad) { float c = amp * dm * freq; dx += c * nx; dy += c * ny; }
            amp *= _c.Gain; freq *= _c.Lacunarity; px *= _c.LacunarityInt; py *= _c.LacunarityInt;
        }
        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private float Fractal3(float x, float y, float z, uint seed, NoiseMode mode, bool grad, out float dx, out float dy, out float dz)
    {
        float sum = 0f, amp = 1f, freq = _c.Frequency;
        int px = _c.PeriodX, py = _c.PeriodY, pz = _c.PeriodZ;
        dx = 0f; dy = 0f; dz = 0f;
        for (int k = 0; k < _c.Octaves; k++)
        {
            float n = Simplex.Noise3(x * freq, y * freq, z * freq, unchecked(seed + (uint)k), px, py, pz, grad, out float nx, out float ny, out float nz);
            float m = Fold(n, mode, out float dm);
            sum += amp * m;
            if (grad) { float c = amp * dm * freq; dx += c * nx; dy += c * ny; dz += c * nz; }
            amp *= _c.Gain; freq *= _c.Lacunarity; px *= _c.LacunarityInt; py *= _c.LacunarityInt; pz *= _c.LacunarityInt;
        }
        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private float Fractal4(float x, float y, float z, float w, uint seed, NoiseMode mode)
    {
        float sum = 0f, amp = 1f, freq = _c.Frequency;
        for (int k = 0; k < _c.Octaves; k++)
        {
            float n = Simplex.Noise4(x * freq, y * freq, z * freq, w * freq, unchecked(seed + (uint)k));
            sum += amp * Fold(n, mode, out _);
            amp *= _c.Gain; freq *= _c.Lacunarity;
        }
        return sum;
    }

    /// <summary>Per-octave shaping of a value n in [−1, 1] and its derivative dm/dn.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Fold(float n, NoiseMode mode, out float dm)
    {
        switch (mode)
        {
            case NoiseMode.Billow:
                dm = n < 0f ? -2f : 2f;
                return 2f * MathF.Abs(n) - 1f;
            case NoiseMode.Ridged:
                float r = 1f - MathF.Abs(n);
                dm = (n < 0f ? 4f : -4f) * r;
                return 2f * r * r - 1f;
            default:
                dm = 1f;
                return n;
        }
    }

    // ---- warp + output ---------------------------------------------------------------------------------------------

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private float Sample2(float x, float y, bool grad, out float gx, out float gy)
    {
        float qx = x, qy = y;
        float j00 = 1f, j01 = 0f, j10 = 0f, j11 = 1f; // Jacobian d q / d p
        for (int s = 0; s < _c.WarpStages; s++)
        {
            float wx = Fractal2(qx, qy, WarpSeed(_c.Seed, s, 0), NoiseMode.Fbm, grad, out float ax, out float ay);
            float wy = Fractal2(qx, qy, WarpSeed(_c.Seed, s, 1), NoiseMode.Fbm, grad, out float bx, out float by);
            if (grad)
            {
                ax *= _c.WarpScale; ay *= _c.WarpScale; bx *= _c.WarpScale; by *= _c.WarpScale;
                float n00 = 1f + (ax * j00 + ay * j10), n01 = ax * j01 + ay * j11;
                float n10 = bx * j00 + by * j10, n11 = 1f + (bx * j01 + by * j11);
                j00 = n00; j01 = n01; j10 = n10; j11 = n11;
            }
            qx = x + _c.WarpScale * wx; qy = y + _c.WarpScale * wy;
        }
        float v = Fractal2(qx, qy, _c.Seed, _c.Mode, grad, out float fx, out float fy);
        gx = 0f; gy = 0f;
        if (grad)
        {
            gx = _c.Scale * (fx * j00 + fy * j10);
            gy = _c.Scale * (fx * j01 + fy * j11);
        }
        return _c.Scale * v + _c.Offset;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private float Sample3(float x, float y, float z, bool grad, out float gx, out float gy, out float gz)
    {
        float qx = x, qy = y, qz = z;
        Span<float> j = stackalloc float[9] { 1f, 0f, 0f, 0f, 1f, 0f, 0f, 0f, 1f }; // row-major d q / d p
        Span<float> w = stackalloc float[9];
        Span<float> t = stackalloc float[9];
        for (int s = 0; s < _c.WarpStages; s++)
        {
            float wx = Fractal3(qx, qy, qz, WarpSeed(_c.Seed, s, 0), NoiseMode.Fbm, grad, out w[0], out w[1], out w[2]);
            float wy = Fractal3(qx, qy, qz, WarpSeed(_c.Seed, s, 1), NoiseMode.Fbm, grad, out w[3], out w[4], out w[5]);
            float wz = Fractal3(qx, qy, qz, WarpSeed(_c.Seed, s, 2), NoiseMode.Fbm, grad, out w[6], out w[7], out w[8]);
            if (grad)
            {
                for (int r = 0; r < 3; r++)
                    for (int c = 0; c < 3; c++)
                    {
                        float sum = w[3 * r] * _c.WarpScale * j[c] + w[3 * r + 1] * _c.WarpScale * j[3 + c] + w[3 * r + 2] * _c.WarpScale * j[6 + c];
                        t[3 * r + c] = (r == c ? 1f : 0f) + sum;
                    }
                t.CopyTo(j);
            }
            qx = x + _c.WarpScale * wx; qy = y + _c.WarpScale * wy; qz = z + _c.WarpScale * wz;
        }
        float v = Fractal3(qx, qy, qz, _c.Seed, _c.Mode, grad, out float fx, out float fy, out float fz);
        gx = 0f; gy = 0f; gz = 0f;
        if (grad)
        {
            gx = _c.Scale * (fx * j[0] + fy * j[3] + fz * j[6]);
            gy = _c.Scale * (fx * j[1] + fy * j[4] + fz * j[7]);
            gz = _c.Scale * (fx * j[2] + fy * j[5] + fz * j[8]);
        }
        return _c.Scale * v + _c.Offset;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private float Sample4(float x, float y, float z, float w)
    {
        float qx = x, qy = y, qz = z, qw = w;
        for (int s = 0; s < _c.WarpStages; s++)
        {
            float wx = Fractal4(qx, qy, qz, qw, WarpSeed(_c.Seed, s, 0), NoiseMode.Fbm);
            float wy = Fractal4(qx, qy, qz, qw, WarpSeed(_c.Seed, s, 1), NoiseMode.Fbm);
            float wz = Fractal4(qx, qy, qz, qw, WarpSeed(_c.Seed, s, 2), NoiseMode.Fbm);
            float ww = Fractal4(qx, qy, qz, qw, WarpSeed(_c.Seed, s, 3), NoiseMode.Fbm);
            qx = x + _c.WarpScale * wx; qy = y + _c.WarpScale * wy; qz = z + _c.WarpScale * wz; qw = w + _c.WarpScale * ww;
        }
        return _c.Scale * Fractal4(qx, qy, qz, qw, _c.Seed, _c.Mode) + _c.Offset;
    }
}
