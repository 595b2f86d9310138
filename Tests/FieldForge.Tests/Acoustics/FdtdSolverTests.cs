using System.Numerics;
using System.Runtime.CompilerServices;
using FieldForge.Acoustics;

namespace FieldForge.Tests.Acoustics;

public sealed class FdtdSolverTests : GpuTest
{
    // h = 343 / (1000 * 17.15) = 0.02 m; sigma = 0.2 m = 10 cells.
    private static readonly FdtdSettings TenCellsPerSigma = new() { MaxFrequencyHz = 1000, PointsPerWavelength = 17.15, SigmaMetres = 0.2 };

    [Test]
    public void Simulate_RigidShoebox_MatchesMethodOfImagesWithin3Percent()
    {
        var size = new Vector3(1.6f, 1.4f, 1.2f);
        var room = Room.Box(size.X, size.Y, size.Z);
        var source = new Vector3(0.6f, 0.6f, 0.6f);   // >= 3 sigma from every wall
        var receiver = new Vector3(1.1f, 0.9f, 0.75f);
        using var solver = new FdtdSolver(Gpu, room, TenCellsPerSigma);
        Assert.That(solver.Grid.Nx * solver.Grid.Spacing, Is.EqualTo(size.X).Within(1e-6), "walls must sit on cell faces");
        var rec = solver.Simulate(source, new[] { receiver }, durationSeconds: 0.006);
        var p = rec.Series(0);
        double err = 0, norm = 0;
        for (int n = 0; n < p.Length; n++)
        {
            double exact = ShoeboxSolution.Pressure(size, source, receiver, n * rec.OutputInterval, 343, 0.2, 1);
            err += (p[n] - exact) * (p[n] - exact);
            norm += exact * exact;
        }
        double relRms = Math.Sqrt(err / norm);
        TestContext.Out.WriteLine($"{p.Length} samples, relative RMS error {relRms:P2}");
        Assert.That(relRms, Is.LessThan(0.03));
    }

    [Test]
    public void Advance_RigidLShape_DiscreteEnergyIsConserved()
    {
        var room = Room.LShape(0.6, 0.5, 0.3, 0.35, 0.25);
        var settings = new FdtdSettings { MaxFrequencyHz = 1000, PointsPerWavelength = 17.15, SigmaMetres = 0.06 };
        using var solver = new FdtdSolver(Gpu, room, settings);
        var energies = EnergyHistory(solver, new Vector3(0.2f, 0.2f, 0.15f), steps: 80, out _);
        double e0 = energies[0];
        double worst = energies.Max(e => Math.Abs(e - e0)) / e0;
        TestContext.Out.WriteLine($"E0 {e0:G6}, worst relative drift {worst:E2}");
        // float32 fields: rounding of ~10^4 cell updates per step random-walks at ~1e-7 per step.
        Assert.That(worst, Is.LessThan(1e-5));
    }

    [Test]
    public void Advance_ImpedanceWalls_LoseEnergyAtTheWallPowerRate()
    {
        var room = Room.Box(0.4, 0.3, 0.3).WithWalls(WallSpec.FromReflection(0.6));
        var settings = new FdtdSettings { MaxFrequencyHz = 1000, PointsPerWavelength = 17.15, SigmaMetres = 0.05 };
        using var solver = new FdtdSolver(Gpu, room, settings);
        var energies = EnergyHistory(solver, new Vector3(0.15f, 0.12f, 0.16f), steps: 80, out var losses);
        // Discrete power balance (see EnergyHistory): the walls absorb at the rate a wall of impedance Z has.
        double worst = 0;
        for (int n = 0; n + 1 < energies.Count; n++)
            worst = Math.Max(worst, Math.Abs(energies[n + 1] - energies[n] + losses[n]) / energies[0]);
        double lost = 1 - energies[^1] / energies[0];
        TestContext.Out.WriteLine($"energy lost over 80 steps {lost:P1}, worst balance error {worst:E2} of E0");
        Assert.That(lost, Is.GreaterThan(0.05), "the pulse reaches the walls within 80 steps and must lose energy there");
        Assert.That(worst, Is.LessThan(1e-5));
    }

