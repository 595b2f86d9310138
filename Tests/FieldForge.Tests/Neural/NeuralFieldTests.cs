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
}
