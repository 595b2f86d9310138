using FieldForge.Core;
using FieldForge.Gpu;
using FieldForge.Neural;

namespace FieldForge.Tests.Neural;

public sealed class NeuralFieldTests : GpuTest
{
    private static NeuralFieldConfig Small(EncodingKind kind, int dims = 2, int outputs = 3) =>
        NeuralFieldConfig.Create(kind, dims, outputs, finestResolution: 64, levels: 4, log2TableSize: 10, width: 16, hiddenLayers: 1);

    [TestCase(EncodingKind.Grid)]
    [TestCase(EncodingKind.Simplex)]
    public void Evaluate_MatchesCpuComposition(EncodingKind kind)
    {
        using var field = NeuralField.Create(Gpu, Small(kind));
        // Randomise the tables so the output depends on them (the 1e-4 initialisation would hide the encoding).
        var parameters = field.DownloadParameters();
        var rng = new Random(3);
        for (int i = 0; i < field.NetworkOffset; i++) parameters[i] = (float)(rng.NextDouble() * 2 - 1);
        field.Parameters.Upload(parameters);
        const int count = 100;
        var points = new float[count * 2];
        for (int i = 0; i < points.Length; i++) points[i] = (float)rng.NextDouble();
        var actual = field.Evaluate(points);

        var soa = new float[count * 2];
        for (int s = 0; s < count; s++) { soa[s] = points[2 * s]; soa[count + s] = points[2 * s + 1]; }
        var features = new float[count * field.Encoding.OutputDimensions];
        field.Encoding.ForwardReference(soa, parameters, features, count);
        var outSoa = new float[count * 3];
        field.Network.ForwardReference(parameters.AsSpan((int)field.NetworkOffset), features, outSoa, count);
        for (int s = 0; s < count; s++)
            for (int c = 0; c < 3; c++)
                Assert.That(actual[s * 3 + c], Is.EqualTo(outSoa[c * count + s]).Within(1e-4), $"point {s} output {c}");
    }

    [Test]
    public void Evaluate_NonFinitePoint_RejectedWithMessage()
    {
        using var field = NeuralField.Create(Gpu, Small(EncodingKind.Simplex));
        Assert.That(() => field.Evaluate([0.5f, float.NaN]), Throws.ArgumentException.With.Message.Contains("points[1] is NaN"));
        Assert.That(() => field.Evaluate([0.5f, 0.5f, 0.1f]), Throws.ArgumentException.With.Message.Contains("multiple of 2"));
    }

    [Test]
    public void SaveLoad_RoundTrip_BitExact()
    {
        using var field = NeuralField.Create(Gpu, Small(EncodingKind.Simplex, dims: 3, outputs: 1));
        var path = Path.Combine(Path.GetTempPath(), $"ff-neural-{Guid.NewGuid():N}.ffnf");
        try
        {
            field.Save(path);
            using var loaded = NeuralField.Load(Gpu, path);
            Assert.That(loaded.Config, Is.EqualTo(field.Config));
            var a = field.DownloadParameters();
            var b = loaded.DownloadParameters();
            Assert.That(b.Select(BitConverter.SingleToUInt32Bits), Is.EqualTo(a.Select(BitConverter.SingleToUInt32Bits)));
            Assert.That(File.ReadAllBytes(path), Is.EqualTo(loaded.Serialize()), "re-serialising gives the same bytes");
            var points = new float[] { 0.1f, 0.2f, 0.3f, 0.9f, 0.5f, 0.4f };
            Assert.That(loaded.Evaluate(points), Is.EqualTo(field.Evaluate(points)));
        }
        finally { File.Delete(path); }
    }

    [Test]
    public void Load_CorruptedByte_RejectedWithChecksumMessage()
    {
        using var field = NeuralField.Create(Gpu, Small(EncodingKind.Grid));
        var bytes = field.Serialize();
        bytes[bytes.Length / 2] ^= 0x10;
        Assert.That(() => NeuralField.Deserialize(Gpu, bytes, "model.ffnf"),
            Throws.InstanceOf<InvalidDataException>().With.Message.Contains("model.ffnf: checksum mismatch"));
    }

