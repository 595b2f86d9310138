using System.Numerics;

namespace FieldForge.Tests.Acoustics;

/// <summary>
/// Exact pressure of a Gaussian initial pulse A·exp(-r²/σ²) (zero initial velocity) in a rigid box [0,L]³: the method of
/// images over the free-field solution p(r,t) = [(r-ct)g(r-ct) + (r+ct)g(r+ct)] / (2r). Exact as long as the initial
/// pulse does not reach the walls (the test keeps the source ≥ 3σ from every wall).
/// </summary>
internal static class ShoeboxSolution
{
    public static double FreeField(double r, double t, double c, double sigma, double amplitude)
    {
        double G(double u) => amplitude * Math.Exp(-u * u / (sigma * sigma));
        double ct = c * t;
        if (r < 1e-9) return G(ct) * (1 - 2 * ct * ct / (sigma * sigma)); // the r → 0 limit
        return ((r - ct) * G(r - ct) + (r + ct) * G(r + ct)) / (2 * r);
    }

    public static double Pressure(Vector3 size, Vector3 source, Vector3 receiver, double t, double c, double sigma, double amplitude)
    {
        double reach = c * t + 6 * sigma;
        var ax = Images(size.X, source.X, receiver.X, reach);
        var ay = Images(size.Y, source.Y, receiver.Y, reach);
        var az = Images(size.Z, source.Z, receiver.Z, reach);
        double sum = 0;
        foreach (var dx in ax)
        foreach (var dy in ay)
        foreach (var dz in az)
        {
            double r = Math.Sqrt(dx * dx + dy * dy + dz * dz);
            if (r > reach) continue;
            sum += FreeField(r, t, c, sigma, amplitude);
        }
        return sum;
    }

    // Offsets receiver - image along one axis for images 2aL ± s within reach.
    private static List<double> Images(double length, double s, double x, double reach)
    {
        var d = new List<double>();
        int n = (int)Math.Ceiling(reach / (2 * length)) + 1;
        for (int a = -n; a <= n; a++)
        foreach (var img in new[] { 2 * a * length + s, 2 * a * length - s })
            if (Math.Abs(x - img) <= reach) d.Add(x - img);
        return d;
    }
}
