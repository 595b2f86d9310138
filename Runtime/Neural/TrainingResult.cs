namespace FieldForge.Neural;

/// <summary>Outcome of <see cref="Trainer.Run"/>: steps taken in this run, wall time, and the loss curve it read.</summary>
public sealed record TrainingResult(int Steps, double Seconds, float FinalLoss, IReadOnlyList<TrainingProgress> History)
{
    /// <summary>Mean wall time per step in milliseconds.</summary>
    public double MillisecondsPerStep => Steps > 0 ? Seconds * 1000 / Steps : 0;
}
