using FieldForge.Core;
using System.Globalization;
using System.Numerics;
using FieldForge.Gpu;

namespace FieldForge.Morphing;

/// <summary>
/// An analytic signed distance shape: primitives (sphere, box, rounded box, torus, capsule, cylinder) combined with
/// CSG (union, intersection, difference, smooth union), placed with similarity transforms and coloured per
/// primitive. Immutable; evaluated on the GPU by compiling the tree to a postfix program (one kernel interprets it).
/// </summary>
/// <example><code>
/// var shape = SdfShape.Torus(0.6f, 0.2f).SmoothUnion(SdfShape.Sphere(0.3f), 0.1f).WithColour(new(1, 0.5f, 0));
/// </code></example>
public sealed class SdfShape : ISdfSource
{
    private static readonly Vector4 DefaultColour = new(0.8f, 0.8f, 0.8f, 1f);

    private readonly SdfOp _op;
    private readonly Vector4 _params;
    private readonly SdfShape? _left, _right;
    private readonly float _k;
    private readonly SdfTransform _transform;
    private readonly Vector4? _colour;
    private SdfProgram? _program;

    private SdfShape(SdfOp op, Vector4 parameters, SdfShape? left, SdfShape? right, float k, SdfTransform transform, Vector4? colour)
    {
        (_op, _params, _left, _right, _k, _transform, _colour) = (op, parameters, left, right, k, transform, colour);
    }

    private static SdfShape Primitive(SdfOp op, Vector4 p, params (string Name, float Value)[] checks)
    {
        foreach (var (name, value) in checks)
            if (!(value > 0) || !float.IsFinite(value)) throw new ArgumentOutOfRangeException(name, $"{op} {name} must be finite and > 0, got {value}");
        return new SdfShape(op, p, null, null, 0, SdfTransform.Identity, null);
    }

    /// <summary>Sphere of <paramref name="radius"/> around the origin.</summary>
    public static SdfShape Sphere(float radius) => Primitive(SdfOp.Sphere, new(radius, 0, 0, 0), ("radius", radius));
    /// <summary>Box with half extents <paramref name="halfExtents"/> around the origin.</summary>
    public static SdfShape Box(Vector3 halfExtents) =>
        Primitive(SdfOp.Box, new(halfExtents, 0), ("halfExtents.X", halfExtents.X), ("halfExtents.Y", halfExtents.Y), ("halfExtents.Z", halfExtents.Z));
    /// <summary>Box with edges rounded by <paramref name="radius"/> (less than every half extent).</summary>
    public static SdfShape RoundedBox(Vector3 halfExtents, float radius)
    {
        var s = Primitive(SdfOp.RoundedBox, new(halfExtents, radius), ("halfExtents.X", halfExtents.X), ("halfExtents.Y", halfExtents.Y), ("halfExtents.Z", halfExtents.Z), ("radius", radius));
        if (radius > MathF.Min(halfExtents.X, MathF.Min(halfExtents.Y, halfExtents.Z)))
            throw new ArgumentOutOfRangeException(nameof(radius), $"rounded box radius {radius} exceeds the smallest half extent of {halfExtents}");
        return s;
    }
    /// <summary>Torus whose ring (radius <paramref name="major"/>) lies in the XZ plane around the Y axis, tube radius <paramref name="minor"/>.</summary>
    public static SdfShape Torus(float major, float minor) => Primitive(SdfOp.Torus, new(major, minor, 0, 0), ("major", major), ("minor", minor));
    /// <summary>Capsule along Y: a segment from -<paramref name="halfLength"/> to +<paramref name="halfLength"/> swept by <paramref name="radius"/>.</summary>
    public static SdfShape Capsule(float halfLength, float radius) => Primitive(SdfOp.Capsule, new(halfLength, radius, 0, 0), ("halfLength", halfLength), ("radius", radius));
    /// <summary>Capped cylinder along Y with <paramref name="radius"/> and half height <paramref name="halfHeight"/>.</summary>
    public static SdfShape Cylinder(float radius, float halfHeight) => Primitive(SdfOp.Cylinder, new(radius, halfHeight, 0, 0), ("radius", radius), ("halfHeight", halfHeight));

