using FieldForge.Gpu;

namespace FieldForge.Showcase;

/// <summary>Options every showcase step receives.</summary>
/// <param name="OutputDirectory">Where files go (default out/).</param>
/// <param name="Quick">Small sizes (tests and CI use this; the full demo still finishes in minutes on 2 CPU cores).</param>
public sealed record ShowcaseOptions(string OutputDirectory, bool Quick);

/// <summary>What a step produced: files written (relative to the output directory) and summary lines.</summary>
public sealed record ShowcaseResult(IReadOnlyList<string> Files, IReadOnlyList<string> Summary);

/// <summary>
/// One feature's part of `./ff demo`. Steps are found by reflection and run in <see cref="Order"/>, so each feature
/// adds its step as a file without editing the others.
/// </summary>
public interface IShowcaseStep
{
    int Order { get; }
    string Title { get; }
    ShowcaseResult Run(GpuContext gpu, ShowcaseOptions options);
}
