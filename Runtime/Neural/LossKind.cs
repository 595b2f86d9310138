namespace FieldForge.Neural;

/// <summary>Training losses (values match the loss kernel's codes).</summary>
public enum LossKind
{
    /// <summary>Mean of (y - t)^2.</summary>
    L2 = 0,
    /// <summary>instant-ngp's relative L2: mean of (y - t)^2 / (y^2 + 0.01), the denominator held constant.</summary>
    RelativeL2 = 1,
    /// <summary>Mean of |y - t|.</summary>
    L1 = 2,
}
