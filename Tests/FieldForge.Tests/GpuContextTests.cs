using FieldForge.Gpu;

namespace FieldForge.Tests;

public class GpuContextTests : GpuTest
{
    [Test]
    public void Create_ReportsDeviceAndValidation()
    {
        Assert.That(Gpu.ValidationEnabled, Is.True);
        Assert.That(Gpu.DeviceInfo.Name, Is.Not.Empty);
        Assert.That(Gpu.DeviceInfo.ToString(), Does.Contain("Vulkan"));
        TestContext.Out.WriteLine($"device: {Gpu.DeviceInfo}");
    }

    [Test]
    public void CreateDispose_Repeatedly_LeavesNoLeaksOrValidationErrors()
    {
        for (int i = 0; i < 3; i++)
        {
            var ctx = GpuContext.Create(GpuTestEnvironment.Options);
            using (var b = ctx.CreateBuffer<float>(1000)) b.Upload(new float[1000]);
            ctx.Primitives.Fill(ctx.CreateBuffer<uint>(10, label: "deliberately kept"), 1u); // freed by the context
            ctx.Dispose();
            var messages = ctx.DrainValidationMessages();
            // The only message allowed is FieldForge's own leak report for the buffer we deliberately did not dispose.
            Assert.That(messages.Select(m => m.Text), Is.EquivalentTo(new[] { "FieldForge: 'deliberately kept' was not disposed before its GpuContext" }));
        }
    }

    [Test]
    public void CreateDispose_AllDisposed_NoMessagesAtAll()
    {
        var ctx = GpuContext.Create(GpuTestEnvironment.Options);
        using (var b = ctx.CreateBuffer<uint>(5000)) ctx.Primitives.Fill(b, 7u);
        Assert.That(ctx.LiveBufferCount, Is.EqualTo(0));
        ctx.Dispose();
        Assert.That(ctx.DrainValidationMessages(), Is.Empty);
    }

    [Test]
    public void Create_UnknownDeviceSelector_ThrowsWithDeviceList()
    {
        var ex = Assert.Throws<GpuUnavailableException>(() => GpuContext.Create(GpuTestEnvironment.Options with { Device = "no-such-gpu-xyz" }))!;
        Assert.That(ex.Message, Does.Contain("no-such-gpu-xyz").And.Contain("available"));
    }

    [Test]
    public void Create_DeviceSelectorByIndexAndName_PicksThatDevice()
    {
        using var byIndex = GpuContext.Create(GpuTestEnvironment.Options with { Device = Gpu.DeviceInfo.Index.ToString() });
        Assert.That(byIndex.DeviceInfo.Name, Is.EqualTo(Gpu.DeviceInfo.Name));
        using var byName = GpuContext.Create(GpuTestEnvironment.Options with { Device = Gpu.DeviceInfo.Name[..4].ToUpperInvariant() });
        Assert.That(byName.DeviceInfo.Name, Is.EqualTo(Gpu.DeviceInfo.Name));
    }

