using System.Numerics;

namespace FieldForge.Core;

/// <summary>Closest points on triangles; the CPU mirror of Shaders/include/sdf_triangle.glsl.</summary>
public static class TriangleDistance
{
    /// <summary>The point of triangle (<paramref name="a"/>, <paramref name="b"/>, <paramref name="c"/>) closest to <paramref name="p"/>.</summary>
    public static Vector3 ClosestPoint(Vector3 p, Vector3 a, Vector3 b, Vector3 c)
    {
        var w = ClosestBarycentric(p, a, b, c);
        return a * w.X + b * w.Y + c * w.Z;
    }

    /// <summary>The closest point to <paramref name="p"/> as barycentric weights (wa, wb, wc) of the triangle's corners.</summary>
    public static Vector3 ClosestBarycentric(Vector3 p, Vector3 a, Vector3 b, Vector3 c)
    {
        Vector3 ab = b - a, ac = c - a, ap = p - a;
        float d1 = Vector3.Dot(ab, ap), d2 = Vector3.Dot(ac, ap);
        if (d1 <= 0 && d2 <= 0) return new(1, 0, 0);
        var bp = p - b;
        float d3 = Vector3.Dot(ab, bp), d4 = Vector3.Dot(ac, bp);
        if (d3 >= 0 && d4 <= d3) return new(0, 1, 0);
        float vc = d1 * d4 - d3 * d2;
        if (vc <= 0 && d1 >= 0 && d3 <= 0) { float v = d1 / (d1 - d3); return new(1 - v, v, 0); }
        var cp = p - c;
        float d5 = Vector3.Dot(ab, cp), d6 = Vector3.Dot(ac, cp);
        if (d6 >= 0 && d5 <= d6) return new(0, 0, 1);
        float vb = d5 * d2 - d1 * d6;
        if (vb <= 0 && d2 >= 0 && d6 <= 0) { float w = d2 / (d2 - d6); return new(1 - w, 0, w); }
        float va = d3 * d6 - d5 * d4;
        if (va <= 0 && d4 - d3 >= 0 && d5 - d6 >= 0) { float w = (d4 - d3) / ((d4 - d3) + (d5 - d6)); return new(0, 1 - w, w); }
        float denom = 1 / (va + vb + vc);
        float vv = vb * denom, ww = vc * denom;
        return new(1 - vv - ww, vv, ww);
    }
}
