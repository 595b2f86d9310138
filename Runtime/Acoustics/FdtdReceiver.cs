using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace FieldForge.Acoustics;

/// <summary>A receiver's interpolation stencil: 8 cell indices and weights. Mirrors <c>Receiver</c> in fdtd.comp (64 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct FdtdReceiver
{
    [InlineArray(8)] internal struct Cells { private uint _e; }
    [InlineArray(8)] internal struct Weights { private float _e; }

    private Cells _cells;
    private Weights _weights;

    public readonly uint Cell(int n) => _cells[n];
    public readonly float Weight(int n) => _weights[n];

    public void SetCorner(int n, uint cell, float weight)
    {
        _cells[n] = cell;
        _weights[n] = weight;
    }

    /// <summary>The interpolated pressure from <paramref name="pressure"/> (same arithmetic order as the shader).</summary>
    public readonly float Sample(ReadOnlySpan<float> pressure)
    {
        float s = 0;
        for (int n = 0; n < 8; n++) s += _weights[n] * pressure[(int)_cells[n]];
        return s;
    }
}
