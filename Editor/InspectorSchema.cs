using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FieldForge.Components;

namespace FieldForge.Editor;

/// <summary>
/// The inspector schema of a component type as JSON, read from its Runtime attributes through
/// <see cref="ComponentParameters.Describe"/>: the single source of truth for ranges, steps, help text, groups,
/// choices, vectors, colours and file paths. Also converts parameter values to and from JSON.
/// </summary>
public static class InspectorSchema
{
    /// <summary>Version of the schema and preset JSON layout; bumped on incompatible changes.</summary>
    public const int Version = 1;

    /// <summary>Schema of one component type: its name and every parameter with kind, limits, help and default value.</summary>
    public static JsonObject Describe(Type componentType)
    {
        ArgumentNullException.ThrowIfNull(componentType);
        object? defaults = ComponentCatalog.IsEditable(componentType) ? Activator.CreateInstance(componentType) : null;
        var parameters = new JsonArray();
        foreach (var p in ComponentParameters.Describe(componentType))
        {
            var o = new JsonObject
            {
                ["name"] = p.Name,
                ["label"] = Label(p.Name),
                ["kind"] = KindName(p.Kind),
                ["type"] = p.ClrType.Name,
            };
            if (p.Min is { } min) o["min"] = min;
            if (p.Max is { } max) o["max"] = max;
            double step = p.Kind == ParameterKind.Int ? Math.Max(1, Math.Round(p.Step)) : p.Step;
            if (step > 0) o["step"] = step;
            if (p.LogScale is { } log)
            {
                o["scale"] = "log";
                if (log.LinearBelow > 0) o["linearBelow"] = log.LinearBelow;
            }
            if (p.Tooltip is not null) o["tooltip"] = p.Tooltip;
            if (p.Header is not null) o["header"] = p.Header;
            if (p.Choices.Count > 0) o["choices"] = new JsonArray(p.Choices.Select(c => (JsonNode?)JsonValue.Create(c)).ToArray());
            if (p.Kind == ParameterKind.FilePath) o["extensions"] = p.FileExtensions ?? "";
            int n = Dimension(p);
            if (n > 1) o["dimension"] = n;
            if (defaults is not null) o["default"] = ToJson(p.GetValue(defaults));
            parameters.Add(o);
        }
        return Normalized(new JsonObject { ["type"] = componentType.Name, ["parameters"] = parameters });
    }

    /// <summary>Current parameter values of <paramref name="component"/> as a JSON object keyed by parameter name.</summary>
    public static JsonObject Values(Component component) => Values(ComponentParameters.Snapshot(component));

    /// <summary>Parameter values (name -> CLR value) as a JSON object.</summary>
    public static JsonObject Values(IReadOnlyDictionary<string, object?> values) =>
        Normalized(new JsonObject(values.Select(kv => KeyValuePair.Create(kv.Key, ToJson(kv.Value)))));

    /// <summary>Re-reads built JSON so every number reads back as any numeric type (a node built from a float
    /// refuses GetValue&lt;double&gt;; a parsed one does not).</summary>
    private static JsonObject Normalized(JsonObject o) => JsonNode.Parse(o.ToJsonString())!.AsObject();

    /// <summary>A parameter value as JSON: bool, number, string (enums by name) or an array of numbers (vectors, colours).
    /// Never fails: a non-finite number (which validation never stores, but a component may set itself) becomes null,
    /// because one such value must not take the whole session state or a preset save down with it.</summary>
    public static JsonNode? ToJson(object? value) => value switch
    {
        null => null,
        bool b => JsonValue.Create(b),
        float f => Number(f),
        double d => double.IsFinite(d) ? JsonValue.Create(d) : null,
        int i => JsonValue.Create(i),
        uint u => JsonValue.Create(u),
        long l => JsonValue.Create(l),
        string s => JsonValue.Create(s),
        Enum e => JsonValue.Create(e.ToString()),
        Vector2 v => new JsonArray(Number(v.X), Number(v.Y)),
        Vector3 v => new JsonArray(Number(v.X), Number(v.Y), Number(v.Z)),
        Vector4 v => new JsonArray(Number(v.X), Number(v.Y), Number(v.Z), Number(v.W)),
        _ => JsonValue.Create(System.Convert.ToString(value, CultureInfo.InvariantCulture)),
    };

    private static JsonNode? Number(float f) => float.IsFinite(f) ? JsonValue.Create(f) : null;

    /// <summary>A JSON value as the plain object <see cref="ComponentParameters.Convert"/> accepts (bool, double, string,
    /// double[]); type and range checks happen there. Nested objects and mixed arrays are rejected here.</summary>
    public static object? FromJson(string parameter, JsonNode? node)
    {
        switch (node)
        {
            case null: return null;
            case JsonArray a:
                var parts = new double[a.Count];
                for (int i = 0; i < a.Count; i++)
                {
                    if (a[i] is not JsonValue v || v.GetValueKind() != JsonValueKind.Number)
                        throw new ArgumentException($"{parameter}: expected a list of numbers, got {a.ToJsonString()}");
                    parts[i] = Number(v);
                }
                return parts;
            case JsonValue v:
                return v.GetValueKind() switch
                {
                    JsonValueKind.True => true,
                    JsonValueKind.False => false,
                    JsonValueKind.Number => Number(v),
                    JsonValueKind.String => v.GetValue<string>(),
                    _ => throw new ArgumentException($"{parameter}: unsupported value {v.ToJsonString()}"),
                };
            default:
                throw new ArgumentException($"{parameter}: expected a bool, number, text or list of numbers, got {node.ToJsonString()}");
        }
    }

    // Via the JSON text: a JsonValue built from a float or int refuses GetValue<double>.
    private static double Number(JsonValue v) => double.Parse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture);

    private static int Dimension(ParameterDescriptor p) =>
        p.ClrType == typeof(Vector2) ? 2 : p.ClrType == typeof(Vector3) ? 3 : p.ClrType == typeof(Vector4) ? 4 : 1;

    private static string KindName(ParameterKind kind) => kind switch
    {
        ParameterKind.FilePath => "filePath",
        _ => char.ToLowerInvariant(kind.ToString()[0]) + kind.ToString()[1..],
    };

    /// <summary>"OctaveCount" -> "Octave Count", the way Unity's inspector labels members.</summary>
    private static string Label(string name)
    {
        var sb = new StringBuilder(name.Length + 4);
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            if (i > 0 && char.IsUpper(c) && (char.IsLower(name[i - 1]) || (i + 1 < name.Length && char.IsLower(name[i + 1])))) sb.Append(' ');
            sb.Append(i == 0 ? char.ToUpperInvariant(c) : c);
        }
        return sb.ToString();
    }
}
