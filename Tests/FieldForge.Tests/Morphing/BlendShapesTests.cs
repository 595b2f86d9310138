using System.Numerics;
using System.Runtime.InteropServices;
using FieldForge.Gpu;
using FieldForge.Morphing;

namespace FieldForge.Tests.Morphing;

public sealed class BlendShapesTests : GpuTest
{
    private static (BlendShapes Shapes, Vector3[] Inflated) Make()
    {
        var sphere = TestMeshes.Sphere(0.5f, 16);
        var normals = sphere.Normals!;
        // Target 0 inflates the upper half; target 1 shears x by y on every third vertex and tilts its normals.
        var inflated = sphere.Positions.Select((p, i) => p.Y > 0 ? p + 0.2f * normals[i] : p).ToArray();
        var idx = Enumerable.Range(0, sphere.VertexCount).Where(i => i % 3 == 0).ToArray();
        var shear = new BlendShapeTarget("shear", idx, idx.Select(i => new Vector3(0.3f * sphere.Positions[i].Y, 0, 0)).ToArray(),
            idx.Select(i => new Vector3(0.2f, 0, 0)).ToArray());
        var targets = new[] { BlendShapeTarget.FromDeformed("inflate", sphere.Positions, inflated), shear };
        return (new BlendShapes(Gpu, sphere, targets), inflated);
    }

    [TestCase(0f, 0f)]
    [TestCase(1f, 0f)]
    [TestCase(0.3f, 0.8f)]
    [TestCase(-0.5f, 1.5f)]
    public void Apply_Gpu_MatchesCpuReference(float w0, float w1)
    {
        var (shapes, _) = Make();
        using var _d = shapes;
        var gpu = shapes.Apply(new[] { w0, w1 });
        var cpu = shapes.ApplyCpu(new[] { w0, w1 });
        for (int i = 0; i < gpu.VertexCount; i++)
        {
            // Same summation order on both sides; only FMA contraction differs.
            Assert.That(Vector3.Distance(gpu.Positions[i], cpu.Positions[i]), Is.LessThan(1e-6f), $"position {i}");
            Assert.That(Vector3.Distance(gpu.Normals![i], cpu.Normals![i]), Is.LessThan(1e-5f), $"normal {i}");
            Assert.That(gpu.Normals[i].Length(), Is.EqualTo(1f).Within(1e-5f), "renormalised");
        }
    }

    [Test]
    public void Apply_FullWeight_ReachesTheTarget()
    {
        var (shapes, inflated) = Make();
        using var _d = shapes;
        var mesh = shapes.Apply(new[] { 1f, 0f });
        for (int i = 0; i < mesh.VertexCount; i++) Assert.That(Vector3.Distance(mesh.Positions[i], inflated[i]), Is.LessThan(1e-6f));
        Assert.That(mesh.Indices, Is.EqualTo(shapes.BaseMesh.Indices));
    }

    [Test]
    public void VertexBuffer_HoldsTheCpuBlend_WithoutReadBack()
    {
        var (shapes, _) = Make();
        using var _d = shapes;
        Assert.That(shapes.VertexBuffer.Usage.HasFlag(GpuBufferUsage.Vertex), Is.True, "bindable as a vertex buffer");
        Assert.That(shapes.IndexBuffer.Usage.HasFlag(GpuBufferUsage.Index), Is.True, "bindable as an index buffer");
        Assert.That(shapes.VertexBuffer.Length, Is.EqualTo(shapes.BaseMesh.VertexCount));
        Assert.That(shapes.IndexCount, Is.EqualTo(shapes.BaseMesh.Indices.Length));
        Assert.That(shapes.IndexBuffer.ToArray().Take(shapes.IndexCount).Select(i => (int)i), Is.EqualTo(shapes.BaseMesh.Indices));

        // Three weight changes, each recorded and submitted as a game frame would: nothing is read back.
        float[][] frames = [[0.2f, 0.1f], [0.9f, -0.4f], [0.3f, 0.8f]];
        long before = Gpu.BytesReadBack;
        foreach (var w in frames)
            using (var batch = Gpu.BeginBatch()) { shapes.Record(batch, w); batch.Submit(); }
        Assert.That(Gpu.BytesReadBack, Is.EqualTo(before), "recording the blend reads nothing back");

        AssertVertices(shapes, frames[^1]);
    }