    [Test]
    public void Load_TruncatedFile_RejectedWithMessage()
    {
        using var field = NeuralField.Create(Gpu, Small(EncodingKind.Grid));
        var bytes = field.Serialize();
        Assert.That(() => NeuralField.Deserialize(Gpu, bytes.AsSpan(0, bytes.Length - 100), "m.ffnf"),
            Throws.InstanceOf<InvalidDataException>().With.Message.Contains("m.ffnf: truncated"));
        Assert.That(() => NeuralField.Deserialize(Gpu, bytes.AsSpan(0, 20), "m.ffnf"),
            Throws.InstanceOf<InvalidDataException>().With.Message.Contains("m.ffnf: truncated"));
    }

    [Test]
    public void Load_ForeignFileOrVersion_RejectedWithMessage()
    {
        using var field = NeuralField.Create(Gpu, Small(EncodingKind.Grid));
        var bytes = field.Serialize();
        var foreign = (byte[])bytes.Clone();
        foreign[0] = (byte)'P';
        Assert.That(() => NeuralField.Deserialize(Gpu, foreign, "x"), Throws.InstanceOf<InvalidDataException>().With.Message.Contains("not a FieldForge neural field file"));
        var future = (byte[])bytes.Clone();
        future[4] = 99;
        Assert.That(() => NeuralField.Deserialize(Gpu, future, "x"), Throws.InstanceOf<InvalidDataException>().With.Message.Contains("format version 99"));
    }

    [Test]
    public void Config_MismatchedNetworkInputs_RejectedWithMessage()
    {
        var c = Small(EncodingKind.Grid);
        Assert.That(() => (c with { Network = c.Network with { Inputs = 5 } }).Validate(),
            Throws.ArgumentException.With.Message.Contains("Network.Inputs (5) must equal the encoding's outputs Levels × FeaturesPerLevel (8)"));
    }

    // The version 2 layout, as the writer of that version laid it out: 15 config words (no density word), the parameter
    // count and the parameters, in a version 2 container.
    private static byte[] SerializeVersion2(NeuralFieldConfig config, float[] parameters)
    {
        var h = config.Hash; var net = config.Network;
        return BinaryContainer.Write(NeuralField.Magic, 2, w =>
        {
            uint[] words =
            [
                (uint)config.Encoding, (uint)h.Dimensions, (uint)h.Levels, (uint)h.FeaturesPerLevel, (uint)h.Log2TableSize,
                BitConverter.SingleToUInt32Bits(h.BaseResolution), BitConverter.SingleToUInt32Bits(h.FinestResolution), h.Seed,
                (uint)net.Inputs, (uint)net.Outputs, (uint)net.Width, (uint)net.HiddenLayers, (uint)net.HiddenActivation,
                (uint)net.OutputActivation, net.Seed,
            ];
            foreach (var word in words) w.WriteUInt32(word);
            w.WriteInt32(parameters.Length);
            w.WriteFloats(parameters);
        });
    }

    private NeuralField RandomisedField(NeuralFieldConfig config, int seed)
    {
        var field = NeuralField.Create(Gpu, config);
        var parameters = field.DownloadParameters();
        var rng = new Random(seed);
        for (int i = 0; i < field.NetworkOffset; i++) parameters[i] = (float)(rng.NextDouble() * 2 - 1);
        field.Parameters.Upload(parameters);
        return field;
    }

