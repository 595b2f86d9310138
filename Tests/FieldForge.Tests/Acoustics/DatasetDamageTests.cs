using System.Text.Json.Nodes;
using FieldForge.Acoustics;

namespace FieldForge.Tests.Acoustics;

/// <summary>
/// Datasets contain damage instead of spreading it: a flipped bit in the middle of a shard costs one record (reported,
/// re-simulated by the next bake, valid records after it kept), a shard cut short in its header is recovered, two
/// bakers of one shard are refused, edited manifest fields are refused, and shards past 2 GiB load (sparse files).
/// </summary>
public sealed class DatasetDamageTests : GpuTest
{
    private static readonly SoundFieldDatasetSpec Tiny = new()
    {
        Room = "box:1x0.8x0.6", MaxFrequencyHz = 400, SourceMin = [0.3, 0.3, 0.2], SourceMax = [0.7, 0.5, 0.4],
        SourceCount = 6, ReceiverSpacing = 0.3, DurationSeconds = 0.004, OutputEvery = 3,
    };

    private string _dir = "";
    private string Shard => Path.Combine(_dir, SoundFieldDataset.ShardFileName(0, 1));

    [SetUp]
    public void Bake()
    {
        _dir = Path.Combine(Path.GetTempPath(), $"ff-damage-{Guid.NewGuid():N}");
        Assert.That(SoundFieldDataset.Bake(Gpu, _dir, Tiny), Is.EqualTo(6));
    }

    [TearDown]
    public void Remove() => Directory.Delete(_dir, recursive: true);

    private long RecordSize => (new FileInfo(Shard).Length - 32) / 6;

    [Test]
    public void FlippedBitMidShard_LoadSkipsOnlyThatRecordAndBakeRedoesOnlyIt()
    {
        var intact = SoundFieldDataset.Load(_dir);
        long full = new FileInfo(Shard).Length;
        var bytes = File.ReadAllBytes(Shard);
        bytes[32 + RecordSize * 2 + 100] ^= 1; // inside source 2's pressures
        File.WriteAllBytes(Shard, bytes);

        var damaged = SoundFieldDataset.Load(_dir);
        Assert.That(damaged.SourceIndices, Is.EqualTo(new[] { 0, 1, 3, 4, 5 }), "records after the damaged one are kept");
        Assert.That(damaged.Damaged, Has.Count.EqualTo(1));
        Assert.That(damaged.Damaged[0].Source, Is.EqualTo(2), "the report names the source");
        Assert.That(damaged.Damaged[0].ToString(), Does.Contain("shard-000-of-001.ffsd").And.Contain("source 2"));
        var (code, err) = Train("--steps", "1", "--out", Path.Combine(_dir, "m.ffsg"));
        Assert.That(code, Is.EqualTo(2), err);
        Assert.That(err.Trim().Split('\n'), Has.Length.EqualTo(1), err);
        Assert.That(err, Does.Contain("damaged").And.Contain("--allow-damaged"));

        Assert.That(SoundFieldDataset.Bake(Gpu, _dir, Tiny), Is.EqualTo(1), "only the damaged source is simulated again");
        Assert.That(new FileInfo(Shard).Length, Is.EqualTo(full), "nothing valid was cut off; the damaged slot was replaced");
        var repaired = SoundFieldDataset.Load(_dir);
        Assert.That(repaired.Damaged, Is.Empty);
        Assert.That(repaired.SourceIndices, Is.EqualTo(intact.SourceIndices));
        for (int i = 0; i < 6; i++) Assert.That(repaired.Fields[i], Is.EqualTo(intact.Fields[i]), $"source {i}");
    }

    private (int Code, string Err) Train(params string[] extra)
    {
        var old = Console.Error;
        var err = new StringWriter();
        Console.SetError(err);
        try { return (FieldForge.Cli.CliProgram.Run(["acoustics", "train", "--data", _dir, .. extra], Gpu), err.ToString()); }
        finally { Console.SetError(old); }
    }

    [TestCase(0)]
    [TestCase(5)]
    public void ShardCutInsideItsHeader_BakeRecoversIt(int length)
    {
        using (var f = new FileStream(Shard, FileMode.Open)) f.SetLength(length); // disk full while the header was written
        Assert.That(SoundFieldDataset.Load(_dir).Sources, Is.Empty, "a shard without a header holds no records");
        Assert.That(SoundFieldDataset.Bake(Gpu, _dir, Tiny), Is.EqualTo(6));
        Assert.That(SoundFieldDataset.Load(_dir).IsComplete, Is.True);
    }

    [Test]
    public void SecondBakerOfAShard_IsRefusedWhileTheFirstHoldsTheLock()
    {
        File.Delete(Shard);
        using (new FileStream(Shard + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
        {
            var e = Assert.Throws<IOException>(() => SoundFieldDataset.Bake(Gpu, _dir, Tiny));
            Assert.That(e!.Message, Does.Contain("another process"));
        }
        Assert.That(SoundFieldDataset.Bake(Gpu, _dir, Tiny), Is.EqualTo(6), "the lock is free once its holder is gone");
    }

    [TestCase("OutputInterval", -1.0)]
    [TestCase("OutputInterval", 1e-3)]
    [TestCase("Outputs", 99.0)]
    public void EditedManifestField_IsRefused(string field, double value)
    {
        var path = Path.Combine(_dir, "manifest.json");
        var json = JsonNode.Parse(File.ReadAllText(path))!;
        json[field] = field == "Outputs" ? JsonValue.Create((int)value) : JsonValue.Create(value);
        File.WriteAllText(path, json.ToJsonString());
        var e = Assert.Throws<InvalidDataException>(() => SoundFieldDataset.Load(_dir));
        Assert.That(e!.Message, Does.Contain("manifest was edited"));
    }

    [Test]
    public void EditedReceiver_IsRefused()
    {
        var path = Path.Combine(_dir, "manifest.json");
        var json = JsonNode.Parse(File.ReadAllText(path))!;
        json["Receivers"]![0]![0] = 0.123;
        File.WriteAllText(path, json.ToJsonString());
        Assert.That(() => SoundFieldDataset.Load(_dir), Throws.TypeOf<InvalidDataException>().With.Message.Contains("receivers"));
    }

    /// <summary>A shard past 2 GiB (sparse: a hole of zeros between two real records) loads by streaming; the hole is
    /// reported as one run of damaged slots, not millions of reports or an IOException "file is too long".</summary>
    [Test]
    public void ShardPastTwoGiB_LoadsByStreaming()
    {
        var bytes = File.ReadAllBytes(Shard);
        long size = RecordSize;
        long slots = ((9L << 28) / size) + 1; // 2.25 GiB
        using (var f = new FileStream(Shard, FileMode.Create))
        {
            f.Write(bytes, 0, (int)(32 + size)); // header + source 0
            f.Position = 32 + slots * size;      // sparse hole
            f.Write(bytes, (int)(32 + size), (int)size); // source 1 after 2.25 GiB
        }
        Assert.That(new FileInfo(Shard).Length, Is.GreaterThan(int.MaxValue));
        var data = SoundFieldDataset.Load(_dir);
        Assert.That(data.SourceIndices, Is.EqualTo(new[] { 0, 1 }));
        Assert.That(data.Damaged, Has.Count.EqualTo(1));
        Assert.That(data.Damaged[0].Slots, Is.EqualTo(slots - 1));
    }
}
