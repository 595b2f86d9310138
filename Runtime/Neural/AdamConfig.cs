namespace FieldForge.Neural;

/// <summary>Adam hyper-parameters (defaults are instant-ngp's).</summary>
/// <param name="LearningRate">Step size (> 0).</param>
/// <param name="Beta1">First-moment decay in [0, 1).</param>
/// <param name="Beta2">Second-moment decay in [0, 1).</param>
/// <param name="Epsilon">Denominator guard (> 0).</param>
/// <param name="WeightDecay">L2 penalty added to the gradient (≥ 0).</param>
public sealed record AdamConfig(float LearningRate = 1e-2f, float Beta1 = 0.9f, float Beta2 = 0.99f, float Epsilon = 1e-15f, float WeightDecay = 0f)
{
    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid field.</summary>
    public AdamConfig Validate()
    {
        if (!float.IsFinite(LearningRate) || LearningRate <= 0) throw new ArgumentException($"LearningRate must be finite and > 0, got {LearningRate}");
        if (!(Beta1 >= 0 && Beta1 < 1)) throw new ArgumentException($"Beta1 must be in [0, 1), got {Beta1}");
        if (!(Beta2 >= 0 && Beta2 < 1)) throw new ArgumentException($"Beta2 must be in [0, 1), got {Beta2}");
        if (!float.IsFinite(Epsilon) || Epsilon <= 0) throw new ArgumentException($"Epsilon must be finite and > 0, got {Epsilon}");
        if (!float.IsFinite(WeightDecay) || WeightDecay < 0) throw new ArgumentException($"WeightDecay must be finite and ≥ 0, got {WeightDecay}");
        return this;
    }
}