    [TestCase(2)]
    [TestCase(3)]
    public void Load_Version2SimplexFile_UsesUnscaledLatticeAndGivesIdenticalOutputs(int dims)
    {
        // A simplex field as version 2 trained it: lattice scales equal to the nominal resolutions.
        var old = Small(EncodingKind.Simplex, dims, outputs: 1);
        old = old with { Hash = old.Hash with { MatchGridVertexDensity = false } };
        using var original = RandomisedField(old, 7);
        var parameters = original.DownloadParameters();
        using var loaded = NeuralField.Deserialize(Gpu, SerializeVersion2(old, parameters), "old.ffnf");

        Assert.That(loaded.Config.Hash.MatchGridVertexDensity, Is.False);
        Assert.That(loaded.Config, Is.EqualTo(old));
        for (int l = 0; l < old.Hash.Levels; l++)
            Assert.That(loaded.Encoding.LevelScale(l), Is.EqualTo(old.Hash.LevelScale(l)), $"level {l} keeps its version 2 scale");
        var rng = new Random(5);
        var points = new float[200 * dims];
        for (int i = 0; i < points.Length; i++) points[i] = (float)rng.NextDouble();
        Assert.That(loaded.Evaluate(points), Is.EqualTo(original.Evaluate(points)), "bit-identical outputs");

        // The same numbers read as today's default (density matched) give another field: the word matters.
        using var rescaled = NeuralField.Create(Gpu, old with { Hash = old.Hash with { MatchGridVertexDensity = true } });
        Assert.That(rescaled.Encoding.LevelScale(0), Is.LessThan(original.Encoding.LevelScale(0)));

        // Saved again, it becomes a version 3 file that keeps the unscaled lattice.
        var again = NeuralField.Deserialize(Gpu, loaded.Serialize(), "again.ffnf");
        using (again)
        {
            Assert.That(BitConverter.ToInt32(loaded.Serialize(), 4), Is.EqualTo(NeuralField.FormatVersion));
            Assert.That(again.Config, Is.EqualTo(old));
            Assert.That(again.Evaluate(points), Is.EqualTo(original.Evaluate(points)));
        }
    }

    [TestCase(true)]
    [TestCase(false)]
    public void SaveLoad_DensityWord_RoundTrips(bool matched)
    {
        var config = Small(EncodingKind.Simplex, dims: 3, outputs: 1);
        config = config with { Hash = config.Hash with { MatchGridVertexDensity = matched } };
        using var field = RandomisedField(config, 9);
        using var loaded = NeuralField.Deserialize(Gpu, field.Serialize(), "m.ffnf");
        Assert.That(loaded.Config.Hash.MatchGridVertexDensity, Is.EqualTo(matched));
        Assert.That(loaded.Encoding.LevelScale(3), Is.EqualTo(field.Encoding.LevelScale(3)));
        var points = new float[] { 0.1f, 0.2f, 0.3f, 0.9f, 0.5f, 0.4f, 0.77f, 0.01f, 0.6f };
        Assert.That(loaded.Evaluate(points), Is.EqualTo(field.Evaluate(points)));
    }

    [TestCase(1)]
    [TestCase(4)]
    [TestCase(-3)]
    public void Load_UnknownVersion_RejectedNamingFileAndReadableVersions(int version)
    {
        using var field = NeuralField.Create(Gpu, Small(EncodingKind.Simplex));
        var bytes = field.Serialize();
        BitConverter.TryWriteBytes(bytes.AsSpan(4), version);
        var path = Path.Combine(Path.GetTempPath(), $"ff-version-{Guid.NewGuid():N}.ffnf");
        try
        {
            File.WriteAllBytes(path, bytes);
            Assert.That(() => NeuralField.Load(Gpu, path), Throws.InstanceOf<InvalidDataException>()
                .With.Message.StartsWith(path + ": unsupported neural field format version " + version)
                .And.Message.Contains("reads versions 2 to 3"));
        }
        finally { File.Delete(path); }
    }

    [Test]
    public void Load_InvalidDensityWord_RejectedAsCorrupt()
    {
        using var field = NeuralField.Create(Gpu, Small(EncodingKind.Simplex));
        var bytes = field.Serialize();
        // Config word 8 (the density flag) sits after the 16-byte header and 8 words; rewrite it and re-seal the CRC.
        BitConverter.TryWriteBytes(bytes.AsSpan(BinaryContainer.HeaderBytes + 8 * 4), 2u);
        BitConverter.TryWriteBytes(bytes.AsSpan(bytes.Length - 4), Crc32.Compute(bytes.AsSpan(0, bytes.Length - 4)));
        Assert.That(() => NeuralField.Deserialize(Gpu, bytes, "flag.ffnf"), Throws.InstanceOf<InvalidDataException>()
            .With.Message.StartsWith("flag.ffnf: invalid configuration: MatchGridVertexDensity word is 2"));
    }
}
