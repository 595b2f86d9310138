using System.Numerics;

namespace FieldForge.Acoustics;

/// <summary>
/// A voxelised room: <see cref="Nx"/> x <see cref="Ny"/> x <see cref="Nz"/> cubic cells of <see cref="Spacing"/> metres,
/// cell (i,j,k) centred at Origin + (i+½, j+½, k+½)·h, x fastest in memory. Walls lie on the faces between air and solid
/// cells (and the grid's outer faces).
/// </summary>
public sealed class RoomGrid
{
    internal const uint AirBit = 1, XMinus = 2, XPlus = 4, YMinus = 8, YPlus = 16, ZMinus = 32, ZPlus = 64;

    internal RoomGrid(int nx, int ny, int nz, double spacing, Vector3 origin, bool[] air)
    {
        Nx = nx; Ny = ny; Nz = nz; Spacing = spacing; Origin = origin;
        Mask = new uint[air.Length];
        for (int k = 0; k < nz; k++)
        for (int j = 0; j < ny; j++)
        for (int i = 0; i < nx; i++)
        {
            int c = Index(i, j, k);
            if (!air[c]) continue;
            AirCells++;
            uint m = AirBit;
            if (i > 0 && air[c - 1]) m |= XMinus;
            if (i < nx - 1 && air[c + 1]) m |= XPlus;
            if (j > 0 && air[c - nx]) m |= YMinus;
            if (j < ny - 1 && air[c + nx]) m |= YPlus;
            if (k > 0 && air[c - nx * ny]) m |= ZMinus;
            if (k < nz - 1 && air[c + nx * ny]) m |= ZPlus;
            Mask[c] = m;
            WallFaces += 6 - BitOperations.PopCount(m >> 1);
        }
        if (AirCells == 0) throw new ArgumentException($"the room has no air cell at a spacing of {spacing} m; use a finer grid");
    }

    /// <summary>Cells along x.</summary>
    public int Nx { get; }
    /// <summary>Cells along y.</summary>
    public int Ny { get; }
    /// <summary>Cells along z.</summary>
    public int Nz { get; }
    /// <summary>Cell size in metres.</summary>
    public double Spacing { get; }
    /// <summary>Corner of cell (0,0,0) in metres.</summary>
    public Vector3 Origin { get; }
    /// <summary>Per-cell bits: 1 = air, then -x,+x,-y,+y,-z,+z neighbour is air (the layout fdtd.comp reads).</summary>
    internal uint[] Mask { get; }
    /// <summary>Total cells (Nx · Ny · Nz), air and wall.</summary>
    public int CellCount => Nx * Ny * Nz;
    /// <summary>Cells that hold air.</summary>
    public int AirCells { get; }
    /// <summary>Number of cell faces between air and wall (each of area h²).</summary>
    public int WallFaces { get; }

    /// <summary>Linear index of cell (i, j, k), x fastest.</summary>
    public int Index(int i, int j, int k) => i + Nx * (j + Ny * k);

    /// <summary>Whether the cell at linear index <paramref name="cell"/> holds air.</summary>
    public bool IsAir(int cell) => (Mask[cell] & AirBit) != 0;

    /// <summary>Centre of cell (i,j,k) in metres.</summary>
    public Vector3 CellCentre(int i, int j, int k) => Origin + new Vector3(i + 0.5f, j + 0.5f, k + 0.5f) * (float)Spacing;

    /// <summary>True when the cell containing <paramref name="point"/> is air.</summary>
    public bool ContainsPoint(Vector3 point)
    {
        var g = (point - Origin) / (float)Spacing;
        int i = (int)MathF.Floor(g.X), j = (int)MathF.Floor(g.Y), k = (int)MathF.Floor(g.Z);
        if (i < 0 || j < 0 || k < 0 || i >= Nx || j >= Ny || k >= Nz) return false;
        return IsAir(Index(i, j, k));
    }

    /// <summary>Trilinear interpolation stencil at <paramref name="point"/> over the 8 surrounding cell centres; weights
    /// of solid cells are dropped and the rest renormalised, so receivers near walls read air pressure only.</summary>
    internal FdtdReceiver ReceiverAt(Vector3 point, string name = "receiver")
    {
        if (!ContainsPoint(point)) throw new ArgumentOutOfRangeException(name, $"{name} {Format(point)} is outside the room's air volume");
        var g = (point - Origin) / (float)Spacing - new Vector3(0.5f);
        int i0 = (int)MathF.Floor(g.X), j0 = (int)MathF.Floor(g.Y), k0 = (int)MathF.Floor(g.Z);
        var f = g - new Vector3(i0, j0, k0);
        var r = new FdtdReceiver();
        float total = 0;
        for (int n = 0; n < 8; n++)
        {
            int di = n & 1, dj = (n >> 1) & 1, dk = (n >> 2) & 1;
            int i = Math.Clamp(i0 + di, 0, Nx - 1), j = Math.Clamp(j0 + dj, 0, Ny - 1), k = Math.Clamp(k0 + dk, 0, Nz - 1);
            int c = Index(i, j, k);
            float w = (di == 1 ? f.X : 1 - f.X) * (dj == 1 ? f.Y : 1 - f.Y) * (dk == 1 ? f.Z : 1 - f.Z);
            if (!IsAir(c)) w = 0;
            r.SetCorner(n, (uint)c, w);
            total += w;
        }
        if (total <= 1e-6f)
        {
            // Only possible on the thin air side of a wall: fall back to the containing cell.
            var gc = (point - Origin) / (float)Spacing;
            int c = Index((int)gc.X, (int)gc.Y, (int)gc.Z);
            r = new FdtdReceiver();
            r.SetCorner(0, (uint)c, 1);
            return r;
        }
        for (int n = 0; n < 8; n++) r.SetCorner(n, r.Cell(n), r.Weight(n) / total);
        return r;
    }

    /// <summary>A point as "(x, y, z) m" for messages.</summary>
    public static string Format(Vector3 p) => FormattableString.Invariant($"({p.X:0.###}, {p.Y:0.###}, {p.Z:0.###}) m");

    /// <inheritdoc/>
    public override string ToString() => $"{Nx}x{Ny}x{Nz} cells of {Spacing * 1000:0.##} mm ({AirCells} air)";
}
