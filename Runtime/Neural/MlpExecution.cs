namespace FieldForge.Neural;

/// <summary>Which kernels an <see cref="Mlp"/> records.</summary>
public enum MlpExecution
{
    /// <summary>The fully fused kernels when the configuration fits them (<see cref="Mlp.SupportsFused"/>), else per-layer.</summary>
    Auto = 0,
    /// <summary>One dispatch per pass: every layer of a tile of samples in one workgroup (throws if the configuration does not fit).</summary>
    Fused = 1,
    /// <summary>One dispatch per layer with activations through memory: the reference path the fused kernels are tested against.</summary>
    PerLayer = 2,
}
