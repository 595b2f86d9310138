using System.Globalization;

namespace FieldForge.Acoustics;

/// <summary>
/// Frequency-independent wall impedance, stored as the normalised admittance <see cref="Beta"/> = rho c / Z
/// (0 = rigid, 1 = matched to air at normal incidence). Build it from a normal-incidence reflection coefficient R or an
/// impedance Z in Pa s/m.
/// </summary>
public sealed record WallSpec
{
    private WallSpec(double beta, string description)
    {
        Beta = beta;
        Description = description;
    }

    /// <summary>Normalised wall admittance rho c / Z (dimensionless, 0..∞; 0 = perfectly rigid).</summary>
    public double Beta { get; }

    /// <summary>How the wall was specified (for logs and file headers).</summary>
    public string Description { get; }

    /// <summary>Normal-incidence reflection coefficient R = (1 - Beta) / (1 + Beta).</summary>
    public double ReflectionCoefficient => (1 - Beta) / (1 + Beta);

    /// <summary>Perfectly reflecting walls (zero normal velocity).</summary>
    public static WallSpec Rigid { get; } = new(0, "rigid");

    /// <summary>Walls with normal-incidence reflection coefficient <paramref name="r"/> in (-1, 1].</summary>
    public static WallSpec FromReflection(double r)
    {
        if (!double.IsFinite(r) || r <= -1 || r > 1) throw new ArgumentOutOfRangeException(nameof(r), r, $"wall reflection coefficient must be in (-1, 1], got {r}");
        return r == 1 ? Rigid : new WallSpec((1 - r) / (1 + r), $"R={r.ToString(CultureInfo.InvariantCulture)}");
    }

    /// <summary>Walls with specific acoustic impedance <paramref name="impedance"/> (Pa s/m) in air of density
    /// <paramref name="density"/> (kg/m³) and sound speed <paramref name="speedOfSound"/> (m/s).</summary>
    public static WallSpec FromImpedance(double impedance, double density = 1.2, double speedOfSound = 343)
    {
        if (!double.IsFinite(impedance) || impedance <= 0) throw new ArgumentOutOfRangeException(nameof(impedance), impedance, $"wall impedance must be a positive number of Pa s/m, got {impedance}");
        return new WallSpec(density * speedOfSound / impedance, $"Z={impedance.ToString(CultureInfo.InvariantCulture)}");
    }

    /// <summary>Parses <c>rigid</c>, <c>R=0.9</c> (reflection coefficient) or <c>Z=2000</c> (Pa s/m).</summary>
    public static WallSpec Parse(string text, double density = 1.2, double speedOfSound = 343)
    {
        ArgumentNullException.ThrowIfNull(text);
        var t = text.Trim();
        if (t.Equals("rigid", StringComparison.OrdinalIgnoreCase)) return Rigid;
        if (t.Length > 2 && t[1] is '=' or ':' && double.TryParse(t[2..], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            if (char.ToUpperInvariant(t[0]) == 'R') return FromReflection(value);
            if (char.ToUpperInvariant(t[0]) == 'Z') return FromImpedance(value, density, speedOfSound);
        }
        throw new FormatException($"wall '{text}' is not 'rigid', 'R=<reflection coefficient>' or 'Z=<impedance in Pa s/m>'");
    }

    /// <summary>The same admittance with another description (e.g. where a mean over materials came from).</summary>
    internal WallSpec Describe(string description) => new(Beta, description);

    /// <inheritdoc/>
    public override string ToString() => Description;
}
