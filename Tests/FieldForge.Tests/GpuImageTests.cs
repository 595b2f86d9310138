using FieldForge.Gpu;
using Silk.NET.Vulkan;

namespace FieldForge.Tests;

public class GpuImageTests : GpuTest
{
    [TestCase(1, 1, GpuImageFormat.R32Sfloat)]
    [TestCase(37, 19, GpuImageFormat.R32Sfloat)]
    [TestCase(37, 19, GpuImageFormat.R8G8B8A8Unorm)]
    [TestCase(3, 257, GpuImageFormat.R8G8B8A8Unorm)]
    [TestCase(2048, 2100, GpuImageFormat.R32Sfloat)] // 17.2 MB: read back in two bands of the 16 MiB staging buffer
    public void CopyToImage_Download_RoundTripsExactly(int width, int height, GpuImageFormat format)
    {
        var data = new uint[width * height];
        var rng = Rng(width * 31 + height);
        for (int i = 0; i < data.Length; i++) data[i] = (uint)rng.Next() ^ ((uint)rng.Next() << 16);
        if (format == GpuImageFormat.R32Sfloat) // keep the floats finite and normal: the copy must not care, but NaN != NaN
            for (int i = 0; i < data.Length; i++) data[i] = BitConverter.SingleToUInt32Bits((float)(rng.NextDouble() * 2 - 1));
        using var source = Gpu.CreateBuffer<uint>(data);
        using var image = Gpu.CreateImage(width, height, format, "round trip");
        Assert.That(image.Layout, Is.EqualTo(ImageLayout.Undefined), "not written yet");
        using (var batch = Gpu.BeginBatch())
        {
            batch.CopyToImage(source, image);
            batch.Submit();
        }
        Assert.That(image.Layout, Is.EqualTo(ImageLayout.ShaderReadOnlyOptimal));
        long before = Gpu.BytesReadBack;
        var back = image.ToArray<uint>();
        Assert.That(Gpu.BytesReadBack - before, Is.EqualTo((long)image.ByteSize), "the download is counted, byte for byte");
        Assert.That(back, Is.EqualTo(data));
    }

    [Test]
    public void Image_ExposesNativeHandlesFormatAndSynchronisation()
    {
        using var image = Gpu.CreateImage(5, 3, GpuImageFormat.R8G8B8A8Unorm);
        Assert.That((image.Width, image.Height, image.Format, image.NativeFormat, image.ByteSize), Is.EqualTo((5, 3, GpuImageFormat.R8G8B8A8Unorm, Format.R8G8B8A8Unorm, 60ul)));
        Assert.That(image.NativeHandle.Handle, Is.Not.Zero);
        Assert.That(image.NativeView.Handle, Is.Not.Zero);
        Assert.That(image.NativeMemory.Memory.Handle, Is.Not.Zero);
        Assert.That(image.Label, Is.EqualTo("GpuImage[5x3 R8G8B8A8Unorm]"));
        // lavapipe's queue does graphics and compute, so a renderer's vertex/fragment reads are covered too.
        Assert.That(image.ReadStages, Is.EqualTo(PipelineStageFlags.VertexShaderBit | PipelineStageFlags.FragmentShaderBit | PipelineStageFlags.ComputeShaderBit));
        Assert.That((image.ReadAccess, image.WriteStage, image.WriteAccess), Is.EqualTo((AccessFlags.ShaderReadBit, PipelineStageFlags.TransferBit, AccessFlags.TransferWriteBit)));
        using var r32 = Gpu.CreateImage(1, 1, GpuImageFormat.R32Sfloat);
        Assert.That(r32.NativeFormat, Is.EqualTo(Format.R32Sfloat));
    }

