using System.Globalization;
using System.Numerics;

namespace FieldForge.Acoustics;

/// <summary>
/// A sound source moving at constant speed along a polyline of points (metres) over <see cref="DurationSeconds"/>;
/// one point is a source standing still. Parsed from <c>"x0,y0,z0 -&gt; x1,y1,z1 -&gt; ..."</c>.
/// </summary>
public sealed class SourcePath
{
    private readonly Vector3[] _points;
    private readonly double[] _cumulative; // arc length at each point, metres

    /// <summary>A path through <paramref name="points"/> (at least one) walked in <paramref name="durationSeconds"/>.</summary>
    public SourcePath(IReadOnlyList<Vector3> points, double durationSeconds)
    {
        ArgumentNullException.ThrowIfNull(points);
        if (points.Count == 0) throw new ArgumentException("a source path needs at least one point", nameof(points));
        if (!(durationSeconds > 0) || !double.IsFinite(durationSeconds)) throw new ArgumentOutOfRangeException(nameof(durationSeconds), durationSeconds, $"the path's duration must be a positive number of seconds, got {durationSeconds}");
        _points = points.ToArray();
        foreach (var p in _points)
            if (!float.IsFinite(p.X) || !float.IsFinite(p.Y) || !float.IsFinite(p.Z)) throw new ArgumentException($"path point {p} is not finite", nameof(points));
        _cumulative = new double[_points.Length];
        for (int i = 1; i < _points.Length; i++) _cumulative[i] = _cumulative[i - 1] + Vector3.Distance(_points[i - 1], _points[i]);
        DurationSeconds = durationSeconds;
    }

    /// <summary>The polyline's corners, metres.</summary>
    public IReadOnlyList<Vector3> Points => _points;
    /// <summary>Time to walk the whole path, seconds.</summary>
    public double DurationSeconds { get; }
    /// <summary>Path length, metres.</summary>
    public double Length => _cumulative[^1];

    /// <summary>Parses <c>"x,y,z -&gt; x,y,z [-&gt; ...]"</c>. Throws <see cref="FormatException"/> naming the bad point.</summary>
    public static SourcePath Parse(string text, double durationSeconds)
    {
        ArgumentNullException.ThrowIfNull(text);
        var points = text.Split("->").Select(part =>
        {
            var c = part.Split(',');
            if (c.Length != 3) throw new FormatException($"path point '{part.Trim()}' must be x,y,z (points separated by ->)");
            var v = c.Select(s => float.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var f) && float.IsFinite(f)
                ? f : throw new FormatException($"path point '{part.Trim()}': '{s.Trim()}' is not a number")).ToArray();
            return new Vector3(v[0], v[1], v[2]);
        }).ToArray();
        return new SourcePath(points, durationSeconds);
    }

    /// <summary>Distance walked at <paramref name="seconds"/> (clamped to the path), metres.</summary>
    public double DistanceAt(double seconds) => Length * Math.Clamp(seconds / DurationSeconds, 0, 1);

    /// <summary>Position at <paramref name="seconds"/> after the start (before 0: the start; after the end: the end).</summary>
    public Vector3 PositionAt(double seconds)
    {
        double d = DistanceAt(seconds);
        for (int i = 1; i < _points.Length; i++)
        {
            if (d > _cumulative[i] && i < _points.Length - 1) continue;
            double segment = _cumulative[i] - _cumulative[i - 1];
            float f = segment > 0 ? (float)Math.Clamp((d - _cumulative[i - 1]) / segment, 0, 1) : 1;
            return Vector3.Lerp(_points[i - 1], _points[i], f);
        }
        return _points[0];
    }

    /// <summary>The path in the syntax <see cref="Parse"/> reads.</summary>
    public override string ToString() =>
        string.Join(" -> ", _points.Select(p => FormattableString.Invariant($"{p.X:0.###},{p.Y:0.###},{p.Z:0.###}")));
}
