namespace FieldForge.Components;

/// <summary>What a component is doing, for an inspector's status line.</summary>
public enum ComponentActivity
{
    /// <summary>Up to date; nothing running.</summary>
    Ok,
    /// <summary>Long work in progress (loading, simulating, training); see <see cref="ComponentStatus.Progress"/>.</summary>
    Computing,
    /// <summary>The current parameters cannot be used (e.g. a source outside the room); <see cref="ComponentStatus.Message"/> says why.</summary>
    Error,
}

/// <summary>
/// A component's state for display: ok, computing with optional progress, or an error message. <see cref="PreviewsStale"/>
/// says the component's previews still show results of earlier parameters, so an inspector can mark them.
/// </summary>
/// <param name="Activity">Ok, computing or error.</param>
/// <param name="Message">Short text for the user (empty when ok and there is nothing to say).</param>
/// <param name="Progress">Fraction done in [0, 1] while computing, or null when unknown.</param>
/// <param name="PreviewsStale">True when the previews do not show the current parameters.</param>
public sealed record ComponentStatus(ComponentActivity Activity, string Message = "", double? Progress = null, bool PreviewsStale = false)
{
    /// <summary>Up to date, nothing to report.</summary>
    public static ComponentStatus Ready { get; } = new(ComponentActivity.Ok);

    /// <summary>Long work in progress; <paramref name="progress"/> is clamped to [0, 1].</summary>
    public static ComponentStatus Computing(string message, double? progress = null, bool previewsStale = true) =>
        new(ComponentActivity.Computing, message, progress is { } p ? Math.Clamp(double.IsFinite(p) ? p : 0, 0, 1) : null, previewsStale);

    /// <summary>The current parameters cannot be used; the previews (if any) are from earlier ones.</summary>
    public static ComponentStatus Failed(string message) => new(ComponentActivity.Error, message, null, true);
}