    [Test]
    public void PipelineCache_IsPersistedToTheCacheDirectory()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"ff-cache-{Guid.NewGuid():N}");
        try
        {
            using (var ctx = GpuContext.Create(GpuTestEnvironment.Options with { CacheDirectory = dir }))
                ctx.GetKernel(GpuPrimitives.FillSpec);
            var files = Directory.GetFiles(dir, "pipelines-*.bin");
            Assert.That(files, Has.Length.EqualTo(1));
            Assert.That(new FileInfo(files[0]).Length, Is.GreaterThan(0));
            // A corrupt cache file must not stop a context from starting.
            File.WriteAllBytes(files[0], new byte[] { 1, 2, 3 });
            using (var ctx = GpuContext.Create(GpuTestEnvironment.Options with { CacheDirectory = dir }))
                Assert.That(ctx.GetKernel(GpuPrimitives.FillSpec), Is.Not.Null);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Test]
    public void EveryEmbeddedShader_LoadsThroughTheValidationLayer()
    {
        // Each layer embeds its own kernels; load every layer, then every kernel must be found exactly once.
        Type[] layers = [typeof(GpuContext), typeof(FieldForge.Noise.GpuNoise), typeof(FieldForge.Neural.NeuralField), typeof(FieldForge.Morphing.SdfMorph), typeof(FieldForge.Acoustics.FdtdSolver)];
        var perLayer = layers.Select(t => t.Assembly.GetManifestResourceNames().Where(n => n.StartsWith("FieldForge.Shaders.", StringComparison.Ordinal)).ToArray()).ToArray();
        Assert.That(perLayer, Has.All.Not.Empty, "every layer with kernels embeds them");
        var all = perLayer.SelectMany(n => n).ToArray();
        Assert.That(all, Is.Unique, "a kernel is embedded in exactly one layer");
        Assert.That(GpuContext.KernelNames, Is.SupersetOf(new[] { "fill_u32", "noise_grid2", "adam_step", "blend_shapes", "deeponet_combine" }));
        foreach (var name in GpuContext.KernelNames)
        {
            var r = SpirvReflection.Parse(SpirvModules.Find(name)!, name);
            uint texel = 0;
            for (int b = 0; b < r.Bindings.Length; b++) texel |= r.TexelBuffer[b] ? 1u << r.Bindings[b] : 0;
            Assert.That(Gpu.GetKernel(new KernelSpec(name, r.Bindings.Length == 0 ? 0 : r.Bindings[^1] + 1, r.PushConstantBytes, texel)).LocalSize.X, Is.GreaterThan(0), name);
        }
    }

    [Test]
    public void GetKernel_TexelBufferDeclaredAsStorageBuffer_ThrowsNamingTheBinding()
    {
        using var gpu = GpuContext.Create(GpuTestEnvironment.Options with { CacheDirectory = "" });
        var spec = FieldForge.Acoustics.FdtdSolver.BoundarySpec;
        Assert.That(spec.TexelBuffers, Is.EqualTo(1u), "fdtd_boundary reads p^n through a texel view at binding 0");
        var ex = Assert.Throws<InvalidOperationException>(() => gpu.GetKernel(spec with { TexelBuffers = 0 }))!;
        Assert.That(ex.Message, Does.Contain("fdtd_boundary").And.Contain("binding 0 is a texel buffer"));
    }

    [Test]
    public void Dispatch_TexelBindingOfBufferWithoutTexelUsage_ThrowsNamingTheBuffer()
    {
        var kernel = Gpu.GetKernel(FieldForge.Acoustics.FdtdSolver.BoundarySpec);
        using var plain = Gpu.CreateBuffer<float>(64, BufferLocation.DeviceLocal, "plain field");
        using var next = Gpu.CreateBuffer<float>(64, BufferLocation.DeviceLocal, "next field");
        using var list = Gpu.CreateBuffer<uint>(2, BufferLocation.DeviceLocal, "list");
        using var batch = Gpu.BeginBatch();
        var ex = Assert.Throws<InvalidOperationException>(() => batch.Dispatch(kernel, default(FieldForge.Acoustics.FdtdPush), new GroupCount(1), plain, next, list))!;
        Assert.That(ex.Message, Does.Contain("plain field").And.Contain("GpuBufferUsage.TexelBuffer"));
    }

    [Test]
    public void GetKernel_UnknownName_ThrowsNamingIt()
    {
        var ex = Assert.Throws<ArgumentException>(() => Gpu.GetKernel(new KernelSpec("no_such_kernel", 1)))!;
        Assert.That(ex.Message, Does.Contain("no_such_kernel"));
    }

    [Test]
    public void GetKernel_DeclaredLayoutDiffersFromShader_Throws()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => GpuContext.Create(GpuTestEnvironment.Options with { CacheDirectory = "" })
            .Also(c => { using (c) c.GetKernel(GpuPrimitives.FillSpec with { PushConstantBytes = 8 }); }))!;
        Assert.That(ex.Message, Does.Contain("fill_u32").And.Contain("8 bytes").And.Contain("16 bytes"));
        var ex2 = Assert.Throws<InvalidOperationException>(() => GpuContext.Create(GpuTestEnvironment.Options with { CacheDirectory = "" })
            .Also(c => { using (c) c.GetKernel(GpuPrimitives.CopySpec with { Buffers = 3 }); }))!;
        Assert.That(ex2.Message, Does.Contain("3 buffers"));
    }

    [Test]
    public void Dispatch_WrongPushConstantSize_Throws()
    {
        using var buffer = Gpu.CreateBuffer<uint>(16);
        using var batch = Gpu.BeginBatch();
        var ex = Assert.Throws<ArgumentException>(() => batch.Dispatch(Gpu.GetKernel(GpuPrimitives.FillSpec), 123L, 1, buffer))!;
        Assert.That(ex.Message, Does.Contain("expects 16 bytes").And.Contain("got 8"));
    }

    [Test]
    public void Batch_IndependentDispatchesGetNoBarrier_DependentOnesDo()
    {
        using var a = Gpu.CreateBuffer<uint>(100);
        using var b = Gpu.CreateBuffer<uint>(100);
        using var c = Gpu.CreateBuffer<uint>(100);
        using var batch = Gpu.BeginBatch();
        Gpu.Primitives.RecordFill(batch, a, 1u);
        Gpu.Primitives.RecordFill(batch, b, 2u);
        Assert.That(batch.BarrierCount, Is.EqualTo(0), "two fills of different buffers are independent");
        Gpu.Primitives.RecordCopy(batch, a, c);
        Assert.That(batch.BarrierCount, Is.EqualTo(1), "copy reads what the first fill wrote");
        batch.Submit();
        Assert.That(c.ToArray(), Is.All.EqualTo(1u));
        Assert.Throws<InvalidOperationException>(() => Gpu.Primitives.RecordFill(batch, a, 3u));
    }

    [Test]
    public void Timer_ReportsNamedRegions()
    {
        using var a = Gpu.CreateBuffer<uint>(1 << 16);
        using var batch = Gpu.BeginBatch();
        using (batch.Time("fill")) Gpu.Primitives.RecordFill(batch, a, 5u);
        using (batch.Time("fill")) Gpu.Primitives.RecordFill(batch, a, 6u);
        batch.Submit();
        if (!Gpu.DeviceInfo.Timestamps) Assert.Inconclusive("device has no compute timestamps");
        var t = batch.Timings.Single();
        Assert.That(t.Region, Is.EqualTo("fill"));
        Assert.That(t.Count, Is.EqualTo(2));
        Assert.That(t.Milliseconds, Is.GreaterThanOrEqualTo(0));
    }
}

internal static class TestExtensions
{
    public static T Also<T>(this T value, Action<T> action) { action(value); return value; }
}
