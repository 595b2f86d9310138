using System.Globalization;
using System.Numerics;
using System.Reflection;

namespace FieldForge.Components;

/// <summary>
/// Reads a component type's parameters (public read/write properties and fields, minus [HideInInspector]) with their
/// attributes, and sets them from user input with validation: wrong type, NaN/∞, out-of-range and unknown choices are
/// rejected with a message and the component is left unchanged. The editor and presets go through here.
/// </summary>
public static class ComponentParameters
{
    /// <summary>The inspector parameters of <paramref name="componentType"/>: its public settable properties and fields, read with their attributes.</summary>
    public static IReadOnlyList<ParameterDescriptor> Describe(Type componentType)
    {
        var result = new List<ParameterDescriptor>();
        const BindingFlags flags = BindingFlags.Public | BindingFlags.Instance;
        var members = componentType.GetProperties(flags).Where(p => p.CanRead && p.CanWrite && p.GetSetMethod() is not null && p.GetIndexParameters().Length == 0)
            .Cast<MemberInfo>().Concat(componentType.GetFields(flags).Where(f => !f.IsInitOnly))
            .Where(m => m.GetCustomAttribute<HideInInspectorAttribute>() is null && m.DeclaringType != typeof(Component))
            .OrderBy(m => m.MetadataToken);
        foreach (var m in members)
        {
            var type = m is PropertyInfo p ? p.PropertyType : ((FieldInfo)m).FieldType;
            var range = m.GetCustomAttribute<RangeAttribute>();
            var kind = KindOf(type, m);
            if (kind is null) continue; // not an editable type (e.g. a GPU buffer): not a parameter
            var choices = type.IsEnum ? Enum.GetNames(type) : m.GetCustomAttribute<ChoicesAttribute>()?.Options ?? Array.Empty<string>();
            var log = m.GetCustomAttribute<LogScaleAttribute>();
            if (log is not null && (range is null || kind is not ParameterKind.Float || (log.LinearBelow <= 0 && range.Min <= 0) || log.LinearBelow < 0))
                throw new InvalidOperationException($"{componentType.Name}.{m.Name}: [LogScale] needs a float with a [Range]; a range reaching 0 or below also needs LinearBelow > 0");
            result.Add(new ParameterDescriptor(m.Name, kind.Value, type, range?.Min, range?.Max,
                range?.Step ?? 0, m.GetCustomAttribute<TooltipAttribute>()?.Text, m.GetCustomAttribute<HeaderAttribute>()?.Title,
                choices, m.GetCustomAttribute<FilePathAttribute>()?.Extensions, m, log));
        }
        return result;
    }

    private static ParameterKind? KindOf(Type t, MemberInfo m)
    {
        if (t == typeof(bool)) return ParameterKind.Bool;
        if (t == typeof(int) || t == typeof(uint) || t == typeof(long)) return ParameterKind.Int;
        if (t == typeof(float) || t == typeof(double)) return ParameterKind.Float;
        if (t.IsEnum) return ParameterKind.Enum;
        if (t == typeof(string)) return m.GetCustomAttribute<FilePathAttribute>() is not null ? ParameterKind.FilePath : ParameterKind.String;
        if (t == typeof(Vector2)) return ParameterKind.Vector2;
        if (t == typeof(Vector3)) return m.GetCustomAttribute<ColorAttribute>() is not null ? ParameterKind.Color : ParameterKind.Vector3;
        if (t == typeof(Vector4)) return m.GetCustomAttribute<ColorAttribute>() is not null ? ParameterKind.Color : ParameterKind.Vector4;
        return null;
    }