    [Test]
    public void Images_AndBuffersInOneBlock_DoNotOverlap()
    {
        // Interleave buffers and images so they share a memory block; every one keeps its own bytes.
        var buffers = new List<GpuBuffer<uint>>();
        var images = new List<GpuImage>();
        try
        {
            for (int k = 0; k < 4; k++)
            {
                buffers.Add(Gpu.CreateBuffer<uint>(Enumerable.Repeat(0xA0000000u + (uint)k, 33 * 7).ToArray()));
                images.Add(Gpu.CreateImage(33, 7, GpuImageFormat.R8G8B8A8Unorm));
            }
            using (var batch = Gpu.BeginBatch())
            {
                for (int k = 0; k < 4; k++) batch.CopyToImage(buffers[k], images[k]);
                batch.Submit();
            }
            for (int k = 0; k < 4; k++)
            {
                Assert.That(images[k].ToArray<uint>(), Is.All.EqualTo(0xA0000000u + (uint)k), $"image {k}");
                Assert.That(buffers[k].ToArray(), Is.All.EqualTo(0xA0000000u + (uint)k), $"buffer {k}");
            }
        }
        finally
        {
            buffers.ForEach(b => b.Dispose());
            images.ForEach(i => i.Dispose());
        }
    }

    [Test]
    public void OneBatch_KernelWritesSourceBetweenCopies_EachImageGetsItsValue()
    {
        // fill -> copy -> fill the same buffer -> copy -> copy back: the hazard tracking must order all of it.
        using var values = Gpu.CreateBuffer<uint>(40 * 9);
        using var first = Gpu.CreateImage(40, 9, GpuImageFormat.R32Sfloat);
        using var second = Gpu.CreateImage(40, 9, GpuImageFormat.R32Sfloat);
        using var back = Gpu.CreateBuffer<uint>(40 * 9 + 4);
        using (var batch = Gpu.BeginBatch())
        {
            Gpu.Primitives.RecordFill(batch, values, 11u);
            batch.CopyToImage(values, first);
            Gpu.Primitives.RecordFill(batch, values, 22u);
            batch.CopyToImage(values, second);
            batch.CopyFromImage(first, back, destinationOffset: 16);
            batch.CopyToImage(back, second, sourceOffset: 16); // read what the previous copy wrote
            batch.Submit();
        }
        Assert.That(first.ToArray<uint>(), Is.All.EqualTo(11u));
        Assert.That(second.ToArray<uint>(), Is.All.EqualTo(11u), "the last copy into 'second' wins");
        Assert.That(back.ToArray().Skip(4), Is.All.EqualTo(11u));
    }

