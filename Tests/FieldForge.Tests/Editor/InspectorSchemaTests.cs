using System.Text.Json.Nodes;
using FieldForge.Components;
using FieldForge.Editor;

namespace FieldForge.Tests.Editor;

public class InspectorSchemaTests
{
    private abstract class AbstractComponent : Component { }
    private sealed class NeedsArgument(int x) : Component { public int X { get; set; } = x; }

    private static JsonObject Param(string name) =>
        InspectorSchema.Describe(typeof(SwatchComponent))["parameters"]!.AsArray().Select(p => p!.AsObject()).Single(p => (string)p["name"]! == name);

    [Test]
    public void Describe_Swatch_ListsVisibleParametersInDeclarationOrder()
    {
        var schema = InspectorSchema.Describe(typeof(SwatchComponent));
        Assert.That((string)schema["type"]!, Is.EqualTo("SwatchComponent"));
        var names = schema["parameters"]!.AsArray().Select(p => (string)p!["name"]!).ToArray();
        Assert.That(names, Is.EqualTo(new[] { "Level", "Tint", "Pattern", "Stripes", "Offset", "Texture", "Quality", "Invert" }),
            "[HideInInspector] members and Component's own state (Enabled, Name) are not parameters");
    }

    [Test]
    public void Describe_FloatWithRange_CarriesRangeStepTooltipHeaderAndDefault()
    {
        var level = Param("Level");
        Assert.That((string)level["kind"]!, Is.EqualTo("float"));
        Assert.That(((double)level["min"]!, (double)level["max"]!, (double)level["step"]!), Is.EqualTo((0.0, 1.0, 0.01)));
        Assert.That((string)level["tooltip"]!, Is.EqualTo("Brightness of the swatch"));
        Assert.That((string)level["header"]!, Is.EqualTo("Swatch"));
        Assert.That((double)level["default"]!, Is.EqualTo(0.5));
        Assert.That((string)level["label"]!, Is.EqualTo("Level"));
    }

    [Test]
    public void Describe_OtherKinds_MapToInspectorControls()
    {
        Assert.That(Param("Tint").ToJsonString(), Does.Contain("\"kind\":\"color\"").And.Contain("\"dimension\":3").And.Contain("\"default\":[1,0.6,0.2]"));
        Assert.That(Param("Pattern")["choices"]!.AsArray().Select(c => (string)c!), Is.EqualTo(new[] { "Solid", "Stripes", "Checker" }));
        Assert.That((string)Param("Pattern")["kind"]!, Is.EqualTo("enum"));
        var stripes = Param("Stripes");
        Assert.That(((string)stripes["kind"]!, (double)stripes["step"]!, (double)stripes["min"]!, (double)stripes["max"]!), Is.EqualTo(("int", 1.0, 2.0, 16.0)),
            "integers step by 1 even without a declared step");
        var offset = Param("Offset");
        Assert.That(((string)offset["kind"]!, (int)offset["dimension"]!, (string)offset["header"]!), Is.EqualTo(("vector2", 2, "Extras")));
        Assert.That(((string)Param("Texture")["kind"]!, (string?)Param("Texture")["extensions"]), Is.EqualTo(("filePath", ".png,.jpg")));
        Assert.That(Param("Quality")["choices"]!.AsArray().Select(c => (string)c!), Is.EqualTo(new[] { "low", "high" }));
        Assert.That((string)Param("Invert")["kind"]!, Is.EqualTo("bool"));
    }

    [Test]
    public void Catalog_FindsOnlyConcreteComponentsWithParameterlessConstructors()
    {
        var found = ComponentCatalog.Discover(typeof(InspectorSchemaTests).Assembly);
        Assert.That(found, Does.Contain(typeof(SwatchComponent)));
        Assert.That(found, Does.Not.Contain(typeof(AbstractComponent)).And.Not.Contain(typeof(NeedsArgument)));
        Assert.That(ComponentCatalog.Discover(), Is.All.Matches<Type>(t => t!.Assembly == typeof(Component).Assembly && ComponentCatalog.IsEditable(t)));
    }

    private static IEnumerable<Type> EveryComponent() => ComponentCatalog.Discover().Append(typeof(SwatchComponent));

    /// <summary>Guards every component merged into Runtime: its schema builds, and its defaults pass its own validation
    /// (a default outside its [Range] would make the inspector reject the untouched value).</summary>
    [TestCaseSource(nameof(EveryComponent))]
    public void Schema_EveryComponent_DefaultsPassValidation(Type type)
    {
        var schema = InspectorSchema.Describe(type);
        var component = (Component)Activator.CreateInstance(type)!;
        var doc = new EditorDocument(new[] { component });
        foreach (var p in schema["parameters"]!.AsArray())
        {
            var name = (string)p!["name"]!;
            Assert.DoesNotThrow(() => doc.SetParameterJson(type.Name, name, p["default"]?.DeepClone()), $"{type.Name}.{name} default {p["default"]?.ToJsonString()}");
        }
    }
}
