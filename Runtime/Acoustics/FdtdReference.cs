using System.Numerics;

namespace FieldForge.Acoustics;

/// <summary>
/// CPU reference of exactly the scheme fdtd.comp runs (the two-array pressure form of the 7-point leapfrog scheme, same
/// float arithmetic in the same order), for tests and the benchmark's GPU-vs-CPU comparison. Written for clarity (one
/// loop over the mask), never a fallback for the GPU solver.
/// </summary>
public sealed class FdtdReference
{
    private readonly uint[] _mask;
    private readonly float _lambda, _loss;
    private float[] _current, _previous;

    /// <summary>A solver state on <paramref name="grid"/> (see <see cref="FdtdSolver"/> for the scheme).</summary>
    public FdtdReference(RoomGrid grid, FdtdSettings settings, WallSpec walls)
    {
        Grid = grid ?? throw new ArgumentNullException(nameof(grid));
        Settings = (settings ?? throw new ArgumentNullException(nameof(settings))).Validate();
        ArgumentNullException.ThrowIfNull(walls);
        _mask = grid.Mask;
        _lambda = (float)settings.CourantNumber;
        _loss = (float)(settings.CourantNumber * walls.Beta / 2);
        _current = new float[grid.CellCount];
        _previous = new float[grid.CellCount];
    }

    /// <summary>The grid the reference runs on.</summary>
    public RoomGrid Grid { get; }
    /// <summary>The validated settings.</summary>
    public FdtdSettings Settings { get; }
    /// <summary>Pressure p^n per cell, Pa.</summary>
    public float[] Pressure => _current;
    /// <summary>Pressure p^{n-1} per cell, Pa (zero before the first step).</summary>
    public float[] PreviousPressure => _previous;
    /// <summary>Time steps taken since <see cref="Initialize"/>.</summary>
    public int Step { get; private set; }

    /// <summary>The Gaussian pulse A·exp(-|x-s|²/σ²) sampled at the air cells' centres (0 in solid cells).</summary>
    public static float[] InitialPressure(RoomGrid grid, Vector3 source, double sigma, double amplitude)
    {
        var p = new float[grid.CellCount];
        double inv = 1 / (sigma * sigma);
        for (int k = 0; k < grid.Nz; k++)
        for (int j = 0; j < grid.Ny; j++)
        for (int i = 0; i < grid.Nx; i++)
        {
            int c = grid.Index(i, j, k);
            if (!grid.IsAir(c)) continue;
            double r2 = Vector3.DistanceSquared(grid.CellCentre(i, j, k), source);
            p[c] = (float)(amplitude * Math.Exp(-r2 * inv));
        }
        return p;
    }

    /// <summary>Sets p^0 to the source pulse with zero initial velocity (the first step then uses half the Laplacian).</summary>
    public void Initialize(Vector3 source)
    {
        InitialPressure(Grid, source, Settings.Sigma, Settings.Amplitude).CopyTo(_current, 0);
        Array.Clear(_previous);
        Step = 0;
    }

    /// <summary>Advances <paramref name="steps"/> time steps.</summary>
    public void Advance(int steps = 1)
    {
        for (int s = 0; s < steps; s++)
        {
            var k = FdtdPush.Coefficients(_lambda, _loss, firstStep: Step == 0);
            Update(k);
            (_current, _previous) = (_previous, _current);
            Step++;
        }
    }

    /// <summary>Interpolated pressure at <paramref name="point"/> (same stencil as the GPU receivers), Pa.</summary>
    public float Sample(Vector3 point) => Grid.ReceiverAt(point).Sample(Pressure);

    // p^{n+1} into the p^{n-1} array. Interior cells (all six neighbours air) use the branch-free form the GPU's interior
    // list uses; the others sum their air neighbours and fold in the wall loss. Solid cells stay 0.
    private void Update(FdtdPush k)
    {
        int n = Grid.CellCount, sx = Grid.Nx, sy = Grid.Nx * Grid.Ny;
        var p = _current; var q = _previous;
        const uint allAir = RoomGrid.AirBit | RoomGrid.XMinus | RoomGrid.XPlus | RoomGrid.YMinus | RoomGrid.YPlus | RoomGrid.ZMinus | RoomGrid.ZPlus;
        for (int c = 0; c < n; c++)
        {
            uint m = _mask[c];
            if ((m & RoomGrid.AirBit) == 0) continue;
            float v = p[c];
            if (m == allAir)
            {
                float sum = p[c - 1] + p[c + 1] + p[c - sx] + p[c + sx] + p[c - sy] + p[c + sy];
                q[c] = k.InteriorSelf * v + k.Lap * sum - k.Previous * q[c];
                continue;
            }
            float s = 0;
            if ((m & RoomGrid.XMinus) != 0) s += p[c - 1];
            if ((m & RoomGrid.XPlus) != 0) s += p[c + 1];
            if ((m & RoomGrid.YMinus) != 0) s += p[c - sx];
            if ((m & RoomGrid.YPlus) != 0) s += p[c + sx];
            if ((m & RoomGrid.ZMinus) != 0) s += p[c - sy];
            if ((m & RoomGrid.ZPlus) != 0) s += p[c + sy];
            float air = BitOperations.PopCount(m >> 1);
            float a = k.Loss * (6 - air);
            q[c] = ((k.Self - k.SelfLoss * a) * v + k.Lap * (s - air * v) - k.Previous * (1 - a) * q[c]) / (1 + a);
        }
    }
}
