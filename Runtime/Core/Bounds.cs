using System.Numerics;

namespace FieldForge.Core;

/// <summary>An axis-aligned box in world units (metres by convention).</summary>
public readonly record struct Bounds(Vector3 Min, Vector3 Max)
{
    public Vector3 Center => (Min + Max) * 0.5f;
    public Vector3 Size => Max - Min;
    /// <summary>True when Min ≤ Max on every axis and all coordinates are finite.</summary>
    public bool IsValid => float.IsFinite(Min.X + Min.Y + Min.Z + Max.X + Max.Y + Max.Z) && Min.X <= Max.X && Min.Y <= Max.Y && Min.Z <= Max.Z;
    public Bounds Union(Bounds other) => new(Vector3.Min(Min, other.Min), Vector3.Max(Max, other.Max));
    public Bounds Expanded(float margin) => new(Min - new Vector3(margin), Max + new Vector3(margin));
    public static Bounds Around(Vector3 center, float halfExtent) => new(center - new Vector3(halfExtent), center + new Vector3(halfExtent));

    /// <summary>Bounds of a set of points; throws for an empty set.</summary>
    public static Bounds Of(ReadOnlySpan<Vector3> points)
    {
        if (points.IsEmpty) throw new ArgumentException("cannot take the bounds of zero points", nameof(points));
        var lo = points[0]; var hi = points[0];
        foreach (var p in points) { lo = Vector3.Min(lo, p); hi = Vector3.Max(hi, p); }
        return new Bounds(lo, hi);
    }

    public override string ToString() => $"[{Min.X:G4},{Min.Y:G4},{Min.Z:G4}]..[{Max.X:G4},{Max.Y:G4},{Max.Z:G4}]";
}
