namespace FieldForge.Acoustics;

/// <summary>
/// The room a grid actually simulates: walls lie on cell faces, so each wall moves to the nearest face the voxelisation
/// picks (a cell is air when its centre is inside). <see cref="EffectiveRoom"/> names that room; a wall that moved more
/// than a quarter cell changes the modes noticeably, and <see cref="Warning"/> says so.
/// </summary>
/// <param name="Requested">The room as specified, e.g. <c>box:4x3x2.5</c>.</param>
/// <param name="EffectiveRoom">The snapped room, e.g. <c>box:3.987x3.001x2.487</c> (boxes), or the snapped bounding box.</param>
/// <param name="Spacing">Cell size, metres.</param>
/// <param name="MaxWallShift">Largest distance a wall moved, metres.</param>
/// <param name="WorstWall">Which wall moved most, e.g. <c>x = 4 m -> 3.987 m</c>.</param>
public sealed record RoomSnapping(string Requested, string EffectiveRoom, double Spacing, double MaxWallShift, string WorstWall)
{
    /// <summary>True when some wall moved by more than a quarter of a cell.</summary>
    public bool MovesWallsMoreThanQuarterCell => MaxWallShift > Spacing / 4 + 1e-9;

    /// <summary>A one-line warning when a wall moved more than a quarter cell, otherwise null.</summary>
    public string? Warning => MovesWallsMoreThanQuarterCell
        ? FormattableString.Invariant($"the grid moves a wall by {MaxWallShift * 1000:0.#} mm ({MaxWallShift / Spacing:0.00} cells, more than a quarter cell): {WorstWall}; the solver simulates {EffectiveRoom}. Refine the grid (higher fmax or points per wavelength) or choose room sizes that are multiples of {Spacing * 1000:0.##} mm")
        : null;

    /// <summary>The simulated room and the largest wall shift, for CLI output and IR headers.</summary>
    public override string ToString() =>
        FormattableString.Invariant($"{EffectiveRoom} (walls moved by at most {MaxWallShift * 1000:0.#} mm = {MaxWallShift / Spacing:0.00} cells)");
}
