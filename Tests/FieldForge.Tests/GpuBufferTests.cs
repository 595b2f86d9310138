using FieldForge.Gpu;

namespace FieldForge.Tests;

public class GpuBufferTests : GpuTest
{
    [TestCase(0)]
    [TestCase(1)]
    [TestCase(255)]
    [TestCase(257)]
    [TestCase(100_003)]
    [TestCase(80 << 20 >> 2)] // 80 MiB of floats: larger than a memory block and than the staging buffer
    public void UploadDownload_RoundTrips(int length)
    {
        foreach (var location in new[] { BufferLocation.DeviceLocal, BufferLocation.HostVisible })
        {
            var data = new float[length];
            var rng = Rng(length);
            for (int i = 0; i < length; i++) data[i] = (float)rng.NextDouble();
            using var buffer = Gpu.CreateBuffer<float>(data, location);
            Assert.That(buffer.Length, Is.EqualTo(length));
            Assert.That(buffer.ToArray(), Is.EqualTo(data), location.ToString());
        }
    }

    [Test]
    public void Upload_AtOffset_WritesOnlyThatRange()
    {
        using var buffer = Gpu.CreateBuffer<int>(new int[10]);
        buffer.Upload(new[] { 7, 8 }, offset: 4);
        Assert.That(buffer.ToArray(), Is.EqualTo(new[] { 0, 0, 0, 0, 7, 8, 0, 0, 0, 0 }));
        var part = new int[3];
        buffer.Download(part, offset: 3);
        Assert.That(part, Is.EqualTo(new[] { 0, 7, 8 }));
    }

    [Test]
    public void Download_OutOfRange_ThrowsNamingTheBuffer()
    {
        using var buffer = Gpu.CreateBuffer<float>(10, label: "ten floats");
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => buffer.Download(new float[5], offset: 6))!;
        Assert.That(ex.Message, Does.Contain("ten floats").And.Contain("length 10"));
        Assert.Throws<ArgumentOutOfRangeException>(() => buffer.Upload(new float[11]));
        Assert.Throws<ArgumentOutOfRangeException>(() => buffer.Download(new float[1], offset: -1));
    }

    [Test]
    public void DisposedBuffer_ThrowsObjectDisposed()
    {
        var buffer = Gpu.CreateBuffer<float>(10, label: "gone");
        buffer.Dispose();
        buffer.Dispose(); // idempotent
        var ex = Assert.Throws<ObjectDisposedException>(() => buffer.ToArray())!;
        Assert.That(ex.Message, Does.Contain("gone"));
        using var batch = Gpu.BeginBatch();
        Assert.Throws<ObjectDisposedException>(() => Gpu.Primitives.RecordFill(batch, buffer, 1f));
    }

    [Test]
    public void NegativeLength_Throws() => Assert.Throws<ArgumentOutOfRangeException>(() => Gpu.CreateBuffer<float>(-1));

    [Test]
    public void ManySmallBuffers_ShareMemoryBlocks()
    {
        int before = Gpu.MemoryBlockCount;
        var buffers = Enumerable.Range(0, 500).Select(_ => Gpu.CreateBuffer<float>(256)).ToList();
        Assert.That(Gpu.MemoryBlockCount - before, Is.LessThanOrEqualTo(1), "500 small buffers must be sub-allocated, not one vkAllocateMemory each");
        buffers.ForEach(b => b.Dispose());
    }

    [Test]
    public void UpdateBuffer_WritesInline_OrderedWithKernels_AndChecksItsLimits()
    {
        using var buffer = Gpu.CreateBuffer<uint>(16, label: "inline");
        using var copy = Gpu.CreateBuffer<uint>(16);
        using (var batch = Gpu.BeginBatch())
        {
            Gpu.Primitives.RecordFill(batch, buffer, 9u);
            batch.UpdateBuffer(buffer, new uint[] { 1, 2, 3 }, offset: 4); // after the fill
            batch.CopyBytes(buffer, 0, copy, 0, buffer.ByteSize);           // sees the update
            batch.UpdateBuffer(buffer, new uint[] { 7 }, offset: 15);       // after the copy read
            batch.Submit();
        }
        Assert.That(copy.ToArray(), Is.EqualTo(new uint[] { 9, 9, 9, 9, 1, 2, 3, 9, 9, 9, 9, 9, 9, 9, 9, 9 }));
        Assert.That(buffer.ToArray()[15], Is.EqualTo(7u));

        using var big = Gpu.CreateBuffer<uint>(20_000);
        using var bytes = Gpu.CreateBuffer<byte>(8);
        using var check = Gpu.BeginBatch();
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => check.UpdateBuffer(buffer, new uint[2], offset: 15))!.Message, Does.Contain("outside 'inline' (length 16)"));
        Assert.That(Assert.Throws<ArgumentException>(() => check.UpdateBuffer(big, new uint[16_385]))!.Message, Does.Contain("at most 65536 bytes"));
        Assert.That(Assert.Throws<ArgumentException>(() => check.UpdateBuffer(bytes, new byte[] { 1, 2 }))!.Message, Does.Contain("multiple of 4"));
    }
}
