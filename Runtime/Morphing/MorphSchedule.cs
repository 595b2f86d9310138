namespace FieldForge.Morphing;

/// <summary>How <see cref="SdfMorph"/> moves between its sources.</summary>
public enum MorphSchedule
{
    /// <summary>d = Σ wᵢ dᵢ(p): exact at the ends, but shapes that do not overlap fade out and back in.</summary>
    Linear,
    /// <summary>Each source is translated to the blended centre of mass and scaled to the blended size (cube root of
    /// volume) before blending; the blended shape travels along the straight path between the centres, so
    /// in-between shapes stay whole even when the sources are far apart.</summary>
    Aligned,
}
