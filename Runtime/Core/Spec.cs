using System.Globalization;
using System.Numerics;

namespace FieldForge.Core;

/// <summary>
/// The one grammar for the short texts users type for shapes and rooms (CLI arguments, inspector fields):
/// <c>kind[:item,item,...]</c> where an item is <c>name=value</c> or a bare value bound by position. A value is a
/// number (<c>0.5</c>), a vector (<c>4x3x2.5</c>, or <c>1/0.5/0</c> for colours) or a range of two vectors
/// (<c>0x0x0..4x3x2.5</c>). Sizes are full extents everywhere: <c>box:4x3x2.5</c> is 4 × 3 × 2.5 units whether it is
/// a morph shape (centred on its origin) or a room (its lower corner at the origin).
/// </summary>
public sealed class Spec
{
    private readonly Dictionary<string, string> _named;
    private readonly List<string> _positional;
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);
    private int _positionalUsed;

    private Spec(string text, string kind, string body, Dictionary<string, string> named, List<string> positional)
    {
        Text = text; Kind = kind; Body = body; _named = named; _positional = positional;
    }

    /// <summary>The whole text as typed.</summary>
    public string Text { get; }
    /// <summary>The part before the colon, lower-case (<c>box</c>).</summary>
    public string Kind { get; }
    /// <summary>The raw text after the colon (for kinds whose argument is a path).</summary>
    public string Body { get; }

    /// <summary>Splits <paramref name="text"/>; <paramref name="what"/> names it in messages ("shape", "room").</summary>
    /// <exception cref="FormatException">Empty kind, an empty item, or a name given twice.</exception>
    public static Spec Parse(string text, string what = "spec")
    {
        ArgumentNullException.ThrowIfNull(text);
        int colon = text.IndexOf(':');
        string kind = (colon < 0 ? text : text[..colon]).Trim().ToLowerInvariant();
        string body = colon < 0 ? "" : text[(colon + 1)..].Trim();
        if (kind.Length == 0) throw new FormatException($"{what} '{text}' needs a kind before ':' (e.g. box:1x1x1)");
        var named = new Dictionary<string, string>(StringComparer.Ordinal);
        var positional = new List<string>();
        if (body.Length > 0)
            foreach (var raw in body.Split(','))
            {
                var item = raw.Trim();
                if (item.Length == 0) throw new FormatException($"{what} '{text}': empty item between commas");
                int eq = item.IndexOf('=');
                if (eq < 0) { positional.Add(item); continue; }
                var name = item[..eq].Trim();
                if (name.Length == 0) throw new FormatException($"{what} '{text}': '{item}' has no name before '='");
                if (!named.TryAdd(name, item[(eq + 1)..].Trim())) throw new FormatException($"{what} '{text}': {name} is given twice");
            }
        return new Spec(text, kind, body, named, positional);
    }

    /// <summary>Whether <paramref name="name"/> was given by name.</summary>
    public bool Has(string name) => _named.ContainsKey(name);

    /// <summary>A finite number named <paramref name="name"/> (or the next positional item when <paramref name="positional"/>),
    /// else <paramref name="fallback"/>; required when there is no fallback.</summary>
    public float Number(string name, float? fallback = null, bool positional = false, bool positive = true)
    {
        var s = Raw(name, positional);
        if (s is null) return fallback ?? throw Error($"missing parameter {name}");
        if (!float.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !float.IsFinite(v))
            throw Error($"{name} must be a finite number, got '{s}'");
        if (positive && !(v > 0)) throw Error($"{name} must be > 0, got {s}");
        return v;
    }

    /// <summary>A vector <c>AxBxC</c> (a single number means all three equal).</summary>
    public Vector3 Vector(string name, Vector3? fallback = null, bool positional = false, bool positive = true)
    {
        var s = Raw(name, positional);
        if (s is null) return fallback ?? throw Error($"missing parameter {name} (AxBxC)");
        return ParseVector(s, name, positive);
    }

    /// <summary>A two-component vector <c>AxB</c> (a single number means both equal).</summary>
    public Vector2 Pair(string name, bool positive = true)
    {
        var s = Raw(name, positional: false) ?? throw Error($"missing parameter {name} (AxB)");
        var v = ParseVector(s, name, positive, components: 2);
        return new Vector2(v.X, v.Y);
    }

    /// <summary>The positional items not bound to a name yet, as (min, max) ranges <c>AxBxC..DxExF</c>.</summary>
    public IReadOnlyList<(Vector3 Min, Vector3 Max)> Ranges()
    {
        var result = new List<(Vector3, Vector3)>();
        while (_positionalUsed < _positional.Count)
        {
            var s = _positional[_positionalUsed++];
            int dots = s.IndexOf("..", StringComparison.Ordinal);
            if (dots < 0) throw Error($"'{s}' is not a range MINxMINxMIN..MAXxMAXxMAX");
            result.Add((ParseVector(s[..dots], "range start", false), ParseVector(s[(dots + 2)..], "range end", false)));
        }
        return result;
    }

    /// <summary>Throws for any item that no accessor asked for, so a typo is an error, not a silent default.</summary>
    public void RejectUnknown()
    {
        var unknown = _named.Keys.FirstOrDefault(k => !_used.Contains(k));
        if (unknown is not null) throw Error($"unknown parameter '{unknown}'");
        if (_positionalUsed < _positional.Count) throw Error($"unexpected value '{_positional[_positionalUsed]}'");
    }

    /// <summary>A <see cref="FormatException"/> that quotes the spec.</summary>
    public FormatException Error(string why) => new($"'{Text}': {why}");

    private string? Raw(string name, bool positional)
    {
        _used.Add(name);
        if (_named.TryGetValue(name, out var s)) return s;
        if (positional && _positionalUsed < _positional.Count) return _positional[_positionalUsed++];
        return null;
    }

    private Vector3 ParseVector(string s, string name, bool positive, int components = 3)
    {
        var parts = s.Split(s.Contains('/') ? '/' : 'x');
        if (parts.Length != 1 && parts.Length != components)
            throw Error(components == 3 ? $"{name} must be one number or three (AxBxC), got '{s}'" : $"{name} must be one number or two (AxB), got '{s}'");
        var c = new float[3];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!float.TryParse(parts[i].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out c[i]) || !float.IsFinite(c[i]))
                throw Error($"{name}: '{parts[i]}' is not a finite number");
            if (positive && !(c[i] > 0)) throw Error($"{name} must be > 0 on every axis, got '{s}'");
        }
        return parts.Length == 1 ? new Vector3(c[0]) : new Vector3(c[0], c[1], c[2]);
    }
}
