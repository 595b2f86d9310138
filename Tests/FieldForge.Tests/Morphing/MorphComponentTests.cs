using FieldForge.Components;
using FieldForge.Morphing;

namespace FieldForge.Tests.Morphing;

public sealed class MorphComponentTests : GpuTest
{
    [Test]
    public void Tick_DefaultSources_ProducesWatertightMeshPreview()
    {
        using var host = new ComponentHost(Gpu) { PreviewsWanted = true };
        var morph = host.Add(new MorphComponent { Resolution = 24, T = 0.3f });
        host.Tick(1 / 60.0);
        if (!morph.MeshIsCurrent) host.Tick(1 / 60.0); // first frame may only have grown the output buffers
        Assert.That(morph.MeshIsCurrent, Is.True, "a second frame always extracts into the grown buffers");
        var first = morph.LastMesh;
        morph.T = 0.9f; // a different surface; whether or not it outgrows the buffers, the mesh never goes back to null
        host.Tick(1 / 60.0);
        Assert.That(morph.LastMesh, Is.Not.Null);
        if (!morph.MeshIsCurrent)
        {
            Assert.That(morph.LastMesh, Is.SameAs(first), "while the buffers grow the previous mesh is kept");
            host.Tick(1 / 60.0);
        }
        Assert.That(morph.MeshIsCurrent, Is.True);
        Assert.That(morph.LastMesh, Is.Not.SameAs(first));
        var preview = morph.GetPreviews().OfType<MeshPreview>().Single();
        Assert.That(preview.Indices.Length, Is.GreaterThan(0));
        Assert.That(preview.Positions.Length, Is.EqualTo(preview.Normals.Length));
        Assert.That(preview.Colors!.Length, Is.EqualTo(preview.Positions.Length));
        Assert.That(MeshChecks.WatertightProblem(morph.LastMesh!), Is.Null);
    }

    [Test]
    public void Tick_Animated_MovesT()
    {
        using var host = new ComponentHost(Gpu);
        var morph = host.Add(new MorphComponent { Resolution = 16, Animate = true, PeriodSeconds = 2 });
        host.Tick(0.25);
        float first = morph.CurrentT;
        host.Tick(0.25);
        Assert.That(morph.CurrentT, Is.Not.EqualTo(first));
        Assert.That(morph.CurrentT, Is.InRange(0f, 1f));
    }

    [Test]
    public void Parameters_Inspector_DescribesRangesAndChoices()
    {
        var ps = ComponentParameters.Describe(typeof(MorphComponent));
        Assert.That(ps.Single(p => p.Name == "Resolution").Max, Is.EqualTo(256));
        Assert.That(ps.Single(p => p.Name == "Schedule").Choices, Is.EquivalentTo(new[] { "Linear", "Aligned" }));
        var c = new MorphComponent();
        Assert.That(Assert.Throws<ArgumentException>(() => ComponentParameters.Set(c, "Resolution", 10000))!.Message, Does.Contain("Resolution"));
        Assert.That(Assert.Throws<ArgumentException>(() => ComponentParameters.Set(c, "T", 2.0))!.Message, Does.Contain("T"));
    }

    [Test]
    public void Tick_BadSource_NamesTheParameter()
    {
        using var host = new ComponentHost(Gpu);
        host.Add(new MorphComponent { Resolution = 16, SourceB = "cone:r=1" });
        var e = Assert.Throws<ComponentException>(() => host.Tick(0.1))!;
        Assert.That(e.Component, Is.InstanceOf<MorphComponent>());
        Assert.That(e.InnerException, Is.InstanceOf<ArgumentException>());
        Assert.That(e.InnerException!.Message, Does.Contain("SourceB").And.Contain("unknown shape 'cone'"));
    }
}
