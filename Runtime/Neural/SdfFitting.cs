using FieldForge.Core;
using System.Globalization;
using System.Numerics;

namespace FieldForge.Neural;

/// <summary>
/// Helpers of the SDF-fitting task: analytic shapes, a minimal OBJ reader, sample generation (near the surface and
/// uniform) with exact distances, and held-out error. The field's unit cube maps to the world box [-1, 1]^3.
/// </summary>
public static class SdfFitting
{
    /// <summary>Analytic shapes <see cref="AnalyticShape"/> knows.</summary>
    public static IReadOnlyList<string> ShapeNames { get; } = ["sphere", "box", "torus", "blob"];

    /// <summary>A field for SDF fitting: 3-D in, one distance out, instant-ngp's encoding defaults up to <paramref name="finestResolution"/>.</summary>
    public static NeuralFieldConfig DefaultConfig(EncodingKind encoding, float finestResolution = 256, int log2TableSize = 19, int levels = 16) =>
        NeuralFieldConfig.Create(encoding, 3, 1, finestResolution, levels: levels, log2TableSize: log2TableSize);

    /// <summary>The signed distance function of a named preset shape (world units, inside [-1, 1]^3): sphere
    /// (<c>sphere:r=0.6</c>), box (<c>box:1x0.7x0.9</c>, full extents as in every spec), torus (<c>torus:R=0.5,r=0.18</c>)
    /// and blob (a smooth union). Any other shape: pass a spec's distance function to the sampling methods.</summary>
    public static Func<Vector3, float> AnalyticShape(string name) => name switch
    {
        "sphere" => p => p.Length() - 0.6f,
        "box" => p => Box(p, new Vector3(0.5f, 0.35f, 0.45f)),
        "torus" => p => new Vector2(new Vector2(p.X, p.Z).Length() - 0.5f, p.Y).Length() - 0.18f,
        "blob" => p => SmoothMin(
            SmoothMin((p - new Vector3(-0.25f, 0, 0)).Length() - 0.4f, Box(p - new Vector3(0.3f, 0.1f, 0), new Vector3(0.3f, 0.25f, 0.25f)), 0.15f),
            new Vector2(new Vector2(p.X, p.Y + 0.35f).Length() - 0.45f, p.Z).Length() - 0.08f, 0.1f),
        _ => throw new ArgumentException($"unknown analytic shape '{name}'; known: {string.Join(", ", ShapeNames)}"),
    };

    private static float Box(Vector3 p, Vector3 half)
    {
        var q = Vector3.Abs(p) - half;
        return Vector3.Max(q, Vector3.Zero).Length() + MathF.Min(MathF.Max(q.X, MathF.Max(q.Y, q.Z)), 0f);
    }

    private static float SmoothMin(float a, float b, float k)
    {
        float h = Math.Clamp(0.5f + 0.5f * (b - a) / k, 0f, 1f);
        return b + (a - b) * h - k * h * (1 - h);
    }

    /// <summary>
    /// Samples an analytic SDF: a fraction <paramref name="nearFraction"/> of the points lie near the surface (surface
    /// points found by projecting random points along the gradient, jittered by N(0, <paramref name="sigma"/>)), the
    /// rest uniform in the box. Deterministic for a seed.
    /// </summary>
    public static SdfSamples SampleAnalytic(Func<Vector3, float> sdf, int count, uint seed, float nearFraction = 0.75f, float sigma = 0.02f)
    {
        ArgumentNullException.ThrowIfNull(sdf);
        CheckSampling(count, nearFraction, sigma);
        var world = new Vector3[count];
        int near = (int)(count * nearFraction);
        const float h = 1e-3f;
        Parallel.For(0, count, i =>
        {
            var p = RandomPoint(seed, (uint)i);
            if (i < near)
            {
                for (int k = 0; k < 8; k++)
                {
                    float d = sdf(p);
                    var g = new Vector3(sdf(p + new Vector3(h, 0, 0)) - sdf(p - new Vector3(h, 0, 0)),
                        sdf(p + new Vector3(0, h, 0)) - sdf(p - new Vector3(0, h, 0)),
                        sdf(p + new Vector3(0, 0, h)) - sdf(p - new Vector3(0, 0, h))) / (2 * h);
                    float len = g.Length();
                    if (len < 1e-6f) break;
                    p -= g / len * d;
                }
                p += Gaussian3(seed, (uint)i) * sigma;
                p = Vector3.Clamp(p, -Vector3.One, Vector3.One);
            }
            world[i] = p;
        });
        var distances = new float[count];
        Parallel.For(0, count, i => distances[i] = sdf(world[i]));
        return new SdfSamples(ToUnit(world), distances);
    }