    /// <summary>The union of this shape and <paramref name="other"/> (the nearer surface wins).</summary>
    public SdfShape Union(SdfShape other) => Combine(SdfOp.Union, other, 0);
    /// <summary>The intersection of this shape and <paramref name="other"/> (only where both are inside).</summary>
    public SdfShape Intersect(SdfShape other) => Combine(SdfOp.Intersection, other, 0);
    /// <summary>This shape with <paramref name="other"/> carved out.</summary>
    public SdfShape Subtract(SdfShape other) => Combine(SdfOp.Difference, other, 0);
    /// <summary>Union blended over a distance <paramref name="k"/> (polynomial smooth minimum); colours blend too.</summary>
    public SdfShape SmoothUnion(SdfShape other, float k)
    {
        if (!(k > 0) || !float.IsFinite(k)) throw new ArgumentOutOfRangeException(nameof(k), $"smooth union k must be finite and > 0, got {k}");
        return Combine(SdfOp.SmoothUnion, other, k);
    }

    private SdfShape Combine(SdfOp op, SdfShape other, float k)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new SdfShape(op, default, this, other, k, SdfTransform.Identity, null);
    }

    /// <summary>This shape placed by <paramref name="transform"/> (applied after any transform it already has).</summary>
    public SdfShape Transformed(SdfTransform transform)
    {
        transform.Validate();
        return new SdfShape(_op, _params, _left, _right, _k, _transform.Then(transform), _colour);
    }

    /// <summary>This shape moved by <paramref name="offset"/>, metres.</summary>
    public SdfShape Translated(Vector3 offset) => Transformed(SdfTransform.Translate(offset));

    /// <summary>Every primitive of this shape coloured <paramref name="rgb"/> (0..1).</summary>
    public SdfShape WithColour(Vector3 rgb)
    {
        if (!float.IsFinite(rgb.X + rgb.Y + rgb.Z)) throw new ArgumentException($"colour must be finite, got {rgb}", nameof(rgb));
        return new SdfShape(_op, _params, _left, _right, _k, _transform, new Vector4(Vector3.Clamp(rgb, Vector3.Zero, Vector3.One), 1f));
    }

    /// <inheritdoc/>
    public Bounds Bounds => ComputeBounds(SdfTransform.Identity);

    private Bounds ComputeBounds(SdfTransform parent)
    {
        var t = _transform.Then(parent);
        if (_left is null)
        {
            var a = _params;
            Vector3 h = _op switch
            {
                SdfOp.Sphere => new(a.X),
                SdfOp.Box or SdfOp.RoundedBox => new(a.X, a.Y, a.Z),
                SdfOp.Torus => new(a.X + a.Y, a.Y, a.X + a.Y),
                SdfOp.Capsule => new(a.Y, a.X + a.Y, a.Y),
                _ => new(a.X, a.Y, a.X),
            };
            Span<Vector3> corners = stackalloc Vector3[8];
            for (int i = 0; i < 8; i++)
                corners[i] = t.Apply(new Vector3((i & 1) == 0 ? -h.X : h.X, (i & 2) == 0 ? -h.Y : h.Y, (i & 4) == 0 ? -h.Z : h.Z));
            return Bounds.Of(corners);
        }
        var l = _left.ComputeBounds(t);
        var r = _right!.ComputeBounds(t);
        return _op switch
        {
            SdfOp.Union => l.Union(r),
            SdfOp.SmoothUnion => l.Union(r).Expanded(_k * 0.25f * t.Scale),
            SdfOp.Intersection => new Bounds(Vector3.Max(l.Min, r.Min), Vector3.Min(l.Max, r.Max)) is { IsValid: true } i ? i : l,
            _ => l,
        };
    }

    internal SdfProgram Program => _program ??= Compile();

    private SdfProgram Compile()
    {
        var list = new List<SdfInstruction>();
        Emit(list, SdfTransform.Identity, null);
        return new SdfProgram(list.ToArray());
    }

    private void Emit(List<SdfInstruction> list, SdfTransform parent, Vector4? inheritedColour)
    {
        var t = _transform.Then(parent);
        var colour = inheritedColour ?? _colour;
        if (_left is null)
        {
            // local = R^-1 (p - T) / s: rows of the 3x4 matrix.
            var inv = Quaternion.Conjugate(t.Rotation);
            var m = Matrix4x4.CreateFromQuaternion(inv);
            Vector4 Row(int i)
            {
                var axis = new Vector3(i == 0 ? m.M11 : i == 1 ? m.M12 : m.M13, i == 0 ? m.M21 : i == 1 ? m.M22 : m.M23, i == 0 ? m.M31 : i == 1 ? m.M32 : m.M33) / t.Scale;
                return new Vector4(axis, -Vector3.Dot(axis, t.Translation));
            }
            list.Add(new SdfInstruction
            {
                Op = (uint)_op, Colour = ColourPacking.Pack(colour ?? DefaultColour), Scale = t.Scale, Params = _params,
                Row0 = Row(0), Row1 = Row(1), Row2 = Row(2),
            });
            return;
        }
        _left.Emit(list, t, colour);
        _right!.Emit(list, t, colour);
        list.Add(new SdfInstruction { Op = (uint)_op, K = _k * t.Scale, Scale = 1f });
    }

    /// <inheritdoc/>
    public void Record(CommandBatch batch, SdfGrid grid, GpuBuffer<float> distance, GpuBuffer<uint> colour) =>
        Program.Record(batch, grid, distance, colour);

    /// <inheritdoc/>
    public float Distance(Vector3 point) => Program.Evaluate(point).Distance;
    /// <inheritdoc/>
    public Vector4 Colour(Vector3 point) => Program.Evaluate(point).Colour;

    /// <summary>
    /// Parses a primitive spec (the one <see cref="Spec"/> grammar), centred at the origin: <c>sphere:r=0.5</c>,
    /// <c>box:0.8x0.6x0.4</c> (full extents; <c>box:0.8</c> for a cube), <c>roundbox:0.8,r=0.1</c>,
    /// <c>torus:R=0.6,r=0.2</c>, <c>capsule:h=0.4,r=0.2</c>, <c>cylinder:r=0.3,h=0.5</c>; optional <c>rgb=1/0.5/0</c>.
    /// Throws <see cref="FormatException"/> naming the problem.
    /// </summary>
    public static SdfShape Parse(string text)
    {
        var spec = Spec.Parse(text, "shape");
        SdfShape shape;
        try
        {
            shape = spec.Kind switch
            {
                "sphere" => Sphere(spec.Number("r", positional: true)),
                "box" => Box(spec.Vector("size", positional: true) * 0.5f),
                "roundbox" => RoundedBox(spec.Vector("size", positional: true) * 0.5f, spec.Number("r")),
                "torus" => Torus(spec.Number("R"), spec.Number("r")),
                "capsule" => Capsule(spec.Number("h"), spec.Number("r")),
                "cylinder" => Cylinder(spec.Number("r"), spec.Number("h")),
                _ => throw spec.Error($"unknown shape '{spec.Kind}' (sphere, box, roundbox, torus, capsule, cylinder)"),
            };
        }
        catch (ArgumentException e) { throw spec.Error(e.Message); }
        if (spec.Has("rgb"))
        {
            var c = spec.Vector("rgb", positive: false);
            if (!(c.X >= 0 && c.X <= 1 && c.Y >= 0 && c.Y <= 1 && c.Z >= 0 && c.Z <= 1))
                throw spec.Error($"rgb must be three numbers in 0..1 (r/g/b), got {c}");
            shape = shape.WithColour(c);
        }
        spec.RejectUnknown();
        return shape;
    }

    /// <summary>True when <paramref name="spec"/> names a primitive (a prefix like <c>sphere:</c>) rather than a file.</summary>
    public static bool LooksLikeSpec(string spec)
    {
        string kind = (spec.Contains(':') ? spec[..spec.IndexOf(':')] : spec).ToLowerInvariant();
        return kind is "sphere" or "box" or "roundbox" or "torus" or "capsule" or "cylinder";
    }
}
