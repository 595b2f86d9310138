using System.Numerics;
using System.Text.Json.Nodes;
using FieldForge.Components;
using FieldForge.Editor;

namespace FieldForge.Tests.Editor;

public class EditorDocumentTests
{
    private SwatchComponent _swatch = null!;
    private EditorDocument _doc = null!;

    [SetUp]
    public void CreateDocument()
    {
        _swatch = new SwatchComponent();
        _doc = new EditorDocument(new Component[] { _swatch });
    }

    [Test]
    public void SetParameter_ValidValues_AppliedAsTheirClrTypes()
    {
        _doc.SetParameterJson("SwatchComponent", "Level", JsonValue.Create(0.25));
        _doc.SetParameterJson("SwatchComponent", "Tint", new JsonArray(0.1, 0.2, 0.3));
        _doc.SetParameterJson("SwatchComponent", "Pattern", JsonValue.Create("Checker"));
        _doc.SetParameterJson("SwatchComponent", "Stripes", JsonValue.Create(9));
        _doc.SetParameterJson("SwatchComponent", "Offset", new JsonArray(-0.5, 1));
        _doc.SetParameterJson("SwatchComponent", "Invert", JsonValue.Create(true));
        _doc.SetParameterJson("SwatchComponent", "Quality", JsonValue.Create("high"));
        Assert.That((_swatch.Level, _swatch.Tint, _swatch.Pattern, _swatch.Stripes, _swatch.Offset, _swatch.Invert, _swatch.Quality),
            Is.EqualTo((0.25f, new Vector3(0.1f, 0.2f, 0.3f), SwatchPattern.Checker, 9, new Vector2(-0.5f, 1), true, "high")));
        Assert.That(_doc.History.UndoCount, Is.EqualTo(7));
    }

    private static IEnumerable<TestCaseData> BadValues()
    {
        yield return new TestCaseData("Level", JsonValue.Create(1.5), "Level must be 0..1, got 1.5").SetName("SetParameter_OutOfRange_Rejected");
        yield return new TestCaseData("Level", JsonValue.Create("loud"), "Level: expected a number, got 'loud'").SetName("SetParameter_TextForNumber_Rejected");
        yield return new TestCaseData("Level", JsonValue.Create("NaN"), "Level: must be a finite number").SetName("SetParameter_NaN_Rejected");
        yield return new TestCaseData("Level", JsonValue.Create(true), "Level: expected a number").SetName("SetParameter_BoolForNumber_Rejected");
        yield return new TestCaseData("Level", null, "Level: a value is required").SetName("SetParameter_Null_Rejected");
        yield return new TestCaseData("Level", new JsonObject { ["x"] = 1 }, "Level: expected a bool, number, text or list of numbers").SetName("SetParameter_Object_Rejected");
        yield return new TestCaseData("Stripes", JsonValue.Create(2.5), "Stripes: expected an integer, got 2.5").SetName("SetParameter_FractionForInt_Rejected");
        yield return new TestCaseData("Pattern", JsonValue.Create("Hexagons"), "'Hexagons' is not one of Solid, Stripes, Checker").SetName("SetParameter_UnknownEnumName_Rejected");
        yield return new TestCaseData("Pattern", JsonValue.Create(1), "'1' is not one of").SetName("SetParameter_EnumNumber_Rejected");
        yield return new TestCaseData("Tint", new JsonArray(1, 2, 0), "colour components must be in [0, 1]").SetName("SetParameter_ColourAboveOne_Rejected");
        yield return new TestCaseData("Tint", new JsonArray(1, 1), "expected 3 numbers, got 2").SetName("SetParameter_ShortVector_Rejected");
        yield return new TestCaseData("Offset", new JsonArray(0, "a"), "Offset: expected a list of numbers").SetName("SetParameter_MixedArray_Rejected");
        yield return new TestCaseData("Offset", new JsonArray(0, 3), "Offset must be -1..1, got 3").SetName("SetParameter_VectorOutOfRange_Rejected");
        yield return new TestCaseData("Quality", JsonValue.Create("ultra"), "'ultra' is not one of low, high").SetName("SetParameter_UnknownChoice_Rejected");
        yield return new TestCaseData("Invert", JsonValue.Create(1), "expected true/false").SetName("SetParameter_NumberForBool_Rejected");
    }