    [Test]
    public void Record_TwiceInOneBatch_TheSecondWeightsWin()
    {
        // The second inline weight update must wait for the first blend's reads of the weights.
        var (shapes, _) = Make();
        using var _d = shapes;
        using (var batch = Gpu.BeginBatch())
        {
            shapes.Record(batch, new[] { 1f, 1f });
            shapes.Record(batch, new[] { -0.5f, 0.25f });
            batch.Submit();
        }
        AssertVertices(shapes, new[] { -0.5f, 0.25f });
    }

    [Test]
    public void Record_AllocatesNoManagedMemory()
    {
        // A game records the blend every frame the weights change: no temporary weight buffer, no garbage.
        var (shapes, _) = Make();
        using var _d = shapes;
        var weights = new[] { 0.4f, 0.6f };
        using var batch = Gpu.BeginBatch();
        shapes.Record(batch, weights); // warm-up: kernel lookup, descriptor pool, hazard-set capacity
        shapes.Record(batch, weights);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++) { weights[0] = i * 0.1f; shapes.Record(batch, weights); }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        batch.Submit();
        Assert.That(allocated, Is.Zero, "bytes allocated by 10 Record calls");
        AssertVertices(shapes, weights);
    }

    /// <summary>The vertex buffer's bytes, read through the public layout constants, against the CPU reference.</summary>
    private static void AssertVertices(BlendShapes shapes, float[] weights)
    {
        var cpu = shapes.ApplyCpu(weights);
        var bytes = new byte[shapes.VertexBuffer.ByteSize];
        shapes.VertexBuffer.Download(MemoryMarshal.Cast<byte, BlendShapeVertex>(bytes.AsSpan()));
        Assert.That(bytes.Length, Is.EqualTo(cpu.VertexCount * BlendShapeVertex.Stride));
        for (int i = 0; i < cpu.VertexCount; i++)
        {
            var p = MemoryMarshal.Read<Vector3>(bytes.AsSpan(i * BlendShapeVertex.Stride + BlendShapeVertex.PositionOffset));
            var n = MemoryMarshal.Read<Vector3>(bytes.AsSpan(i * BlendShapeVertex.Stride + BlendShapeVertex.NormalOffset));
            // Same tolerances as Apply_Gpu_MatchesCpuReference: same summation order, only FMA contraction differs.
            Assert.That(Vector3.Distance(p, cpu.Positions[i]), Is.LessThan(1e-6f), $"position {i}");
            Assert.That(Vector3.Distance(n, cpu.Normals![i]), Is.LessThan(1e-5f), $"normal {i}");
        }
    }

    [Test]
    public void BlendShapeVertex_LayoutMatchesTheShader()
    {
        // Shaders/blend_shapes.comp: struct Vertex { vec4 position; vec4 normal; } in std430 (32 bytes, normal at 16).
        Assert.That(Marshal.SizeOf<BlendShapeVertex>(), Is.EqualTo(BlendShapeVertex.Stride).And.EqualTo(32));
        Assert.That((int)Marshal.OffsetOf<BlendShapeVertex>(nameof(BlendShapeVertex.Position)), Is.EqualTo(BlendShapeVertex.PositionOffset).And.EqualTo(0));
        Assert.That((int)Marshal.OffsetOf<BlendShapeVertex>(nameof(BlendShapeVertex.Normal)), Is.EqualTo(BlendShapeVertex.NormalOffset).And.EqualTo(16));
    }

    [Test]
    public void BadInput_IsRejected()
    {
        var sphere = TestMeshes.Sphere(0.5f, 8);
        var bad = new BlendShapeTarget("bad", [sphere.VertexCount], [Vector3.One]);
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => new BlendShapes(Gpu, sphere, new[] { bad }))!.Message, Does.Contain("target 'bad': vertex index"));
        var nan = new BlendShapeTarget("nan", [0], [new Vector3(float.NaN)]);
        Assert.That(Assert.Throws<ArgumentException>(() => new BlendShapes(Gpu, sphere, new[] { nan }))!.Message, Does.Contain("not finite"));
        var (shapes, _) = Make();
        using var _d = shapes;
        Assert.That(Assert.Throws<ArgumentException>(() => shapes.Apply(new[] { 1f }))!.Message, Does.Contain("need 2 weights"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => shapes.Apply(new[] { 1f, float.PositiveInfinity }))!.Message, Does.Contain("weight 1 ('shear') must be finite"));
    }
}
