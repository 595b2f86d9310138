namespace FieldForge.Neural;

/// <summary>
/// An eikonal regulariser for signed-distance fitting: the trainer adds <see cref="Weight"/> × mean((|∇f| − 1)²) over
/// each training batch, so the learned field keeps a unit-length gradient (a true distance) away from the samples too.
/// ∇f is in world units: the field sees unit-cube points, and one unit-cube unit spans <see cref="WorldUnitsPerUnit"/>
/// world units (2 for <see cref="SdfFitting"/>'s box [-1, 1]^3).
/// </summary>
/// <remarks>
/// The exact parameter gradient of this term needs second derivatives (the gradient of the input gradient). Instead,
/// ∇f is taken by central differences in the input, (f(x + h e_i) − f(x − h e_i)) / 2h with h = <see cref="Step"/>
/// (shortened to stay inside the unit cube), evaluated on the GPU at the 2n shifted points; the term's parameter gradient
/// is then that of a weighted sum of f at those points, which the ordinary backward pass computes. It is the exact
/// gradient of the finite-difference eikonal term, and approaches the analytic one as h shrinks.
/// </remarks>
/// <param name="Weight">W ≥ 0 (0 switches the term off).</param>
/// <param name="WorldUnitsPerUnit">World units per unit-cube unit (&gt; 0).</param>
/// <param name="Step">Finite-difference step h in unit-cube units (0 &lt; h ≤ 0.1).</param>
public sealed record EikonalTerm(float Weight, float WorldUnitsPerUnit = 2f, float Step = 1f / 1024)
{
    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid field.</summary>
    public EikonalTerm Validate()
    {
        if (!float.IsFinite(Weight) || Weight < 0) throw new ArgumentException($"eikonal weight must be finite and ≥ 0, got {Weight}");
        if (!float.IsFinite(WorldUnitsPerUnit) || WorldUnitsPerUnit <= 0) throw new ArgumentException($"eikonal WorldUnitsPerUnit must be finite and > 0, got {WorldUnitsPerUnit}");
        if (!float.IsFinite(Step) || Step <= 0 || Step > 0.1f) throw new ArgumentException($"eikonal step must be in (0, 0.1], got {Step}");
        return this;
    }
}
