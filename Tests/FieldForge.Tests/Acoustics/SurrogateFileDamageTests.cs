using System.Text.Json;
using FieldForge.Acoustics;
using FieldForge.Core;
using FieldForge.Neural;

namespace FieldForge.Tests.Acoustics;

/// <summary>
/// A .ffsg whose outer checksum is valid but whose embedded branch network is damaged (the crafted file a checksum
/// on the outside alone cannot catch) must be an <see cref="InvalidDataException"/>, never an index, memory or
/// format-specific exception.
/// </summary>
public sealed class SurrogateFileDamageTests : GpuTest
{
    private static readonly object Header = new
    {
        Modes = 1, Outputs = 2, OutputInterval = 1e-3, Scale = 1.0, RegionMin = new[] { 0.0, 0, 0 }, RegionMax = new[] { 1.0, 1, 1 },
        GridOrigin = new[] { 0.0, 0, 0 }, ReceiverSpacing = 0.25, Room = "box:1x1x1", Receivers = new[] { new[] { 0.5, 0.5, 0.5 } },
    };

    /// <summary>A surrogate file around <paramref name="branch"/>, with a correct outer checksum.</summary>
    private static byte[] Craft(ReadOnlySpan<byte> branch)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(Header);
        var copy = branch.ToArray();
        return BinaryContainer.Write(SoundFieldSurrogate.Magic, SoundFieldSurrogate.FormatVersion, w =>
        {
            w.WriteBlock(json);
            w.WriteInt32(2); w.WriteFloats([0.1f, -0.1f]);
            w.WriteInt32(2); w.WriteFloats([1f, 0.5f]);
            w.WriteBlock(copy);
        });
    }

    private byte[] ValidBranch()
    {
        using var field = NeuralField.Create(Gpu, SdfFitting.DefaultConfig(EncodingKind.Simplex, 16, 10, 2));
        return field.Serialize();
    }

    [Test]
    public void Crafted_WithAValidBranch_Loads()
    {
        // The control: the crafted container is a real surrogate file, so the damage below is what gets rejected.
        using var model = SoundFieldSurrogate.Deserialize(Gpu, Craft(ValidBranch()), "crafted.ffsg");
        Assert.That(model.Outputs, Is.EqualTo(2));
    }

    [Test]
    public void Crafted_InnerBranchDamaged_OuterChecksumFixed_IsInvalidData()
    {
        var branch = ValidBranch();
        var rng = new Random(5);
        var variants = new List<(string What, byte[] Branch)>
        {
            ("empty branch", []),
            ("truncated branch", branch[..(branch.Length / 2)]),
            ("foreign branch", BinaryContainer.Write(0x12345678, 1, w => w.WriteInt32(7))),
        };
        for (int i = 0; i < 24; i++)
        {
            var flipped = (byte[])branch.Clone();
            flipped[rng.Next(flipped.Length)] ^= (byte)(1 << rng.Next(8));
            variants.Add(($"bit flip {i}", flipped));
        }
        for (int i = 0; i < 24; i++)
        {
            // Inner checksum also correct: a branch container whose body is garbage of random length.
            var body = new byte[rng.Next(0, 256)];
            rng.NextBytes(body);
            if (body.Length >= 4 && i % 2 == 0) BitConverter.TryWriteBytes(body, int.MaxValue - i); // absurd counts
            variants.Add(($"garbage body {i}", BinaryContainer.Write(NeuralField.Magic, NeuralField.FormatVersion, w => w.WriteBytes(body))));
        }
        foreach (var (what, bad) in variants)
        {
            Exception? e = null;
            try { SoundFieldSurrogate.Deserialize(Gpu, Craft(bad), "crafted.ffsg").Dispose(); }
            catch (Exception caught) { e = caught; }
            Assert.That(e, Is.TypeOf<InvalidDataException>(), $"{what}: {e?.GetType().Name}: {e?.Message}");
            Assert.That(e!.Message, Does.Contain("crafted.ffsg"), what);
        }
    }
}
