namespace FieldForge.Neural;

/// <summary>When <see cref="Trainer.Run"/> stops: after <see cref="Steps"/> steps or <see cref="Seconds"/> of wall time,
/// whichever comes first (null: no limit of that kind; at least one must be set). Loss is read every <see cref="ReportEvery"/> steps.</summary>
public sealed record TrainingBudget(int? Steps = null, double? Seconds = null, int ReportEvery = 100)
{
    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid field.</summary>
    public TrainingBudget Validate()
    {
        if (Steps is null && Seconds is null) throw new ArgumentException("a training budget needs Steps or Seconds");
        if (Steps is < 0) throw new ArgumentException($"Steps must be ≥ 0, got {Steps}");
        if (Seconds is { } s && (!double.IsFinite(s) || s < 0)) throw new ArgumentException($"Seconds must be finite and ≥ 0, got {s}");
        if (ReportEvery < 1) throw new ArgumentException($"ReportEvery must be ≥ 1, got {ReportEvery}");
        return this;
    }
}
