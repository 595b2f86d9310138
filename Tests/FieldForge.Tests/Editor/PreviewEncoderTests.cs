using System.Text.Json.Nodes;
using FieldForge.Components;
using FieldForge.Editor;
using StbImageSharp;

namespace FieldForge.Tests.Editor;

public class PreviewEncoderTests
{
    [Test]
    public void Png_RoundTripsPixelsExactly()
    {
        var rgba = Enumerable.Range(0, 3 * 2 * 4).Select(i => (byte)(i * 10)).ToArray();
        var png = PreviewEncoder.Png(new ImagePreview("t", 3, 2, rgba));
        var back = ImageResult.FromMemory(png, ColorComponents.RedGreenBlueAlpha);
        Assert.That((back.Width, back.Height, back.Data), Is.EqualTo((3, 2, rgba)));
    }

    [Test]
    public void Png_WrongByteCount_RejectedWithSizes()
    {
        var ex = Assert.Throws<ArgumentException>(() => PreviewEncoder.Png(new ImagePreview("slice", 4, 4, new byte[10])))!;
        Assert.That(ex.Message, Is.EqualTo("image preview 'slice' has 10 bytes, expected 64 (RGBA8 4x4)"));
    }

    [Test]
    public void Plot_LongSeries_DecimatedKeepingThePeak()
    {
        // An impulse response: 100k samples of near-silence with one spike that must survive decimation.
        int n = 100_000;
        var x = Enumerable.Range(0, n).Select(i => (float)i).ToArray();
        var y = new float[n];
        y[54_321] = 1f;
        y[77_000] = -0.5f;
        var json = JsonNode.Parse(PreviewEncoder.PlotJson(new PlotPreview("ir", "t", "p", new[] { new PlotSeries("ir", x, y) }), maxPoints: 2000))!;
        var ys = json["series"]![0]!["y"]!.AsArray().Select(v => (double)v!).ToArray();
        var xs = json["series"]![0]!["x"]!.AsArray().Select(v => (double)v!).ToArray();
        Assert.That(ys.Length, Is.LessThanOrEqualTo(2000));
        Assert.That((ys.Max(), ys.Min()), Is.EqualTo((1.0, -0.5)), "min/max per bucket keeps both extremes");
        Assert.That(xs, Is.Ordered.Ascending, "points stay in x order");
        Assert.That(xs[Array.IndexOf(ys, 1.0)], Is.EqualTo(54_321));
    }

    [Test]
    public void Plot_NonFiniteValues_BecomeGaps()
    {
        var json = JsonNode.Parse(PreviewEncoder.PlotJson(new PlotPreview("loss", "step", "loss",
            new[] { new PlotSeries("loss", new[] { 0f, 1f, 2f }, new[] { 1f, float.NaN, 0.5f }) }, LogY: true), 100))!;
        Assert.That(json["series"]![0]!["y"]!.ToJsonString(), Is.EqualTo("[1,null,0.5]"));
        Assert.That((bool)json["logY"]!, Is.True);
    }

    [Test]
    public void Plot_MismatchedSeries_Rejected()
    {
        var ex = Assert.Throws<ArgumentException>(() => PreviewEncoder.PlotJson(new PlotPreview("p", "x", "y",
            new[] { new PlotSeries("s", new float[3], new float[2]) }), 100))!;
        Assert.That(ex.Message, Does.Contain("series 's' has 3 x values but 2 y values"));
    }

    [Test]
    public void Mesh_StatsCountVerticesTrianglesAndBounds()
    {
        var json = JsonNode.Parse(PreviewEncoder.MeshJson(new MeshPreview("m", new float[] { 0, 0, 0, 2, -1, 0, 0, 3, 4 }, new float[9], null, new uint[] { 0, 1, 2 })))!;
        Assert.That(json.ToJsonString(), Is.EqualTo("""{"vertices":3,"triangles":1,"hasColors":false,"boundsMin":[0,-1,0],"boundsMax":[2,3,4]}"""));
    }
}
