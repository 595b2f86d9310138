namespace FieldForge.Rendering;

/// <summary>
/// What <see cref="PlotRenderer"/> draws: a title, axis labels and one or more line series, with an optional
/// logarithmic y axis (points with y &lt;= 0 are left out there, breaking the line).
/// </summary>
public sealed record LinePlot(string Title, string XLabel, string YLabel, IReadOnlyList<PlotLine> Lines, bool LogY = false)
{
    /// <summary>Throws <see cref="ArgumentException"/> naming the series and index of the first bad value.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Title, nameof(Title));
        ArgumentNullException.ThrowIfNull(XLabel, nameof(XLabel));
        ArgumentNullException.ThrowIfNull(YLabel, nameof(YLabel));
        ArgumentNullException.ThrowIfNull(Lines, nameof(Lines));
        if (Lines.Count == 0) throw new ArgumentException("a plot needs at least one line, got none", nameof(Lines));
        bool anyPositive = false;
        for (int s = 0; s < Lines.Count; s++)
        {
            var line = Lines[s] ?? throw new ArgumentException($"line {s} is null", nameof(Lines));
            if (line.Name is null) throw new ArgumentException($"line {s} has a null name (use \"\" for no legend entry)", nameof(Lines));
            if (line.X is null || line.Y is null) throw new ArgumentException($"line '{line.Name}' has null X or Y", nameof(Lines));
            if (line.X.Length != line.Y.Length)
                throw new ArgumentException($"line '{line.Name}': X has {line.X.Length} values but Y has {line.Y.Length}", nameof(Lines));
            if (line.X.Length == 0) throw new ArgumentException($"line '{line.Name}' has no points", nameof(Lines));
            for (int i = 0; i < line.X.Length; i++)
            {
                if (!float.IsFinite(line.X[i])) throw new ArgumentException($"line '{line.Name}': X[{i}] must be finite, got {line.X[i]}", nameof(Lines));
                if (!float.IsFinite(line.Y[i])) throw new ArgumentException($"line '{line.Name}': Y[{i}] must be finite, got {line.Y[i]}", nameof(Lines));
                anyPositive |= line.Y[i] > 0;
            }
        }
        if (LogY && !anyPositive) throw new ArgumentException("a log-y plot needs at least one positive y value, got none", nameof(LogY));
    }
}