    /// <summary>
    /// Samples a closed triangle mesh (already placed inside [-1, 1]^3, e.g. by <see cref="NormalizeToBox"/>): near-surface
    /// points are area-weighted surface samples jittered by N(0, sigma), the rest uniform. Distances are exact (nearest
    /// triangle), signs from the generalised winding number. Brute force over triangles, so keep
    /// count × triangles ≤ 4·10^8.
    /// </summary>
    public static SdfSamples SampleMesh(Vector3[] vertices, int[] indices, int count, uint seed, float nearFraction = 0.75f, float sigma = 0.02f)
    {
        ArgumentNullException.ThrowIfNull(vertices);
        ArgumentNullException.ThrowIfNull(indices);
        CheckSampling(count, nearFraction, sigma);
        if (indices.Length == 0 || indices.Length % 3 != 0) throw new ArgumentException($"indices must hold a positive multiple of 3 entries, got {indices.Length}");
        foreach (int i in indices) if ((uint)i >= vertices.Length) throw new ArgumentException($"index {i} is out of range for {vertices.Length} vertices");
        int triangles = indices.Length / 3;
        if ((long)triangles * count > 400_000_000)
            throw new ArgumentException($"{triangles} triangles × {count} samples is too much for brute-force distances; use fewer samples or a simpler mesh (≤ 4e8)");
        var cumulative = new double[triangles];
        double area = 0;
        for (int t = 0; t < triangles; t++)
        {
            var a = vertices[indices[3 * t]]; var b = vertices[indices[3 * t + 1]]; var c = vertices[indices[3 * t + 2]];
            area += Vector3.Cross(b - a, c - a).Length() * 0.5;
            cumulative[t] = area;
        }
        if (area <= 0) throw new ArgumentException("the mesh has zero surface area");
        var world = new Vector3[count];
        int near = (int)(count * nearFraction);
        for (int i = 0; i < count; i++)
        {
            if (i >= near) { world[i] = RandomPoint(seed, (uint)i); continue; }
            double pick = SpatialHash.Random01(seed, 101, (uint)i, 0) * area;
            int t = Array.BinarySearch(cumulative, pick);
            if (t < 0) t = Math.Min(~t, triangles - 1);
            float r1 = MathF.Sqrt(SpatialHash.Random01(seed, 102, (uint)i, 0)), r2 = SpatialHash.Random01(seed, 102, (uint)i, 1);
            var a = vertices[indices[3 * t]]; var b = vertices[indices[3 * t + 1]]; var c = vertices[indices[3 * t + 2]];
            var p = a * (1 - r1) + b * (r1 * (1 - r2)) + c * (r1 * r2);
            world[i] = Vector3.Clamp(p + Gaussian3(seed, (uint)i) * sigma, -Vector3.One, Vector3.One);
        }
        var distances = new float[count];
        Parallel.For(0, count, i => distances[i] = MeshDistance(world[i], vertices, indices));
        return new SdfSamples(ToUnit(world), distances);
    }

    /// <summary>Signed distance from <paramref name="p"/> to a closed mesh (negative inside, by winding number).</summary>
    public static float MeshDistance(Vector3 p, Vector3[] vertices, int[] indices)
    {
        float best = float.MaxValue;
        double winding = 0;
        for (int t = 0; t < indices.Length; t += 3)
        {
            var a = vertices[indices[t]]; var b = vertices[indices[t + 1]]; var c = vertices[indices[t + 2]];
            best = MathF.Min(best, Vector3.DistanceSquared(p, TriangleDistance.ClosestPoint(p, a, b, c)));
            // Van Oosterom & Strackee solid angle.
            Vector3 ra = a - p, rb = b - p, rc = c - p;
            float la = ra.Length(), lb = rb.Length(), lc = rc.Length();
            double num = Vector3.Dot(ra, Vector3.Cross(rb, rc));
            double den = la * lb * lc + Vector3.Dot(ra, rb) * lc + Vector3.Dot(rb, rc) * la + Vector3.Dot(rc, ra) * lb;
            winding += 2 * Math.Atan2(num, den);
        }
        float d = MathF.Sqrt(best);
        return winding / (4 * Math.PI) > 0.5 ? -d : d;
    }

