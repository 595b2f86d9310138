using FieldForge.Core;
namespace FieldForge.Rendering;

/// <summary>One series of a <see cref="LinePlot"/>: points (X[i], Y[i]) joined in order. <paramref name="Color"/> null
/// picks the next colour of the built-in palette.</summary>
public sealed record PlotLine(string Name, float[] X, float[] Y, RgbaColor? Color = null)
{
    /// <summary>A series over X = 0, 1, 2, ... (e.g. a loss per training step or an impulse response per sample).</summary>
    public static PlotLine FromValues(string name, float[] y, float xStep = 1f, RgbaColor? color = null)
    {
        ArgumentNullException.ThrowIfNull(y);
        var x = new float[y.Length];
        for (int i = 0; i < x.Length; i++) x[i] = i * xStep;
        return new PlotLine(name, x, y, color);
    }
}