    [Test]
    public void BadArguments_AreRejectedWithClearMessages()
    {
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => Gpu.CreateImage(0, 5, GpuImageFormat.R32Sfloat))!.Message, Does.Contain("got 0x5"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => Gpu.CreateImage(4, 1 << 20, GpuImageFormat.R32Sfloat))!.Message, Does.Contain("maxImageDimension2D"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => Gpu.CreateImage(4, 4, (GpuImageFormat)7))!.Message, Does.Contain("R32Sfloat or R8G8B8A8Unorm, got 7"));

        using var image = Gpu.CreateImage(8, 4, GpuImageFormat.R32Sfloat, "eight by four");
        using var small = Gpu.CreateBuffer<float>(31, label: "small");
        using var enough = Gpu.CreateBuffer<float>(33, label: "enough");
        Assert.That(Assert.Throws<InvalidOperationException>(() => image.ToArray<float>())!.Message, Does.Contain("'eight by four' has not been written yet"));
        using (var batch = Gpu.BeginBatch())
        {
            Assert.That(Assert.Throws<ArgumentException>(() => batch.CopyToImage(small, image))!.Message, Does.Contain("needs 128 bytes but 'small' has 124"));
            Assert.That(Assert.Throws<ArgumentException>(() => batch.CopyToImage(enough, image, sourceOffset: 8))!.Message, Does.Contain("has 124 from offset 8"));
            Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => batch.CopyToImage(enough, image, sourceOffset: 2))!.Message, Does.Contain("multiple of 4 bytes, got 2"));
            Assert.That(Assert.Throws<InvalidOperationException>(() => batch.CopyFromImage(image, enough))!.Message, Does.Contain("not been written yet"));
            batch.CopyToImage(enough, image);
            Assert.That(Assert.Throws<ArgumentException>(() => batch.CopyFromImage(image, small))!.Message, Does.Contain("needs 128 bytes but 'small' has 124"));
            batch.Submit();
        }
        Assert.That(Assert.Throws<ArgumentException>(() => image.Download<float>(new float[31]))!.Message, Does.Contain("holds 128 bytes (8x4 R32Sfloat), the destination has 124"));
        Assert.That(Assert.Throws<ArgumentException>(() => image.ToArray<Rgb>())!.Message, Does.Contain("not a whole number of Rgb"));
    }

    private readonly record struct Rgb(byte R, byte G, byte B); // 3 bytes: 128 bytes are not a whole number of them

    [Test]
    public void CopyInABatchNeverSubmitted_LeavesTheImageUnwritten()
    {
        // A host discards a frame's batch when a component throws: the image must not claim contents it never got
        // (a renderer would bind it as SHADER_READ_ONLY_OPTIMAL while it is still UNDEFINED).
        using var source = Gpu.CreateBuffer<float>(Enumerable.Repeat(0.5f, 12).ToArray());
        using var image = Gpu.CreateImage(4, 3, GpuImageFormat.R32Sfloat, "discarded");
        using (var batch = Gpu.BeginBatch())
        {
            batch.CopyToImage(source, image);
            batch.CopyFromImage(image, source); // within the recording batch the copy already counts
        }
        Assert.That((image.HasContents, image.Layout), Is.EqualTo((false, ImageLayout.Undefined)));
        Assert.Throws<InvalidOperationException>(() => image.ToArray<float>());
        using (var batch = Gpu.BeginBatch())
        {
            batch.CopyToImage(source, image);
            Assert.That(image.HasContents, Is.False, "recorded, not yet submitted");
            batch.Submit(wait: false);
            Assert.That((image.HasContents, image.Layout), Is.EqualTo((true, ImageLayout.ShaderReadOnlyOptimal)), "submitted: later submissions on the queue see it written");
        }
        Assert.That(image.ToArray<float>(), Is.All.EqualTo(0.5f));
    }

    [Test]
    public void Dispose_FreesTheImage_AndLaterUseThrows()
    {
        int before = Gpu.LiveImageCount;
        var image = Gpu.CreateImage(16, 16, GpuImageFormat.R8G8B8A8Unorm, "short-lived");
        Assert.That(Gpu.LiveImageCount, Is.EqualTo(before + 1));
        image.Dispose();
        image.Dispose(); // twice is fine
        Assert.That(Gpu.LiveImageCount, Is.EqualTo(before));
        Assert.That(image.IsDisposed, Is.True);
        Assert.That(Assert.Throws<ObjectDisposedException>(() => _ = image.NativeView)!.Message, Does.Contain("'short-lived' was used after Dispose()"));
        using var buffer = Gpu.CreateBuffer<uint>(256);
        using var batch = Gpu.BeginBatch();
        Assert.Throws<ObjectDisposedException>(() => batch.CopyToImage(buffer, image));
    }

    [Test]
    public void ImageLeftUndisposed_IsReportedAndFreedByTheContext()
    {
        var context = GpuContext.Create(GpuTestEnvironment.Options);
        var image = context.CreateImage(4, 4, GpuImageFormat.R32Sfloat, "forgotten");
        context.Dispose();
        var messages = context.DrainValidationMessages();
        Assert.That(messages.Select(m => m.Text), Has.Some.Contains("image 'forgotten' was not disposed"));
        Assert.That(messages.Where(m => !m.Text.Contains("'forgotten'")), Is.Empty, "no validation message besides the leak report");
        Assert.That(image.IsDisposed, Is.True);
    }
}
