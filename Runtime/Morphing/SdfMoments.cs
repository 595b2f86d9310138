using System.Numerics;

namespace FieldForge.Morphing;

/// <summary>A source's interior as its grid sees it: volume (cubic units) and centre of mass.</summary>
public sealed record SdfMoments(float Volume, Vector3 Centroid)
{
    /// <summary>Linear size used for scaling: the cube root of the volume.</summary>
    public float Size => MathF.Cbrt(Volume);
}