    [TestCaseSource(nameof(BadValues))]
    public void SetParameter_BadValue_RejectedWithMessageAndStateUnchanged(string name, JsonNode? value, string message)
    {
        var before = ComponentParameters.Snapshot(_swatch);
        var ex = Assert.Throws<EditorException>(() => _doc.SetParameterJson("SwatchComponent", name, value))!;
        Assert.That(ex.Status, Is.EqualTo(400));
        Assert.That(ex.Message, Does.Contain(message).And.StartWith("SwatchComponent."));
        Assert.That(ComponentParameters.Snapshot(_swatch), Is.EqualTo(before));
        Assert.That(_doc.History.UndoCount, Is.Zero, "a rejected edit is not an undo step");
    }

    [Test]
    public void SetParameter_UnknownComponentOrParameter_Is404()
    {
        var a = Assert.Throws<EditorException>(() => _doc.SetParameter("Nope", "Level", 0.1))!;
        Assert.That((a.Status, a.Message), Is.EqualTo((404, "no component 'Nope' (have: SwatchComponent)")));
        var b = Assert.Throws<EditorException>(() => _doc.SetParameter("SwatchComponent", "FailNextUpdate", true))!;
        Assert.That((b.Status, b.Message), Is.EqualTo((404, "SwatchComponent has no parameter 'FailNextUpdate'")), "hidden members cannot be set");
    }

    [Test]
    public void UndoRedo_WalksEditsBackAndForth()
    {
        _doc.SetParameter("SwatchComponent", "Level", 0.1);
        _doc.SetParameter("SwatchComponent", "Pattern", "Solid");
        _doc.SetParameter("SwatchComponent", "Level", 0.9);
        Assert.That(_doc.Undo(), Is.True);
        Assert.That((_swatch.Level, _swatch.Pattern), Is.EqualTo((0.1f, SwatchPattern.Solid)));
        Assert.That(_doc.Undo(), Is.True);
        Assert.That((_swatch.Level, _swatch.Pattern), Is.EqualTo((0.1f, SwatchPattern.Stripes)));
        Assert.That(_doc.Redo(), Is.True);
        Assert.That(_swatch.Pattern, Is.EqualTo(SwatchPattern.Solid));
        Assert.That(_doc.Undo() && _doc.Undo(), Is.True);
        Assert.That(_swatch.Level, Is.EqualTo(0.5f), "back to the default");
        Assert.That(_doc.Undo(), Is.False, "nothing left to undo");
        Assert.That((_doc.History.UndoCount, _doc.History.RedoCount), Is.EqualTo((0, 3)));
    }

    [Test]
    public void NewEdit_AfterUndo_ClearsRedo()
    {
        _doc.SetParameter("SwatchComponent", "Level", 0.1);
        _doc.Undo();
        _doc.SetParameter("SwatchComponent", "Stripes", 3);
        Assert.That(_doc.Redo(), Is.False);
        Assert.That(_swatch.Level, Is.EqualTo(0.5f));
    }

    [Test]
    public void SliderDrag_NonFinalEdits_MergeIntoOneUndoStep()
    {
        _doc.SetParameter("SwatchComponent", "Level", 0.6, final: false);
        _doc.SetParameter("SwatchComponent", "Level", 0.7, final: false);
        _doc.SetParameter("SwatchComponent", "Level", 0.8, final: true);
        _doc.SetParameter("SwatchComponent", "Level", 0.9);
        Assert.That(_doc.History.UndoCount, Is.EqualTo(2), "the drag is one step, the next final edit another");
        _doc.Undo();
        Assert.That(_swatch.Level, Is.EqualTo(0.8f));
        _doc.Undo();
        Assert.That(_swatch.Level, Is.EqualTo(0.5f), "undoing the drag restores the value before it started");
    }

    [Test]
    public void OpenEdit_ThenOtherParameter_DoesNotMerge()
    {
        _doc.SetParameter("SwatchComponent", "Level", 0.6, final: false);
        _doc.SetParameter("SwatchComponent", "Stripes", 4, final: false);
        Assert.That(_doc.History.UndoCount, Is.EqualTo(2));
    }

    [Test]
    public void History_BeyondCapacity_ForgetsOldestSteps()
    {
        var history = new EditHistory(capacity: 3);
        for (int i = 0; i < 5; i++) history.Record(new EditCommand($"step {i}", new[] { new ParameterChange("c", $"p{i}", 0, 1) }));
        Assert.That(history.UndoCount, Is.EqualTo(3));
        Assert.That(history.TakeUndo()!.Description, Is.EqualTo("step 4"));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new EditHistory(0));
    }

    [Test]
    public void Document_RepeatedTypes_GetNumberedIds()
    {
        var doc = new EditorDocument(new Component[] { new SwatchComponent(), new SwatchComponent() });
        Assert.That(doc.Components.Select(c => c.Id), Is.EqualTo(new[] { "SwatchComponent", "SwatchComponent#2" }));
    }
}
