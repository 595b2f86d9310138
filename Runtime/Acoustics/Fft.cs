using System.Numerics;

namespace FieldForge.Acoustics;

/// <summary>In-place iterative radix-2 complex FFT of one fixed power-of-two size; tables are built once so a
/// transform allocates nothing (audio callbacks call it every block).</summary>
internal sealed class Fft
{
    private readonly Complex[] _twiddles;
    private readonly int[] _bitReverse;

    public Fft(int size)
    {
        if (size < 2 || !BitOperations.IsPow2(size)) throw new ArgumentOutOfRangeException(nameof(size), size, "FFT size must be a power of two >= 2");
        Size = size;
        _twiddles = new Complex[size / 2];
        for (int k = 0; k < size / 2; k++) _twiddles[k] = Complex.FromPolarCoordinates(1, -2 * Math.PI * k / size);
        _bitReverse = new int[size];
        int bits = BitOperations.Log2((uint)size);
        for (int i = 0; i < size; i++)
        {
            int r = 0;
            for (int b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
            _bitReverse[i] = r;
        }
    }

    public int Size { get; }

    /// <summary>Forward transform (e^{-i...}); the inverse is scaled by 1/Size so Inverse(Forward(x)) = x.</summary>
    public void Transform(Span<Complex> data, bool inverse)
    {
        if (data.Length != Size) throw new ArgumentException($"FFT of size {Size} got {data.Length} values", nameof(data));
        for (int i = 0; i < Size; i++)
        {
            int j = _bitReverse[i];
            if (j > i) (data[i], data[j]) = (data[j], data[i]);
        }
        for (int len = 2; len <= Size; len <<= 1)
        {
            int half = len / 2, stride = Size / len;
            for (int start = 0; start < Size; start += len)
            for (int k = 0; k < half; k++)
            {
                var w = _twiddles[k * stride];
                if (inverse) w = Complex.Conjugate(w);
                var a = data[start + k];
                var b = data[start + k + half] * w;
                data[start + k] = a + b;
                data[start + k + half] = a - b;
            }
        }
        if (inverse)
        {
            double scale = 1.0 / Size;
            for (int i = 0; i < Size; i++) data[i] *= scale;
        }
    }
}
