using System.Numerics;
using FieldForge.Acoustics;

namespace FieldForge.Tests.Acoustics;

public sealed class RoomTests
{
    private const string CubeObj = """
        v 0 0 0
        v 1 0 0
        v 1 1 0
        v 0 1 0
        v 0 0 1
        v 1 0 1
        v 1 1 1
        v 0 1 1
        f 1 3 2
        f 1 4 3
        f 5 6 7
        f 5 7 8
        f 1 2 6
        f 1 6 5
        f 2 3 7
        f 2 7 6
        f 3 4 8
        f 3 8 7
        f 4 1 5
        f 4 5 8
        """;

    [Test]
    public void Parse_Box_SpansOriginToSize()
    {
        var room = Room.Parse("box:4x3x2.5");
        Assert.That(room.Min, Is.EqualTo(Vector3.Zero));
        Assert.That(room.Max, Is.EqualTo(new Vector3(4, 3, 2.5f)));
        Assert.That(room.Contains(new Vector3(3.9f, 2.9f, 2.4f)), Is.True);
        Assert.That(room.Contains(new Vector3(4.1f, 1, 1)), Is.False);
    }

    [TestCase("box:4x3", "one number or three")]
    [TestCase("box:4xAx2", "'A' is not a finite number")]
    [TestCase("box:4x-3x2", "must be > 0")]
    [TestCase("box:4x3x2,depth=1", "unknown parameter 'depth'")]
    [TestCase("sphere:2", "unknown kind 'sphere'")]
    [TestCase("4x3x2", "needs a kind prefix")]
    [TestCase("lshape:4x3x2,cut=5x1", "must lie inside")]
    [TestCase("lshape:4x3x2,5,1", "missing parameter cut")]
    public void Parse_MalformedSpec_ThrowsFormatExceptionSayingWhy(string spec, string why)
    {
        var ex = Assert.Throws<FormatException>(() => Room.Parse(spec));
        Assert.That(ex!.Message, Does.Contain(why).And.Contain(spec));
    }

    [Test]
    public void Voxelize_LShape_CutCornerIsSolid()
    {
        var grid = Room.Parse("lshape:1x1x0.5,cut=0.6x0.4").Voxelize(0.1);
        Assert.That((grid.Nx, grid.Ny, grid.Nz), Is.EqualTo((10, 10, 5)));
        Assert.That(grid.AirCells, Is.EqualTo(100 * 5 - 4 * 6 * 5));
        Assert.That(grid.ContainsPoint(new Vector3(0.9f, 0.9f, 0.2f)), Is.False);
        Assert.That(grid.ContainsPoint(new Vector3(0.9f, 0.3f, 0.2f)), Is.True);
    }

    [Test]
    public void Voxelize_ClosedObjCube_MatchesTheEquivalentBox()
    {
        var mesh = Room.FromObjText(CubeObj, "cube").Voxelize(0.1);
        var box = Room.Box(1, 1, 1).Voxelize(0.1);
        Assert.That(mesh.AirCells, Is.EqualTo(box.AirCells).And.EqualTo(1000));
        Assert.That(mesh.Mask, Is.EqualTo(box.Mask));
    }

    [Test]
    public void FromObjText_OpenOrBrokenMesh_IsRejected()
    {
        Assert.That(Assert.Throws<InvalidDataException>(() => Room.FromObjText("v 0 0 0\nf 1 2 3\n", "bad.obj"))!.Message,
            Does.Contain("bad.obj:2: vertex reference 2 is outside 1..1"));
        Assert.That(Assert.Throws<InvalidDataException>(() => Room.FromObjText("v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\n", "tri.obj"))!.Message,
            Does.Contain("at least 4 triangles"));
    }

    [TestCase("rigid", 0.0)]
    [TestCase("R=0.5", 1.0 / 3.0)]
    [TestCase("Z=411.6", 1.0)]
    public void WallSpecParse_GivesAdmittance(string text, double beta) =>
        Assert.That(WallSpec.Parse(text).Beta, Is.EqualTo(beta).Within(1e-9));

    [Test]
    public void WallSpecParse_Garbage_Throws() =>
        Assert.That(Assert.Throws<FormatException>(() => WallSpec.Parse("soft"))!.Message, Does.Contain("'soft' is not 'rigid'"));

    [Test]
    public void Snap_BoxNotAMultipleOfTheCell_ReportsTheSimulatedRoomAndWarns()
    {
        var room = Room.Parse("box:4x3x2.5");
        double h = new FdtdSettings { MaxFrequencyHz = 500, PointsPerWavelength = 16 }.Spacing; // 42.875 mm
        var snap = room.Snap(h);
        var grid = room.Voxelize(h);
        // 93 x 70 x 58 cells: the walls the solver simulates are the grid's outer faces.
        Assert.That(snap.EffectiveRoom, Is.EqualTo("box:3.987x3.001x2.487"));
        Assert.That(grid.Nx * h, Is.EqualTo(3.987).Within(5e-4));
        Assert.That(snap.MaxWallShift, Is.EqualTo(2.5 - 58 * h).Within(1e-6), "z = 2.5 m moves most (0.31 cells)");
        Assert.That(snap.Warning, Does.Contain("more than a quarter cell").And.Contain("z = 2.5 m -> 2.487 m"));
    }

    [Test]
    public void Snap_WallsOnCellFaces_NoWarning()
    {
        var snap = Room.LShape(0.6, 0.5, 0.3, 0.35, 0.25).Snap(0.025);
        Assert.That(snap.MaxWallShift, Is.LessThan(1e-6));
        Assert.That(snap.Warning, Is.Null);
        Assert.That(snap.EffectiveRoom, Does.StartWith("union:"));
    }

    [Test]
    public void Snap_WallBetweenFaces_MovesToTheFaceVoxelisationUses()
    {
        // An L-shape whose inner walls sit 0.4 cells past a face: cells whose centres are inside stay air, so the cut at
        // x = 0.31 snaps to 0.3 (0.4 cells) and the warning names it.
        var room = Room.LShape(0.6, 0.5, 0.3, 0.31, 0.25);
        var snap = room.Snap(0.025);
        Assert.That(snap.MaxWallShift, Is.EqualTo(0.01).Within(1e-6));
        Assert.That(snap.Warning, Does.Contain("x = 0.31 m -> 0.3 m"));
        var grid = room.Voxelize(0.025);
        Assert.That(grid.IsAir(grid.Index(11, 15, 0)), Is.True, "cell centred at x = 0.2875 is inside the cut");
        Assert.That(grid.IsAir(grid.Index(12, 15, 0)), Is.False, "cell centred at x = 0.3125 is past the snapped wall");
    }
}
