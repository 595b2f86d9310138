namespace FieldForge.Components;

/// <summary>Something an inspector can show live for a component: an image, a plot or a mesh (rendered by the editor).</summary>
public abstract record ComponentPreview(string Title);

/// <summary>RGBA8 pixels, row-major, top row first.</summary>
public sealed record ImagePreview(string Title, int Width, int Height, byte[] Rgba) : ComponentPreview(Title);

/// <summary>One or more line series (e.g. an impulse response, a training-loss curve).</summary>
public sealed record PlotPreview(string Title, string XLabel, string YLabel, IReadOnlyList<PlotSeries> Series, bool LogY = false) : ComponentPreview(Title);

/// <summary>One named line of a plot: X and Y hold the same number of points.</summary>
/// <param name="Name">Legend label.</param>
/// <param name="X">Horizontal coordinates of the points.</param>
/// <param name="Y">Vertical coordinates of the points; as many as <paramref name="X"/>.</param>
public sealed record PlotSeries(string Name, float[] X, float[] Y);

/// <summary>An indexed triangle mesh (positions/normals xyz per vertex, optional colours rgb per vertex).</summary>
public sealed record MeshPreview(string Title, float[] Positions, float[] Normals, float[]? Colors, uint[] Indices) : ComponentPreview(Title);
