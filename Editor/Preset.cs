using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FieldForge.Editor;

/// <summary>
/// Saved parameter values for some components, as a versioned JSON file:
/// <c>{ "format": "fieldforge-editor-preset", "schemaVersion": 1, "components": { "NoiseComponent": { "Frequency": 4 } } }</c>.
/// <see cref="Parse(string)"/> checks the file's structure; <see cref="EditorDocument.ApplyPreset"/> checks every value
/// against the components before changing any of them.
/// </summary>
public sealed record Preset(IReadOnlyDictionary<string, IReadOnlyDictionary<string, JsonNode?>> Components)
{
    /// <summary>The "format" tag every preset file carries.</summary>
    public const string Format = "fieldforge-editor-preset";

    /// <summary>Largest preset text accepted (bytes of UTF-16 characters); presets are small, a huge file is a mistake.</summary>
    public const int MaxLength = 1 << 20;

    /// <summary>The preset as indented JSON text.</summary>
    public string ToJson()
    {
        var components = new JsonObject();
        foreach (var (id, values) in Components)
            components[id] = new JsonObject(values.Select(kv => KeyValuePair.Create(kv.Key, kv.Value?.DeepClone())));
        var root = new JsonObject { ["format"] = Format, ["schemaVersion"] = InspectorSchema.Version, ["components"] = components };
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>Reads preset JSON. Malformed JSON, another format, an unknown schema version or a wrong layout throw an
    /// <see cref="EditorException"/> (status 400) saying what is wrong.</summary>
    public static Preset Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        if (json.Length > MaxLength) throw Bad($"file is {json.Length} characters, more than the {MaxLength} allowed");
        JsonNode? root;
        try { root = StrictJson.Parse(json); }
        catch (EditorException e) { throw Bad(e.Message); }
        catch (EncoderFallbackException) { throw Bad("text holds an unpaired surrogate"); }
        if (root is not JsonObject o) throw Bad("expected a JSON object at the top level");
        if (o["format"] is not JsonValue f || f.GetValueKind() != JsonValueKind.String || f.GetValue<string>() != Format)
            throw Bad($"\"format\" must be \"{Format}\", got {o["format"]?.ToJsonString() ?? "nothing"}");
        if (o["schemaVersion"] is not JsonValue v || v.GetValueKind() != JsonValueKind.Number || !v.TryGetValue<int>(out int version))
            throw Bad($"\"schemaVersion\" must be an integer, got {o["schemaVersion"]?.ToJsonString() ?? "nothing"}");
        if (version != InspectorSchema.Version)
            throw Bad($"schema version {version} is not supported (this editor reads version {InspectorSchema.Version})");
        if (o["components"] is not JsonObject components) throw Bad("\"components\" must be an object of component -> { parameter: value }");
        foreach (var key in o.Select(kv => kv.Key))
            if (key is not ("format" or "schemaVersion" or "components")) throw Bad($"unknown field \"{key}\"");
        var result = new Dictionary<string, IReadOnlyDictionary<string, JsonNode?>>(StringComparer.Ordinal);
        foreach (var (id, node) in components)
        {
            if (node is not JsonObject values) throw Bad($"component \"{id}\" must map parameter names to values");
            result[id] = values.ToDictionary(kv => kv.Key, kv => kv.Value?.DeepClone(), StringComparer.Ordinal);
        }
        return new Preset(result);
    }

    /// <summary>Reads preset file bytes (strict UTF-8, see <see cref="Parse(string)"/>).</summary>
    public static Preset Parse(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > MaxLength) throw Bad($"file is {utf8.Length} bytes, more than the {MaxLength} allowed");
        try { return Parse(new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(utf8)); }
        catch (DecoderFallbackException e) { throw Bad($"text is not valid UTF-8 (bad byte at offset {e.Index})"); }
    }

    private static EditorException Bad(string why) => new(400, $"preset rejected: {why}");
}
