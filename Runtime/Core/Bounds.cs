using System.Numerics;

namespace FieldForge.Core;

/// <summary>An axis-aligned box in world units (metres by convention).</summary>
public readonly record struct Bounds(Vector3 Min, Vector3 Max)
{
    /// <summary>The point halfway between <see cref="Min"/> and <see cref="Max"/>.</summary>
    public Vector3 Center => (Min + Max) * 0.5f;
    /// <summary>The extent along each axis (<see cref="Max"/> − <see cref="Min"/>), in the mesh's units.</summary>
    public Vector3 Size => Max - Min;
    /// <summary>True when Min ≤ Max on every axis and all coordinates are finite.</summary>
    public bool IsValid => float.IsFinite(Min.X + Min.Y + Min.Z + Max.X + Max.Y + Max.Z) && Min.X <= Max.X && Min.Y <= Max.Y && Min.Z <= Max.Z;
    /// <summary>The smallest box that holds both this box and <paramref name="other"/>.</summary>
    public Bounds Union(Bounds other) => new(Vector3.Min(Min, other.Min), Vector3.Max(Max, other.Max));
    /// <summary>This box grown by <paramref name="margin"/> on every side (so each size grows by twice the margin).</summary>
    public Bounds Expanded(float margin) => new(Min - new Vector3(margin), Max + new Vector3(margin));
    /// <summary>A cube centred on <paramref name="center"/> reaching <paramref name="halfExtent"/> along each axis.</summary>
    public static Bounds Around(Vector3 center, float halfExtent) => new(center - new Vector3(halfExtent), center + new Vector3(halfExtent));

    /// <summary>Bounds of a set of points; throws for an empty set.</summary>
    public static Bounds Of(ReadOnlySpan<Vector3> points)
    {
        if (points.IsEmpty) throw new ArgumentException("cannot take the bounds of zero points", nameof(points));
        var lo = points[0]; var hi = points[0];
        foreach (var p in points) { lo = Vector3.Min(lo, p); hi = Vector3.Max(hi, p); }
        return new Bounds(lo, hi);
    }

    /// <inheritdoc/>
    public override string ToString() => $"[{Min.X:G4},{Min.Y:G4},{Min.Z:G4}]..[{Max.X:G4},{Max.Y:G4},{Max.Z:G4}]";
}
