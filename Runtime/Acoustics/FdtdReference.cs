using System.Numerics;

namespace FieldForge.Acoustics;

/// <summary>
/// CPU reference of exactly the scheme fdtd.comp runs (same float arithmetic, same update order), for tests and the
/// benchmark's GPU-vs-CPU comparison. Never a fallback for the GPU solver.
/// </summary>
public sealed class FdtdReference
{
    private readonly uint[] _mask;
    private readonly float _lambda, _loss;

    /// <summary>A solver state on <paramref name="grid"/> (see <see cref="FdtdSolver"/> for the scheme).</summary>
    public FdtdReference(RoomGrid grid, FdtdSettings settings, WallSpec walls)
    {
        Grid = grid ?? throw new ArgumentNullException(nameof(grid));
        Settings = (settings ?? throw new ArgumentNullException(nameof(settings))).Validate();
        _mask = grid.Mask;
        _lambda = (float)settings.CourantNumber;
        _loss = (float)(settings.CourantNumber * walls.Beta / 2);
        Pressure = new float[grid.CellCount];
        Velocity = new float[3L * grid.CellCount];
    }

    /// <summary>The voxelised room the reference steps over.</summary>
    public RoomGrid Grid { get; }
    /// <summary>The solver settings (time step, speed of sound, pulse), identical to the GPU solver's.</summary>
    public FdtdSettings Settings { get; }
    /// <summary>Pressure p^n per cell, Pa.</summary>
    public float[] Pressure { get; }
    /// <summary>Face velocities v^{n+½} scaled by ρc (Pa), three planes (x, y, z faces) of CellCount each.</summary>
    public float[] Velocity { get; }
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

    /// <summary>Sets p^0 to the source pulse, zero initial velocity (v^{½} = -λ/2 ∇p^0).</summary>
    public void Initialize(Vector3 source)
    {
        InitialPressure(Grid, source, Settings.Sigma, Settings.Amplitude).CopyTo(Pressure, 0);
        Array.Clear(Velocity);
        UpdateVelocity(_lambda / 2);
        Step = 0;
    }

    /// <summary>Advances <paramref name="steps"/> time steps (pressure, then velocity, like the GPU).</summary>
    public void Advance(int steps = 1)
    {
        for (int s = 0; s < steps; s++)
        {
            UpdatePressure();
            UpdateVelocity(_lambda);
            Step++;
        }
    }

    /// <summary>Interpolated pressure at <paramref name="point"/> (same stencil as the GPU receivers), Pa.</summary>
    public float Sample(Vector3 point) => Grid.ReceiverAt(point).Sample(Pressure);

    private void UpdateVelocity(float coeff)
    {
        int n = Grid.CellCount, sx = Grid.Nx, sy = Grid.Nx * Grid.Ny;
        var p = Pressure; var v = Velocity;
        for (int c = 0; c < n; c++)
        {
            uint m = _mask[c];
            float p0 = p[c];
            if ((m & RoomGrid.XPlus) != 0) v[c] -= coeff * (p[c + 1] - p0);
            if ((m & RoomGrid.YPlus) != 0) v[n + c] -= coeff * (p[c + sx] - p0);
            if ((m & RoomGrid.ZPlus) != 0) v[2 * n + c] -= coeff * (p[c + sy] - p0);
        }
    }

    private void UpdatePressure()
    {
        int n = Grid.CellCount, sx = Grid.Nx, sy = Grid.Nx * Grid.Ny;
        var p = Pressure; var v = Velocity;
        for (int c = 0; c < n; c++)
        {
            uint m = _mask[c];
            if ((m & RoomGrid.AirBit) == 0) continue;
            float div = 0;
            if ((m & RoomGrid.XPlus) != 0) div += v[c];
            if ((m & RoomGrid.XMinus) != 0) div -= v[c - 1];
            if ((m & RoomGrid.YPlus) != 0) div += v[n + c];
            if ((m & RoomGrid.YMinus) != 0) div -= v[n + c - sx];
            if ((m & RoomGrid.ZPlus) != 0) div += v[2 * n + c];
            if ((m & RoomGrid.ZMinus) != 0) div -= v[2 * n + c - sy];
            float a = _loss * (6 - BitOperations.PopCount(m >> 1));
            p[c] = ((1 - a) * p[c] - _lambda * div) / (1 + a);
        }
    }
}