    /// <summary>Parses and validates <paramref name="value"/> (a string, number, bool or number array, e.g. from JSON)
    /// into the parameter's type. Throws <see cref="ArgumentException"/> with a message naming the parameter.</summary>
    public static object Convert(ParameterDescriptor p, object? value)
    {
        string Fail(string why) => throw new ArgumentException($"{p.Name}: {why}");
        if (value is null) Fail("a value is required");
        object result;
        switch (p.Kind)
        {
            case ParameterKind.Bool:
                result = value switch { bool b => b, string s when bool.TryParse(s, out var b) => b, _ => Fail($"expected true/false, got '{value}'") };
                break;
            case ParameterKind.Int:
                {
                    double d = ToDouble(value!, p.Name);
                    if (d != Math.Floor(d)) Fail($"expected an integer, got {d.ToString(CultureInfo.InvariantCulture)}");
                    CheckRange(p, d);
                    // The range attribute may be wider than the CLR type (or absent): check the type's own limits too,
                    // so an overflow is a rejected value rather than an exception of another kind.
                    var (lo, hi) = p.ClrType == typeof(uint) ? (0d, uint.MaxValue) : p.ClrType == typeof(long) ? ((double)long.MinValue, (double)long.MaxValue) : ((double)int.MinValue, (double)int.MaxValue);
                    if (d < lo || d >= hi + 1) Fail($"{d.ToString(CultureInfo.InvariantCulture)} does not fit a {p.ClrType.Name}");
                    result = p.ClrType == typeof(uint) ? (uint)d : p.ClrType == typeof(long) ? (object)(long)d : (object)(int)d;
                    break;
                }
            case ParameterKind.Float:
                {
                    double d = ToDouble(value!, p.Name);
                    CheckRange(p, d);
                    if (p.ClrType == typeof(float))
                    {
                        float f = (float)d; // validated after conversion: 1e39 is a finite double but +inf as a float
                        if (!float.IsFinite(f)) Fail($"{d.ToString(CultureInfo.InvariantCulture)} is outside the float range");
                        result = f;
                    }
                    else result = d;
                    break;
                }
            case ParameterKind.Enum:
                {
                    var s = value!.ToString()!;
                    if (!Enum.TryParse(p.ClrType, s, ignoreCase: true, out var e) || !Enum.IsDefined(p.ClrType, e!) || int.TryParse(s, out _))
                        Fail($"'{s}' is not one of {string.Join(", ", p.Choices)}");
                    result = e!;
                    break;
                }
            case ParameterKind.String or ParameterKind.FilePath:
                {
                    var s = value as string ?? Fail($"expected text, got '{value}'");
                    if (p.Choices.Count > 0 && !p.Choices.Contains(s)) Fail($"'{s}' is not one of {string.Join(", ", p.Choices)}");
                    result = s;
                    break;
                }
            default:
                {
                    double[]? parts = value switch
                    {
                        double[] a => a,
                        float[] f => f.Select(x => (double)x).ToArray(),
                        object[] o => o.Select(x => ToDouble(x, p.Name)).ToArray(),
                        IEnumerable<double> e => e.ToArray(),
                        string s => s.Split(',').Select(x => ToDouble(x.Trim(), p.Name)).ToArray(),
                        _ => null,
                    };
                    if (parts is null) Fail($"expected a list of numbers, got '{value}'");
                    int n = p.ClrType == typeof(Vector2) ? 2 : p.ClrType == typeof(Vector3) ? 3 : 4;
                    if (parts!.Length != n) Fail($"expected {n} numbers, got {parts.Length}");
                    foreach (var d in parts)
                    {
                        CheckRange(p, d);
                        if (!float.IsFinite((float)d)) Fail($"{d.ToString(CultureInfo.InvariantCulture)} is outside the float range");
                    }
                    if (p.Kind == ParameterKind.Color && parts.Any(d => d < 0 || d > 1)) Fail("colour components must be in [0, 1]");
                    result = n switch
                    {
                        2 => new Vector2((float)parts[0], (float)parts[1]),
                        3 => new Vector3((float)parts[0], (float)parts[1], (float)parts[2]),
                        _ => new Vector4((float)parts[0], (float)parts[1], (float)parts[2], (float)parts[3]),
                    };
                    break;
                }
        }
        return result;
    }

    /// <summary>Validates and sets one parameter by name; on any error the component is unchanged.</summary>
    public static void Set(Component component, string name, object? value)
    {
        var p = Describe(component.GetType()).FirstOrDefault(d => d.Name == name)
            ?? throw new ArgumentException($"{component.GetType().Name} has no parameter '{name}'");
        p.SetValueUnchecked(component, Convert(p, value));
    }

    /// <summary>A snapshot of every parameter value (used for change detection, presets and undo).</summary>
    public static IReadOnlyDictionary<string, object?> Snapshot(Component component) =>
        Describe(component.GetType()).ToDictionary(p => p.Name, p => p.GetValue(component));

    private static double ToDouble(object value, string name)
    {
        double d = value switch
        {
            double x => x, float x => x, int x => x, long x => x, uint x => x, decimal x => (double)x,
            string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) => x,
            _ => throw new ArgumentException($"{name}: expected a number, got '{value}'"),
        };
        if (!double.IsFinite(d)) throw new ArgumentException($"{name}: must be a finite number, got {d}");
        return d;
    }

    private static void CheckRange(ParameterDescriptor p, double d)
    {
        if ((p.Min is { } min && d < min) || (p.Max is { } max && d > max))
            throw new ArgumentException($"{p.Name} must be {p.Min?.ToString(CultureInfo.InvariantCulture)}..{p.Max?.ToString(CultureInfo.InvariantCulture)}, got {d.ToString(CultureInfo.InvariantCulture)}");
    }
}
