using System.Numerics;

namespace FieldForge.Morphing;

/// <summary>A similarity transform (world = Translation + Rotation * (Scale * local)); uniform scale keeps distances exact.</summary>
public readonly record struct SdfTransform(Vector3 Translation, Quaternion Rotation, float Scale)
{
    /// <summary>The transform that changes nothing.</summary>
    public static SdfTransform Identity => new(Vector3.Zero, Quaternion.Identity, 1f);

    /// <summary>A pure translation by <paramref name="t"/>.</summary>
    public static SdfTransform Translate(Vector3 t) => new(t, Quaternion.Identity, 1f);
    /// <summary>A pure rotation by <paramref name="r"/> (normalised).</summary>
    public static SdfTransform Rotate(Quaternion r) => new(Vector3.Zero, Quaternion.Normalize(r), 1f);
    /// <summary>A uniform scale by <paramref name="s"/>.</summary>
    public static SdfTransform Scaled(float s) => new(Vector3.Zero, Quaternion.Identity, s);

    /// <summary>Maps a point from the shape's local frame to the world.</summary>
    public Vector3 Apply(Vector3 local) => Translation + Vector3.Transform(local * Scale, Rotation);
    /// <summary>Maps a world point into the shape's local frame.</summary>
    public Vector3 ApplyInverse(Vector3 world) => Vector3.Transform(world - Translation, Quaternion.Conjugate(Rotation)) / Scale;

    /// <summary><paramref name="outer"/> applied after this transform.</summary>
    public SdfTransform Then(SdfTransform outer) =>
        new(outer.Apply(Translation), Quaternion.Normalize(outer.Rotation * Rotation), outer.Scale * Scale);

    internal void Validate()
    {
        if (!(Scale > 0) || !float.IsFinite(Scale)) throw new ArgumentOutOfRangeException(nameof(Scale), $"transform scale must be finite and > 0, got {Scale}");
        if (!float.IsFinite(Translation.X + Translation.Y + Translation.Z)) throw new ArgumentException($"transform translation must be finite, got {Translation}");
        if (!float.IsFinite(Rotation.X + Rotation.Y + Rotation.Z + Rotation.W) || Rotation.LengthSquared() < 1e-12f)
            throw new ArgumentException($"transform rotation must be a finite non-zero quaternion, got {Rotation}");
    }
}