    [Test]
    public void Advance_GpuAndCpuReference_AgreeOnLShapeWithImpedanceWalls()
    {
        var room = Room.LShape(0.5, 0.4, 0.3, 0.3, 0.2).WithWalls(WallSpec.FromImpedance(1500));
        var settings = new FdtdSettings { MaxFrequencyHz = 1000, PointsPerWavelength = 17.15, SigmaMetres = 0.05 };
        var source = new Vector3(0.15f, 0.12f, 0.1f);
        using var gpu = new FdtdSolver(Gpu, room, settings);
        var (cpu, scale) = AssertAdvanceMatchesReference(gpu, room, settings, source, 45);
        var receiver = new Vector3(0.4f, 0.1f, 0.2f);
        var rec = gpu.Simulate(source, new[] { receiver }, 45 * gpu.TimeStep);
        Assert.That(rec.Outputs, Is.EqualTo(46));
        Assert.That(rec.Series(0)[^1], Is.EqualTo(cpu.Sample(receiver)).Within(1e-5f * scale));
    }

    [Test]
    public void Advance_GpuAndCpuReference_AgreeWhereInteriorColumnsAreCutAndBlocked()
    {
        // A tall part and a low part: interior runs along z are cut at every column length and where the low part's
        // ceiling ends them; odd cell counts leave interior groups no whole block covers.
        var room = Room.Union(new[]
        {
            (Vector3.Zero, new Vector3(0.3f, 0.26f, 0.9f)),
            (Vector3.Zero, new Vector3(0.62f, 0.18f, 0.42f)),
        }).WithWalls(WallSpec.FromImpedance(1500));
        var settings = new FdtdSettings { MaxFrequencyHz = 1000, PointsPerWavelength = 17.15, SigmaMetres = 0.05 };
        var source = new Vector3(0.2f, 0.1f, 0.3f);
        using var gpu = new FdtdSolver(Gpu, room, settings);
        int air = Enumerable.Range(0, gpu.Grid.CellCount).Count(gpu.Grid.IsAir);
        Assert.That(gpu.InteriorCells + gpu.BoundaryCells, Is.EqualTo(air), "every air cell is updated by exactly one list");
        Assert.That(gpu.Grid.Nz, Is.GreaterThan(2 * FdtdSolver.ColumnLength), "the room must be tall enough to cut columns");
        AssertAdvanceMatchesReference(gpu, room, settings, source, 45);
    }

    /// <summary>Advances the solver and the CPU reference <paramref name="steps"/> steps from the same pulse and asserts
    /// every cell agrees: the same float operations in the same order, so only FMA contraction may differ (a few ulps per
    /// step). Returns the reference and the field's scale for further checks.</summary>
    private static (FdtdReference Cpu, float Scale) AssertAdvanceMatchesReference(FdtdSolver gpu, Room room, FdtdSettings settings, Vector3 source, int steps)
    {
        var cpu = new FdtdReference(gpu.Grid, settings, room.Walls);
        gpu.Initialize(source);
        cpu.Initialize(source);
        gpu.Advance(steps);
        cpu.Advance(steps);
        var pg = gpu.DownloadPressure();
        float scale = cpu.Pressure.Max(MathF.Abs), worst = 0;
        for (int i = 0; i < pg.Length; i++) worst = Math.Max(worst, MathF.Abs(pg[i] - cpu.Pressure[i]));
        Assert.That(worst, Is.LessThan(1e-5f * scale));
        return (cpu, scale);
    }

    [Test]
    public void Simulate_ReceiverGridAtOutputRate_RecordsEveryNthStep()
    {
        var room = Room.Box(0.3, 0.3, 0.3);
        var settings = new FdtdSettings { MaxFrequencyHz = 1000, PointsPerWavelength = 17.15, SigmaMetres = 0.05, StepsPerBatch = 7 };
        using var solver = new FdtdSolver(Gpu, room, settings);
        var receivers = new[] { solver.Grid.CellCentre(3, 4, 5), new Vector3(0.2f, 0.1f, 0.15f) };
        var source = new Vector3(0.15f, 0.15f, 0.15f);
        var rec = solver.Simulate(source, receivers, 20 * solver.TimeStep, outputEvery: 4);
        Assert.That(rec.Outputs, Is.EqualTo(6));
        Assert.That(rec.OutputInterval, Is.EqualTo(4 * solver.TimeStep).Within(1e-12));
        var cpu = new FdtdReference(solver.Grid, settings, room.Walls);
        cpu.Initialize(source);
        Assert.That(rec.Series(0)[0], Is.EqualTo(cpu.Pressure[solver.Grid.Index(3, 4, 5)]).Within(1e-6), "t = 0 row is the initial pulse");
        cpu.Advance(20);
        Assert.That(rec.Series(0)[5], Is.EqualTo(cpu.Pressure[solver.Grid.Index(3, 4, 5)]).Within(1e-5));
        Assert.That(rec.Series(1)[5], Is.EqualTo(cpu.Sample(receivers[1])).Within(1e-5));
    }