    /// <summary>Uniformly scales and centres vertices so the mesh's bounding box fits in [-<paramref name="extent"/>, +extent]^3.</summary>
    public static Vector3[] NormalizeToBox(Vector3[] vertices, float extent = 0.8f)
    {
        ArgumentNullException.ThrowIfNull(vertices);
        if (vertices.Length == 0) throw new ArgumentException("the mesh has no vertices");
        var min = vertices.Aggregate(Vector3.Min); var max = vertices.Aggregate(Vector3.Max);
        var size = max - min;
        float scale = 2 * extent / MathF.Max(size.X, MathF.Max(size.Y, MathF.Max(size.Z, 1e-12f)));
        var centre = (min + max) * 0.5f;
        return vertices.Select(v => (v - centre) * scale).ToArray();
    }

    /// <summary>Mean |field − distance| over <paramref name="samples"/> (world units).</summary>
    public static double MeanAbsoluteError(NeuralField field, SdfSamples samples)
    {
        ArgumentNullException.ThrowIfNull(field);
        ArgumentNullException.ThrowIfNull(samples);
        if (field.InputDimensions != 3 || field.OutputDimensions != 1) throw new ArgumentException("SDF error needs a 3-D field with one output");
        var predicted = field.Evaluate(samples.Points);
        double sum = 0;
        for (int i = 0; i < predicted.Length; i++) sum += Math.Abs(predicted[i] - samples.Distances[i]);
        return sum / Math.Max(1, predicted.Length);
    }

    private static void CheckSampling(int count, float nearFraction, float sigma)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), $"sample count must be ≥ 1, got {count}");
        if (!(nearFraction >= 0 && nearFraction <= 1)) throw new ArgumentOutOfRangeException(nameof(nearFraction), $"nearFraction must be in [0, 1], got {nearFraction}");
        if (!float.IsFinite(sigma) || sigma < 0) throw new ArgumentOutOfRangeException(nameof(sigma), $"sigma must be finite and ≥ 0, got {sigma}");
    }

    private static Vector3 RandomPoint(uint seed, uint i) => new Vector3(
        SpatialHash.Random01(seed, 100, i, 0), SpatialHash.Random01(seed, 100, i, 1), SpatialHash.Random01(seed, 100, i, 2)) * 2 - Vector3.One;

    private static Vector3 Gaussian3(uint seed, uint i)
    {
        // Box-Muller from four uniforms; the third axis reuses a second pair.
        float u1 = MathF.Max(SpatialHash.Random01(seed, 103, i, 0), 1e-7f), u2 = SpatialHash.Random01(seed, 103, i, 1);
        float u3 = MathF.Max(SpatialHash.Random01(seed, 103, i, 2), 1e-7f), u4 = SpatialHash.Random01(seed, 103, i, 3);
        float r1 = MathF.Sqrt(-2 * MathF.Log(u1)), r2 = MathF.Sqrt(-2 * MathF.Log(u3));
        return new Vector3(r1 * MathF.Cos(2 * MathF.PI * u2), r1 * MathF.Sin(2 * MathF.PI * u2), r2 * MathF.Cos(2 * MathF.PI * u4));
    }

    private static float[] ToUnit(Vector3[] world)
    {
        var points = new float[world.Length * 3];
        for (int i = 0; i < world.Length; i++)
        {
            points[3 * i] = Math.Clamp((world[i].X + 1) * 0.5f, 0f, 1f);
            points[3 * i + 1] = Math.Clamp((world[i].Y + 1) * 0.5f, 0f, 1f);
            points[3 * i + 2] = Math.Clamp((world[i].Z + 1) * 0.5f, 0f, 1f);
        }
        return points;
    }
}
