using System.Numerics;
using System.Text.Json.Nodes;
using FieldForge.Components;
using FieldForge.Editor;
using RangeAttribute = FieldForge.Components.RangeAttribute;

namespace FieldForge.Tests.Editor;

/// <summary>Issue 15, problem 1: values are validated after conversion to the parameter's own type (a finite double
/// can be an infinite float), vectors have ranges, presets go through the same checks, and the session state can
/// always be serialised.</summary>
public class ValueValidationTests
{
    /// <summary>Parameters with ranges wider than a float, and none at all.</summary>
    public sealed class WideComponent : Component
    {
        [Range(-1e300, 1e300)] public float Wide { get; set; } = 1;
        public Vector3 Unranged { get; set; }
        [Range(-1e300, 1e300)] public int Count { get; set; }
        public uint Mask { get; set; }
    }

    private static IEnumerable<TestCaseData> OutOfTypeValues()
    {
        yield return new TestCaseData("Wide", JsonValue.Create(1e39), "outside the float range").SetName("Convert_FloatBeyondSingle_Rejected");
        yield return new TestCaseData("Unranged", new JsonArray(1e39, 1, 1), "outside the float range").SetName("Convert_VectorBeyondSingle_Rejected");
        yield return new TestCaseData("Count", JsonValue.Create(1e20), "does not fit a Int32").SetName("Convert_IntOverflow_Rejected");
        yield return new TestCaseData("Mask", JsonValue.Create(-1), "does not fit a UInt32").SetName("Convert_NegativeUnsigned_Rejected");
    }

    [TestCaseSource(nameof(OutOfTypeValues))]
    public void SetParameter_ValueOutsideTheClrType_400NothingStoredNoUndoStep(string name, JsonNode value, string message)
    {
        var c = new WideComponent();
        var doc = new EditorDocument(new Component[] { c });
        var before = ComponentParameters.Snapshot(c);
        var ex = Assert.Throws<EditorException>(() => doc.SetParameterJson("WideComponent", name, value))!;
        Assert.That(ex.Status, Is.EqualTo(400));
        Assert.That(ex.Message, Does.Contain(message));
        Assert.That(ComponentParameters.Snapshot(c), Is.EqualTo(before));
        Assert.That(doc.History.UndoCount, Is.Zero);
        Assert.DoesNotThrow(() => doc.CapturePreset().ToJson());
    }

    [Test]
    public void SoundField_ListenerBeyondFloat_400AndStateStillSerialises()
    {
        var sound = new SoundFieldComponent();
        var doc = new EditorDocument(new Component[] { sound });
        var ex = Assert.Throws<EditorException>(() => doc.SetParameterJson("SoundFieldComponent", "Listener", new JsonArray(1e39, 1, 1)))!;
        Assert.That(ex.Status, Is.EqualTo(400));
        Assert.That(ex.Message, Does.Contain("Listener must be -100..100"));
        Assert.That(sound.Listener, Is.EqualTo(new Vector3(2.2f, 1.6f, 1.2f)));
        Assert.That(doc.History.UndoCount, Is.Zero);
    }

    [Test]
    public void Preset_VectorBeyondFloat_RejectedLikeAnEdit()
    {
        var c = new WideComponent();
        var doc = new EditorDocument(new Component[] { c });
        var preset = Preset.Parse("""{ "format": "fieldforge-editor-preset", "schemaVersion": 1, "components": { "WideComponent": { "Wide": 2, "Unranged": [1e39, 1, 1] } } }""");
        var ex = Assert.Throws<EditorException>(() => doc.ApplyPreset(preset))!;
        Assert.That(ex.Message, Does.StartWith("preset rejected, nothing applied: ").And.Contain("outside the float range"));
        Assert.That((c.Wide, c.Unranged, doc.History.UndoCount), Is.EqualTo((1f, Vector3.Zero, 0)));
    }

    [Test]
    public void StateSerialisation_NonFiniteValueAComponentSetItself_BecomesNull()
    {
        var c = new WideComponent { Wide = float.PositiveInfinity, Unranged = new Vector3(float.NaN, 1, 2) };
        var json = InspectorSchema.Values(c).ToJsonString();
        Assert.That(json, Does.Contain("\"Wide\":null").And.Contain("\"Unranged\":[null,1,2]"));
        var doc = new EditorDocument(new Component[] { c });
        Assert.DoesNotThrow(() => doc.CapturePreset().ToJson());
    }

    /// <summary>Every numeric and vector parameter of the Runtime's components declares its range (colours are [0, 1]).</summary>
    [Test]
    public void RuntimeComponents_EveryNumberAndVectorHasARange()
    {
        var missing = ComponentCatalog.Discover().SelectMany(t => ComponentParameters.Describe(t)
                .Where(p => p.Kind is ParameterKind.Int or ParameterKind.Float or ParameterKind.Vector2 or ParameterKind.Vector3 or ParameterKind.Vector4)
                .Where(p => p.Min is null || p.Max is null).Select(p => $"{t.Name}.{p.Name}")).ToArray();
        Assert.That(missing, Is.Empty);
    }
}

/// <summary>Issue 15, problem 8: log sliders are declared once, by an attribute, and reach the schema.</summary>
public class LogScaleSchemaTests
{
    public sealed class BadLogComponent : Component
    {
        [Range(0, 10), LogScale] public float Gain { get; set; } = 1;
    }

    [Test]
    public void Schema_LogScaleAttribute_ReachesTheInspector()
    {
        var ps = InspectorSchema.Describe(typeof(NoiseComponent))["parameters"]!.AsArray().ToDictionary(p => (string)p!["name"]!);
        Assert.That(((string?)ps["Frequency"]!["scale"], ps["Frequency"]!["linearBelow"]), Is.EqualTo(("log", (JsonNode?)null)));
        Assert.That(((string?)ps["Slice"]!["scale"], (double)ps["Slice"]!["linearBelow"]!), Is.EqualTo(("log", 0.1)));
        Assert.That(ps["Octaves"]!["scale"], Is.Null, "a small integer range stays linear");
    }

    [Test]
    public void LogScale_OnARangeThroughZeroWithoutLinearBelow_IsADeclarationError()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => ComponentParameters.Describe(typeof(BadLogComponent)))!;
        Assert.That(ex.Message, Does.Contain("BadLogComponent.Gain: [LogScale]"));
    }
}
