using System.Numerics;
using FieldForge.Components;
using FieldForge.Gpu;
using RangeAttribute = FieldForge.Components.RangeAttribute;

namespace FieldForge.Tests;

public class ComponentTests : GpuTest
{
    private enum Mode { A, B }

    private sealed class Probe : Component
    {
        [Header("Probe"), Range(1, 16), Tooltip("how many")] public int Count { get; set; } = 4;
        [Range(0, 1)] public float Level = 0.5f;
        public Mode Mode { get; set; }
        [Color] public Vector3 Tint { get; set; } = Vector3.One;
        [HideInInspector] public int Hidden { get; set; }
        public GpuBuffer<uint>? Output { get; private set; }
        public List<string> Log { get; } = new();
        [HideInInspector] public int Changes;

        public override void OnEnable(GpuContext gpu) { Log.Add("enable"); Output = gpu.CreateBuffer<uint>(64); }
        public override void Update(FrameContext frame, bool changed)
        {
            Log.Add("update");
            if (changed) Changes++;
            frame.Gpu.Primitives.RecordFill(frame.Batch, Output!, (uint)Count);
        }
        public override void OnDisable() { Log.Add("disable"); Output?.Dispose(); Output = null; }
    }

    [Test]
    public void Host_RunsLifecycleAndDetectsParameterChanges()
    {
        using var host = new ComponentHost(Gpu);
        var a = host.Add(new Probe());
        var b = host.Add(new Probe { Count = 7 });
        host.Tick(1 / 60.0);
        Assert.That(host.LastFrameDispatches, Is.EqualTo(2), "both components' work went into the one batch");
        Assert.That(a.Output!.ToArray(), Is.All.EqualTo(4u));
        Assert.That(b.Output!.ToArray(), Is.All.EqualTo(7u));
        host.Tick(1 / 60.0);
        Assert.That(a.Changes, Is.EqualTo(1), "no change on the second frame");
        a.Count = 9;
        host.Tick(1 / 60.0);
        Assert.That(a.Changes, Is.EqualTo(2));
        Assert.That(a.Output!.ToArray(), Is.All.EqualTo(9u));
        a.Enabled = false;
        host.Tick(1 / 60.0);
        Assert.That(a.Log, Is.EqualTo(new[] { "enable", "update", "update", "update", "disable" }));
        Assert.Throws<ArgumentOutOfRangeException>(() => host.Tick(double.NaN));
    }

    [Test]
    public void Describe_ReadsAttributes()
    {
        var ps = ComponentParameters.Describe(typeof(Probe));
        Assert.That(ps.Select(p => p.Name), Is.EquivalentTo(new[] { "Count", "Level", "Mode", "Tint" }));
        var count = ps.Single(p => p.Name == "Count");
        Assert.That((count.Kind, count.Min, count.Max, count.Tooltip, count.Header), Is.EqualTo((ParameterKind.Int, 1.0, 16.0, "how many", "Probe")));
        Assert.That(ps.Single(p => p.Name == "Tint").Kind, Is.EqualTo(ParameterKind.Color));
        Assert.That(ps.Single(p => p.Name == "Mode").Choices, Is.EqualTo(new[] { "A", "B" }));
    }

    [TestCase("Count", 0, "Count must be 1..16, got 0")]
    [TestCase("Count", 2.5, "expected an integer")]
    [TestCase("Level", double.NaN, "finite")]
    [TestCase("Mode", "C", "not one of A, B")]
    [TestCase("Tint", "1,2,0", "colour components")]
    [TestCase("Nope", 1, "no parameter 'Nope'")]
    public void Set_BadValue_RejectedAndStateUnchanged(string name, object value, string message)
    {
        var probe = new Probe();
        var before = ComponentParameters.Snapshot(probe);
        var ex = Assert.Throws<ArgumentException>(() => ComponentParameters.Set(probe, name, value))!;
        Assert.That(ex.Message, Does.Contain(message));
        Assert.That(ComponentParameters.Snapshot(probe), Is.EqualTo(before));
    }

    [Test]
    public void Set_GoodValues_Applied()
    {
        var probe = new Probe();
        ComponentParameters.Set(probe, "Count", 16.0);
        ComponentParameters.Set(probe, "Level", "0.25");
        ComponentParameters.Set(probe, "Mode", "B");
        ComponentParameters.Set(probe, "Tint", new[] { 0.5, 0.25, 1.0 });
        Assert.That((probe.Count, probe.Level, probe.Mode, probe.Tint), Is.EqualTo((16, 0.25f, Mode.B, new Vector3(0.5f, 0.25f, 1f))));
    }
}
