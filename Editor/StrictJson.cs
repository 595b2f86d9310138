using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FieldForge.Editor;

/// <summary>
/// Parses JSON the editor receives (request bodies, preset files) strictly: the bytes must be valid UTF-8, every
/// string must decode (no lone surrogate escapes), no object may repeat a key, and nesting is shallow. Every failure
/// is a 400 <see cref="EditorException"/>; nothing malformed reaches the code that applies values.
/// </summary>
internal static class StrictJson
{
    public const int MaxDepth = 16;
    private static readonly UTF8Encoding Utf8Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Parses <paramref name="utf8"/>; <paramref name="what"/> starts each error message ("malformed JSON: ...").</summary>
    public static JsonNode? Parse(ReadOnlySpan<byte> utf8, string what = "")
    {
        try { Utf8Strict.GetCharCount(utf8); }
        catch (DecoderFallbackException e) { throw new EditorException(400, $"{what}text is not valid UTF-8 (bad byte at offset {e.Index})"); }
        if (utf8.StartsWith(Encoding.UTF8.Preamble)) utf8 = utf8[Encoding.UTF8.Preamble.Length..];
        CheckStructure(utf8, what);
        try { return JsonNode.Parse(utf8, documentOptions: new JsonDocumentOptions { MaxDepth = MaxDepth }); }
        catch (JsonException e) { throw new EditorException(400, $"{what}malformed JSON ({e.Message})"); }
    }

    /// <summary>Parses already-decoded text with the same rules.</summary>
    public static JsonNode? Parse(string text, string what = "") => Parse(Utf8Strict.GetBytes(text), what);

    /// <summary>One pass over the tokens: duplicate keys per object, strings that cannot be decoded, syntax errors.</summary>
    private static void CheckStructure(ReadOnlySpan<byte> utf8, string what)
    {
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = MaxDepth });
        var keys = new Stack<HashSet<string>>();
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject: keys.Push(new HashSet<string>(StringComparer.Ordinal)); break;
                    case JsonTokenType.EndObject: keys.Pop(); break;
                    case JsonTokenType.PropertyName:
                        var name = reader.GetString()!;
                        if (!keys.Peek().Add(name)) throw new EditorException(400, $"{what}duplicate key \"{name}\" in a JSON object");
                        break;
                    case JsonTokenType.String: reader.GetString(); break;
                }
            }
        }
        catch (JsonException e) { throw new EditorException(400, $"{what}malformed JSON ({e.Message})"); }
        catch (InvalidOperationException e) { throw new EditorException(400, $"{what}a JSON string cannot be decoded ({e.Message})"); }
    }
}
