namespace FieldForge.Editor;

/// <summary>A component preview ready to serve: <see cref="Png"/> for images (and rendered meshes), <see cref="DataJson"/>
/// for plots (decimated series) and mesh statistics. <see cref="Version"/> changes whenever the component hands over
/// a new preview, so the page knows when to fetch again.</summary>
/// <param name="Kind">"image", "plot" or "mesh" ("error" when encoding failed).</param>
/// <param name="Title">The preview's caption.</param>
/// <param name="Version">Changes whenever the preview changes.</param>
/// <param name="Png">PNG bytes, or null.</param>
/// <param name="DataJson">Plot series or mesh statistics as JSON text, or null.</param>
/// <param name="Error">Why the preview could not be shown, or null.</param>
public sealed record PreviewState(string Kind, string Title, long Version, byte[]? Png, string? DataJson, string? Error = null);
