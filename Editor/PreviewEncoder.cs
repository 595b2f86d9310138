using FieldForge.Core;
using System.Text.Json.Nodes;
using FieldForge.Components;

namespace FieldForge.Editor;

/// <summary>Turns component previews into what a browser can show: PNG bytes for images, JSON for plots and meshes.</summary>
internal static class PreviewEncoder
{
    public static byte[] Png(ImagePreview image)
    {
        if (image.Width <= 0 || image.Height <= 0 || image.Width > 8192 || image.Height > 8192)
            throw new ArgumentException($"image preview '{image.Title}' must be 1..8192 pixels per side, got {image.Width}x{image.Height}");
        long expected = (long)image.Width * image.Height * 4;
        if (image.Rgba is null || image.Rgba.Length != expected)
            throw new ArgumentException($"image preview '{image.Title}' has {image.Rgba?.Length ?? 0} bytes, expected {expected} (RGBA8 {image.Width}x{image.Height})");
        return new RgbaImage(image.Width, image.Height, image.Rgba).EncodePng();
    }

    /// <summary>Plot as JSON; series longer than <paramref name="maxPoints"/> keep each bucket's min and max so spikes
    /// (an impulse response's direct sound) stay visible. Non-finite values become null (a gap).</summary>
    public static string PlotJson(PlotPreview plot, int maxPoints)
    {
        var series = new JsonArray();
        foreach (var s in plot.Series)
        {
            if (s.X.Length != s.Y.Length) throw new ArgumentException($"plot '{plot.Title}' series '{s.Name}' has {s.X.Length} x values but {s.Y.Length} y values");
            var keep = Decimate(s.Y, maxPoints);
            series.Add(new JsonObject
            {
                ["name"] = s.Name,
                ["x"] = new JsonArray(keep.Select(i => Number(s.X[i])).ToArray()),
                ["y"] = new JsonArray(keep.Select(i => Number(s.Y[i])).ToArray()),
            });
        }
        return new JsonObject
        {
            ["xLabel"] = plot.XLabel, ["yLabel"] = plot.YLabel, ["logY"] = plot.LogY, ["series"] = series,
        }.ToJsonString();
    }

    public static string MeshJson(MeshPreview mesh)
    {
        int vertices = mesh.Positions.Length / 3;
        var min = new[] { float.PositiveInfinity, float.PositiveInfinity, float.PositiveInfinity };
        var max = new[] { float.NegativeInfinity, float.NegativeInfinity, float.NegativeInfinity };
        for (int i = 0; i < vertices * 3; i++)
        {
            min[i % 3] = Math.Min(min[i % 3], mesh.Positions[i]);
            max[i % 3] = Math.Max(max[i % 3], mesh.Positions[i]);
        }
        var o = new JsonObject
        {
            ["vertices"] = vertices,
            ["triangles"] = mesh.Indices.Length / 3,
            ["hasColors"] = mesh.Colors is not null,
        };
        if (vertices > 0)
        {
            o["boundsMin"] = new JsonArray(min.Select(Number).ToArray());
            o["boundsMax"] = new JsonArray(max.Select(Number).ToArray());
        }
        return o.ToJsonString();
    }

    private static JsonNode? Number(float v) => float.IsFinite(v) ? JsonValue.Create(v) : null;

    private static IReadOnlyList<int> Decimate(float[] y, int maxPoints)
    {
        if (y.Length <= maxPoints) return Enumerable.Range(0, y.Length).ToArray();
        int buckets = maxPoints / 2;
        var keep = new List<int>(buckets * 2);
        for (int b = 0; b < buckets; b++)
        {
            int start = (int)((long)b * y.Length / buckets), end = (int)((long)(b + 1) * y.Length / buckets);
            int lo = start, hi = start;
            for (int i = start + 1; i < end; i++)
            {
                if (!(y[i] >= y[lo])) lo = i;
                if (!(y[i] <= y[hi])) hi = i;
            }
            keep.Add(Math.Min(lo, hi));
            if (lo != hi) keep.Add(Math.Max(lo, hi));
        }
        return keep;
    }
}
