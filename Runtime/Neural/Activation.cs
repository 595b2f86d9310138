namespace FieldForge.Neural;

/// <summary>Activation functions of the <see cref="Mlp"/> (values match the kernels' codes).</summary>
public enum Activation
{
    /// <summary>Identity.</summary>
    None = 0,
    /// <summary>max(z, 0).</summary>
    ReLU = 1,
    /// <summary>sin(z) (SIREN-style periodic units).</summary>
    Sine = 2,
    /// <summary>1 / (1 + e^-z); for outputs in (0, 1) such as colours.</summary>
    Sigmoid = 3,
}
