using System.Numerics;
using System.Text.Json.Nodes;
using FieldForge.Components;
using FieldForge.Editor;

namespace FieldForge.Tests.Editor;

public class PresetTests
{
    private SwatchComponent _a = null!, _b = null!;
    private EditorDocument _doc = null!;
    private string _dir = null!;

    [SetUp]
    public void CreateDocument()
    {
        _a = new SwatchComponent();
        _b = new SwatchComponent();
        _doc = new EditorDocument(new Component[] { _a, _b });
        _dir = Path.Combine(Path.GetTempPath(), $"ff-presets-{Guid.NewGuid():N}");
    }

    [TearDown]
    public void RemoveFolder()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    [Test]
    public void Preset_SaveEditLoad_RestoresEveryValueExactlyAndUndoesInOneStep()
    {
        _doc.SetParameter("SwatchComponent", "Level", 0.3);
        _doc.SetParameter("SwatchComponent", "Tint", new[] { 0.1, 0.7, 0.9 });
        _doc.SetParameter("SwatchComponent#2", "Pattern", "Checker");
        _doc.SetParameter("SwatchComponent#2", "Offset", "0.25, -0.125");
        var saved = (ComponentParameters.Snapshot(_a), ComponentParameters.Snapshot(_b));
        var store = new PresetStore(_dir);
        store.Save("look-1", _doc.CapturePreset());

        _doc.SetParameter("SwatchComponent", "Level", 0.9);
        _doc.SetParameter("SwatchComponent#2", "Pattern", "Solid");
        var edited = (ComponentParameters.Snapshot(_a), ComponentParameters.Snapshot(_b));
        int steps = _doc.History.UndoCount;

        int changed = _doc.ApplyPreset(store.Load("look-1"));
        Assert.That(changed, Is.EqualTo(2), "only the two values that differ change");
        Assert.That((ComponentParameters.Snapshot(_a), ComponentParameters.Snapshot(_b)), Is.EqualTo(saved));
        Assert.That(_a.Tint, Is.EqualTo(new Vector3(0.1f, 0.7f, 0.9f)), "floats survive the JSON round trip bit for bit");
        Assert.That(_doc.History.UndoCount, Is.EqualTo(steps + 1));
        _doc.Undo();
        Assert.That((ComponentParameters.Snapshot(_a), ComponentParameters.Snapshot(_b)), Is.EqualTo(edited));
        Assert.That(store.List(), Is.EqualTo(new[] { "look-1" }));
    }

    [Test]
    public void Preset_Json_CarriesFormatAndSchemaVersion()
    {
        var json = JsonNode.Parse(_doc.CapturePreset().ToJson())!;
        Assert.That(((string)json["format"]!, (int)json["schemaVersion"]!), Is.EqualTo(("fieldforge-editor-preset", InspectorSchema.Version)));
        Assert.That((string)json["components"]!["SwatchComponent"]!["Pattern"]!, Is.EqualTo("Stripes"), "enums are saved by name");
    }

    [TestCase("{ \"format\": \"fieldforge-editor-preset\", \"schemaVersion\": 1, ", "malformed JSON")]
    [TestCase("[1, 2]", "expected a JSON object")]
    [TestCase("{ \"schemaVersion\": 1, \"components\": {} }", "\"format\" must be \"fieldforge-editor-preset\", got nothing")]
    [TestCase("{ \"format\": \"fieldforge-editor-preset\", \"schemaVersion\": 2, \"components\": {} }", "schema version 2 is not supported (this editor reads version 1)")]
    [TestCase("{ \"format\": \"fieldforge-editor-preset\", \"schemaVersion\": \"1\", \"components\": {} }", "\"schemaVersion\" must be an integer")]
    [TestCase("{ \"format\": \"fieldforge-editor-preset\", \"schemaVersion\": 1 }", "\"components\" must be an object")]
    [TestCase("{ \"format\": \"fieldforge-editor-preset\", \"schemaVersion\": 1, \"components\": { \"SwatchComponent\": 3 } }", "component \"SwatchComponent\" must map parameter names to values")]
    [TestCase("{ \"format\": \"fieldforge-editor-preset\", \"schemaVersion\": 1, \"components\": {}, \"extra\": 1 }", "unknown field \"extra\"")]
    public void Parse_BadFile_RejectedWithReason(string json, string message)
    {
        var ex = Assert.Throws<EditorException>(() => Preset.Parse(json))!;
        Assert.That(ex.Status, Is.EqualTo(400));
        Assert.That(ex.Message, Does.StartWith("preset rejected: ").And.Contain(message));
    }

    [TestCase("Ghost", "Level", "0.2", "unknown component 'Ghost'")]
    [TestCase("SwatchComponent#2", "Loudness", "0.2", "SwatchComponent#2 has no parameter 'Loudness'")]
    [TestCase("SwatchComponent#2", "Level", "7", "SwatchComponent#2.Level must be 0..1, got 7")]
    [TestCase("SwatchComponent#2", "Pattern", "\"Zigzag\"", "'Zigzag' is not one of")]
    public void ApplyPreset_OneBadEntry_NothingApplied(string component, string parameter, string valueJson, string message)
    {
        // The good entries come first, so a half-applying implementation would already have changed them.
        var json = $$"""
            { "format": "fieldforge-editor-preset", "schemaVersion": 1, "components": {
              "SwatchComponent": { "Level": 0.05, "Pattern": "Solid" },
              "{{component}}": { "{{parameter}}": {{valueJson}} } } }
            """;
        var before = (ComponentParameters.Snapshot(_a), ComponentParameters.Snapshot(_b));
        var ex = Assert.Throws<EditorException>(() => _doc.ApplyPreset(Preset.Parse(json)))!;
        Assert.That(ex.Message, Does.StartWith("preset rejected, nothing applied: ").And.Contain(message));
        Assert.That((ComponentParameters.Snapshot(_a), ComponentParameters.Snapshot(_b)), Is.EqualTo(before));
        Assert.That(_doc.History.UndoCount, Is.Zero);
    }

    [Test]
    public void ApplyPreset_PartialPreset_ChangesOnlyWhatItNames()
    {
        var json = """{ "format": "fieldforge-editor-preset", "schemaVersion": 1, "components": { "SwatchComponent#2": { "Stripes": 12 } } }""";
        Assert.That(_doc.ApplyPreset(Preset.Parse(json)), Is.EqualTo(1));
        Assert.That((_a.Stripes, _b.Stripes), Is.EqualTo((6, 12)));
    }

    [TestCase("../escape")]
    [TestCase("")]
    [TestCase("a b")]
    public void Store_BadName_Rejected(string name)
    {
        var ex = Assert.Throws<EditorException>(() => new PresetStore(_dir).Save(name, _doc.CapturePreset()))!;
        Assert.That(ex.Message, Does.Contain("preset name must be 1-64 letters, digits, '-' or '_'"));
        Assert.That(Directory.Exists(_dir), Is.False, "nothing written");
    }

    [Test]
    public void Store_MissingOrCorruptFile_RejectedClearly()
    {
        var store = new PresetStore(_dir);
        var missing = Assert.Throws<EditorException>(() => store.Load("nope"))!;
        Assert.That((missing.Status, missing.Message), Is.EqualTo((404, $"no preset named 'nope' in {store.Directory}")));
        Directory.CreateDirectory(_dir);
        File.WriteAllText(Path.Combine(_dir, "broken.preset.json"), "{ \"format\": \"fieldforge-editor-preset\", \"schema");
        Assert.That(Assert.Throws<EditorException>(() => store.Load("broken"))!.Message, Does.Contain("malformed JSON"));
    }
}
