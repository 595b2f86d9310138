using System.Numerics;

namespace FieldForge.Rendering;

/// <summary>
/// A camera orbiting <paramref name="Target"/>: <paramref name="YawDegrees"/> turns around the +Y (up) axis (0 looks
/// from +Z towards -Z), <paramref name="PitchDegrees"/> raises the eye above the XZ plane (-89..89),
/// <paramref name="Distance"/> in world units, <paramref name="FieldOfViewDegrees"/> vertical (1..170).
/// </summary>
public sealed record OrbitCamera(float YawDegrees = 35f, float PitchDegrees = 25f, float Distance = 3f, Vector3 Target = default, float FieldOfViewDegrees = 40f)
{
    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first bad parameter.</summary>
    public void Validate()
    {
        if (!float.IsFinite(YawDegrees)) throw new ArgumentOutOfRangeException(nameof(YawDegrees), YawDegrees, $"yaw must be finite, got {YawDegrees}");
        if (!(PitchDegrees is >= -89f and <= 89f)) throw new ArgumentOutOfRangeException(nameof(PitchDegrees), PitchDegrees, $"pitch must be -89..89 degrees, got {PitchDegrees}");
        if (!(Distance > 0f) || !float.IsFinite(Distance)) throw new ArgumentOutOfRangeException(nameof(Distance), Distance, $"distance must be positive and finite, got {Distance}");
        if (!float.IsFinite(Target.X) || !float.IsFinite(Target.Y) || !float.IsFinite(Target.Z))
            throw new ArgumentOutOfRangeException(nameof(Target), Target, $"target must be finite, got {Target}");
        if (!(FieldOfViewDegrees is >= 1f and <= 170f)) throw new ArgumentOutOfRangeException(nameof(FieldOfViewDegrees), FieldOfViewDegrees, $"field of view must be 1..170 degrees, got {FieldOfViewDegrees}");
    }

    /// <summary>The eye position in world space.</summary>
    public Vector3 Eye
    {
        get
        {
            float yaw = YawDegrees * MathF.PI / 180f, pitch = PitchDegrees * MathF.PI / 180f;
            return Target + Distance * new Vector3(MathF.Cos(pitch) * MathF.Sin(yaw), MathF.Sin(pitch), MathF.Cos(pitch) * MathF.Cos(yaw));
        }
    }

    /// <summary>
    /// A camera at this yaw/pitch/field of view that looks at <paramref name="centre"/> and is just far enough away for
    /// a sphere of <paramref name="radius"/> (world units) to fit the vertical field of view with
    /// <paramref name="margin"/> to spare (1.1 = 10 %).
    /// </summary>
    public OrbitCamera Framing(Vector3 centre, float radius, float margin = 1.1f)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(margin, 1f);
        if (!(radius >= 0f) || !float.IsFinite(radius)) throw new ArgumentOutOfRangeException(nameof(radius), radius, $"radius must be finite and >= 0, got {radius}");
        // The sphere subtends half-angle asin(r/d); fit that to half the vertical field of view.
        float half = FieldOfViewDegrees * 0.5f * MathF.PI / 180f;
        return this with { Target = centre, Distance = MathF.Max(radius, 1e-6f) * margin / MathF.Sin(half) };
    }

    /// <summary>World-to-clip matrix (System.Numerics row-vector convention, depth 0..1) for a frame of this aspect.</summary>
    public Matrix4x4 ViewProjection(float aspect, float near, float far) =>
        Matrix4x4.CreateLookAt(Eye, Target, Vector3.UnitY) *
        Matrix4x4.CreatePerspectiveFieldOfView(FieldOfViewDegrees * MathF.PI / 180f, aspect, near, far);
}
