namespace FieldForge.Gpu;

/// <summary>CPU references for <see cref="GpuPrimitives"/>: what the kernels must compute, for tests and benchmarks.</summary>
public static class PrimitivesReference
{
    /// <summary>CPU reference of the GPU exclusive prefix sum: output[i] is the sum of input[0..i) (wrapping), output[0] is 0.</summary>
    public static void ExclusiveScan(ReadOnlySpan<uint> input, Span<uint> output)
    {
        uint sum = 0;
        for (int i = 0; i < input.Length; i++) { output[i] = sum; unchecked { sum += input[i]; } }
    }

    /// <summary>Float reductions accumulate in double so the reference is more accurate than any GPU tree.</summary>
    public static double Reduce(ReadOnlySpan<float> a, ReduceOp op, ReadOnlySpan<float> b = default)
    {
        switch (op)
        {
            case ReduceOp.Sum: { double s = 0; foreach (var v in a) s += v; return s; }
            case ReduceOp.Min: { float m = float.PositiveInfinity; foreach (var v in a) m = Math.Min(m, v); return m; }
            case ReduceOp.Max: { float m = float.NegativeInfinity; foreach (var v in a) m = Math.Max(m, v); return m; }
            case ReduceOp.SumSquaredDifference:
                {
                    double s = 0;
                    for (int i = 0; i < a.Length; i++) { double d = a[i] - b[i]; s += d * d; }
                    return s;
                }
            default: throw new ArgumentOutOfRangeException(nameof(op));
        }
    }

    /// <summary>CPU reference of the GPU reduction over unsigned integers.</summary>
    public static uint Reduce(ReadOnlySpan<uint> a, ReduceOp op)
    {
        switch (op)
        {
            case ReduceOp.Sum: { uint s = 0; foreach (var v in a) unchecked { s += v; } return s; }
            case ReduceOp.Min: { uint m = uint.MaxValue; foreach (var v in a) m = Math.Min(m, v); return m; }
            case ReduceOp.Max: { uint m = 0; foreach (var v in a) m = Math.Max(m, v); return m; }
            default: throw new ArgumentOutOfRangeException(nameof(op), $"{op} is not defined for uint");
        }
    }
}
