namespace FieldForge.Acoustics;

/// <summary>
/// Proper orthogonal decomposition of snapshot fields (the DeepONet trunk): mean field plus the leading orthonormal
/// modes, computed from the N×N Gram matrix of the centred snapshots (method of snapshots, Jacobi eigen-solver).
/// </summary>
internal sealed class PodBasis
{
    private PodBasis(float[] mean, float[] modes, int count, int length, double[] eigenvalues)
    {
        Mean = mean; Modes = modes; Count = count; Length = length; Eigenvalues = eigenvalues;
    }

    /// <summary>Mean field, <see cref="Length"/> values.</summary>
    public float[] Mean { get; }
    /// <summary><see cref="Count"/> unit-norm modes of <see cref="Length"/> values each, row-major.</summary>
    public float[] Modes { get; }
    public int Count { get; }
    public int Length { get; }
    /// <summary>All eigenvalues of the Gram matrix (sum of squared projections per mode), descending.</summary>
    public double[] Eigenvalues { get; }

    public static PodBasis Compute(IReadOnlyList<float[]> snapshots, int modes)
    {
        int n = snapshots.Count, d = snapshots[0].Length;
        if (n < 2) throw new ArgumentException($"POD needs at least 2 snapshots, got {n}");
        modes = Math.Min(modes, n - 1);
        var mean = new double[d];
        foreach (var s in snapshots) for (int i = 0; i < d; i++) mean[i] += s[i];
        for (int i = 0; i < d; i++) mean[i] /= n;
        var centred = snapshots.Select(s => { var c = new double[d]; for (int i = 0; i < d; i++) c[i] = s[i] - mean[i]; return c; }).ToArray();
        var gram = new double[n, n];
        Parallel.For(0, n, a =>
        {
            for (int b = 0; b <= a; b++)
            {
                double sum = 0;
                var x = centred[a]; var y = centred[b];
                for (int i = 0; i < d; i++) sum += x[i] * y[i];
                gram[a, b] = sum;
                gram[b, a] = sum;
            }
        });
        var (values, vectors) = Jacobi(gram);
        var order = Enumerable.Range(0, n).OrderByDescending(i => values[i]).ToArray();
        var result = new float[(long)modes * d];
        for (int k = 0; k < modes; k++)
        {
            int col = order[k];
            double lambda = Math.Max(values[col], 1e-30);
            var mode = new double[d];
            for (int a = 0; a < n; a++)
            {
                double u = vectors[a, col];
                var x = centred[a];
                for (int i = 0; i < d; i++) mode[i] += u * x[i];
            }
            double norm = 1 / Math.Sqrt(lambda);
            for (int i = 0; i < d; i++) result[(long)k * d + i] = (float)(mode[i] * norm);
        }
        return new PodBasis(mean.Select(v => (float)v).ToArray(), result, modes, d, order.Select(i => Math.Max(values[i], 0)).ToArray());
    }

    /// <summary>Coefficients of <paramref name="field"/> - mean on the modes.</summary>
    public double[] Project(float[] field)
    {
        var c = new double[Count];
        for (int k = 0; k < Count; k++)
        {
            double s = 0;
            long o = (long)k * Length;
            for (int i = 0; i < Length; i++) s += (field[i] - Mean[i]) * (double)Modes[o + i];
            c[k] = s;
        }
        return c;
    }

    // Cyclic Jacobi eigen-decomposition of a symmetric matrix: eigenvalues and eigenvectors (columns).
    private static (double[] Values, double[,] Vectors) Jacobi(double[,] matrix)
    {
        int n = matrix.GetLength(0);
        var a = (double[,])matrix.Clone();
        var v = new double[n, n];
        for (int i = 0; i < n; i++) v[i, i] = 1;
        double total = 0;
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) total += a[i, j] * a[i, j];
        for (int sweep = 0; sweep < 60; sweep++)
        {
            double off = 0;
            for (int i = 0; i < n; i++) for (int j = i + 1; j < n; j++) off += a[i, j] * a[i, j];
            if (off <= 1e-26 * total) break;
            for (int p = 0; p < n; p++)
            for (int q = p + 1; q < n; q++)
            {
                double apq = a[p, q];
                if (Math.Abs(apq) < 1e-300) continue;
                double theta = (a[q, q] - a[p, p]) / (2 * apq);
                double t = Math.Sign(theta) / (Math.Abs(theta) + Math.Sqrt(theta * theta + 1));
                if (theta == 0) t = 1;
                double c = 1 / Math.Sqrt(t * t + 1), s = t * c;
                for (int k = 0; k < n; k++)
                {
                    double akp = a[k, p], akq = a[k, q];
                    a[k, p] = c * akp - s * akq;
                    a[k, q] = s * akp + c * akq;
                }
                for (int k = 0; k < n; k++)
                {
                    double apk = a[p, k], aqk = a[q, k];
                    a[p, k] = c * apk - s * aqk;
                    a[q, k] = s * apk + c * aqk;
                }
                for (int k = 0; k < n; k++)
                {
                    double vkp = v[k, p], vkq = v[k, q];
                    v[k, p] = c * vkp - s * vkq;
                    v[k, q] = s * vkp + c * vkq;
                }
            }
        }
        var values = new double[n];
        for (int i = 0; i < n; i++) values[i] = a[i, i];
        return (values, v);
    }
}
