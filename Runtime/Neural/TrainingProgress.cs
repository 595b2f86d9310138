namespace FieldForge.Neural;

/// <summary>A progress report of a training run: the step reached, the batch loss there, and elapsed wall time.</summary>
public readonly record struct TrainingProgress(int Step, float Loss, double ElapsedSeconds)
{
    /// <summary>Steps per second so far.</summary>
    public double StepsPerSecond => ElapsedSeconds > 0 ? Step / ElapsedSeconds : 0;

    /// <summary>The one-line progress text the CLI prints.</summary>
    public override string ToString() => $"step {Step,6}  loss {Loss:E3}  {ElapsedSeconds,7:F1} s  ({StepsPerSecond:F1} steps/s)";
}
