namespace FieldForge.Acoustics;

/// <summary>
/// Pressure recorded at receivers: <see cref="Outputs"/> rows (row n at time n·<see cref="OutputInterval"/> s) of
/// <see cref="Receivers"/> values each, in Pa, row-major.
/// </summary>
public sealed record FdtdRecording(double OutputInterval, int Outputs, int Receivers, float[] Pressure)
{
    /// <summary>The time series at receiver <paramref name="receiver"/>, Pa.</summary>
    public float[] Series(int receiver)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(receiver);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(receiver, Receivers);
        var s = new float[Outputs];
        for (int n = 0; n < Outputs; n++) s[n] = Pressure[(long)n * Receivers + receiver];
        return s;
    }

    /// <summary>Receiver <paramref name="receiver"/>'s series as an impulse response sampled at 1 / OutputInterval Hz.</summary>
    public ImpulseResponse ToImpulseResponse(int receiver = 0) => new(1 / OutputInterval, Series(receiver));
}