    [Test]
    public void Constructor_FmaxTooHighForMemory_ThrowsBeforeAllocating()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new FdtdSolver(Gpu, Room.Box(4, 3, 2.5), new FdtdSettings { MaxFrequencyHz = 20000 }));
        Assert.That(ex!.Message, Does.Contain("fmax 20000 Hz").And.Contain("limit"));
    }

    [Test]
    public void Initialize_SourceOutsideRoom_ThrowsNamingTheSource()
    {
        using var solver = new FdtdSolver(Gpu, Room.LShape(0.5, 0.4, 0.3, 0.3, 0.2), new FdtdSettings { MaxFrequencyHz = 1000, PointsPerWavelength = 10 });
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => solver.Initialize(new Vector3(0.45f, 0.35f, 0.1f)));
        Assert.That(ex!.Message, Does.Contain("source (0.45, 0.35, 0.1) m is outside the room"));
    }

    // The two-array scheme's discrete energy between steps n and n+1 (rigid walls conserve it exactly):
    //   E^{n+1/2} = 1/2 sum_c (p^{n+1} - p^n)^2 + 1/2 lambda^2 sum_{air faces} (grad p^{n+1}) (grad p^n),
    // and with impedance walls (a_c = lambda beta / 2 per wall face of cell c, (1 + a) p^{n+1} = 2 p^n + lambda^2 lap p^n
    // - (1 - a) p^{n-1}) E^{n+1/2} - E^{n-1/2} = -1/2 sum_c a_c (p^{n+1} - p^{n-1})^2: the wall absorbs (dp/dt)^2 / Z.
    // Returns E^{1/2} .. E^{steps-1/2} and the loss predicted for each step between them.
    private static List<double> EnergyHistory(FdtdSolver solver, Vector3 source, int steps, out List<double> losses)
    {
        solver.Initialize(source);
        var grid = solver.Grid;
        double lambda2 = solver.Settings.CourantNumber * solver.Settings.CourantNumber;
        double lossCoeff = solver.Settings.CourantNumber * solver.Room.Walls.Beta / 2;
        var fields = new List<float[]> { solver.DownloadPressure() };
        for (int n = 1; n <= steps; n++)
        {
            solver.Advance(1);
            fields.Add(solver.DownloadPressure());
        }
        var energies = new List<double>();
        losses = new List<double>();
        int sx = grid.Nx, sy = grid.Nx * grid.Ny;
        for (int m = 0; m + 1 < fields.Count; m++)
        {
            float[] now = fields[m], next = fields[m + 1];
            double e = 0;
            for (int c = 0; c < now.Length; c++)
            {
                double d = next[c] - (double)now[c];
                e += 0.5 * d * d;
                uint mask = grid.Mask[c];
                if ((mask & 4) != 0) e += 0.5 * lambda2 * ((double)next[c + 1] - next[c]) * ((double)now[c + 1] - now[c]);
                if ((mask & 16) != 0) e += 0.5 * lambda2 * ((double)next[c + sx] - next[c]) * ((double)now[c + sx] - now[c]);
                if ((mask & 64) != 0) e += 0.5 * lambda2 * ((double)next[c + sy] - next[c]) * ((double)now[c + sy] - now[c]);
            }
            energies.Add(e);
            if (m + 2 < fields.Count)
            {
                double loss = 0;
                float[] after = fields[m + 2];
                for (int c = 0; c < now.Length; c++)
                {
                    if (!grid.IsAir(c)) continue;
                    double d = after[c] - (double)now[c];
                    loss += 0.5 * lossCoeff * WallFaces(grid, c) * d * d;
                }
                losses.Add(loss);
            }
        }
        return energies;
    }

    private static int WallFaces(RoomGrid grid, int cell) => 6 - System.Numerics.BitOperations.PopCount(grid.Mask[cell] >> 1);
}
