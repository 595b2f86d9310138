using System.Numerics;
using FieldForge.Acoustics;

namespace FieldForge.Tests.Acoustics;

/// <summary>Rooms from closed OBJ meshes with furniture and materials (the sample rooms in Runtime/Acoustics/Rooms).</summary>
public sealed class MeshRoomTests : GpuTest
{
    private static string RoomFile(string name)
    {
        for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "Runtime", "Acoustics", "Rooms", name);
            if (File.Exists(path)) return path;
        }
        throw new FileNotFoundException($"sample room {name} not found above {TestContext.CurrentContext.TestDirectory}");
    }

    [Test]
    public void Materials_FurnishedRoom_AreasAndMeanAdmittanceFollowTheUsemtlSurfaces()
    {
        var room = Room.FromObjFile(RoomFile("furnished_room.obj"));
        var m = room.Materials();
        Assert.That(m.Areas["carpet"], Is.EqualTo(4 * 3).Within(1e-4), "the floor");
        Assert.That(m.Areas["glass"], Is.EqualTo(1.5 * 2.5).Within(1e-4), "the window half of the x = 4 wall");
        Assert.That(m.Areas["plaster"], Is.EqualTo(4 * 3 + 2 * 4 * 2.5 + 3 * 2.5 + 1.5 * 2.5).Within(1e-4), "ceiling and walls");
        Assert.That(m.Reflection["fabric"], Is.EqualTo(0.6));
        double area = m.Areas.Values.Sum(), beta = m.Areas.Sum(p => p.Value * (1 - m.Reflection[p.Key]) / (1 + m.Reflection[p.Key]));
        var wall = room.WithWalls("materials").Walls;
        Assert.That(wall.Beta, Is.EqualTo(beta / area).Within(1e-12));
        Assert.That(wall.Description, Does.Contain("carpet 12 m² R=0.6"));
        // Overrides: a name=R pair replaces the table entry it matches first.
        Assert.That(room.WithWalls("materials:carpet=1,fabric=1,wood=1,glass=1,plaster=1").Walls.Beta, Is.EqualTo(0));
        Assert.That(Assert.Throws<FormatException>(() => Room.Parse("box:2x2x2").WithWalls("materials"))!.Message, Does.Contain("room read from OBJ"));
        var unknown = Room.FromObjText(File.ReadAllText(RoomFile("furnished_room.obj")).Replace("usemtl glass", "usemtl unobtainium"), "x.obj");
        Assert.That(Assert.Throws<FormatException>(() => unknown.WithWalls("materials"))!.Message, Does.Contain("material 'unobtainium' is not known"));
        Assert.That(unknown.WithWalls("materials:unobtainium=0.5").Walls.Beta, Is.GreaterThan(wall.Beta));
    }

    [Test]
    public void Voxelize_FurnishedRoom_FurnitureIsSolidAndTheSpaceUnderTheTableIsAir()
    {
        var grid = Room.FromObjFile(RoomFile("furnished_room.obj")).Voxelize(0.05);
        Assert.That(grid.ContainsPoint(new Vector3(2.0f, 1.1f, 0.7f)), Is.False, "table top");
        Assert.That(grid.ContainsPoint(new Vector3(2.0f, 1.1f, 0.3f)), Is.True, "under the table");
        Assert.That(grid.ContainsPoint(new Vector3(1.0f, 2.5f, 0.2f)), Is.False, "sofa seat");
        Assert.That(grid.ContainsPoint(new Vector3(0.2f, 0.7f, 1.0f)), Is.False, "bookshelf");
        Assert.That(grid.ContainsPoint(new Vector3(3.0f, 1.0f, 1.5f)), Is.True, "open air");
        double furniture = 2.0 * 0.9 * 0.45 + 2.0 * 0.25 * 0.45 + 1.2 * 0.8 * 0.13 + 4 * 0.12 * 0.12 * 0.65 + 0.38 * 1.1 * 2.0;
        double solid = (4 * 3 * 2.5 - grid.AirCells * Math.Pow(0.05, 3));
        Assert.That(solid, Is.EqualTo(furniture).Within(0.15 * furniture), "voxelised furniture volume (m³) within 15 % at 5 cm cells");
        var l = Room.FromObjFile(RoomFile("lshape_room.obj"));
        Assert.That(l.Contains(new Vector3(4, 3, 1)), Is.False, "the L's cut-away corner");
        Assert.That(l.Contains(new Vector3(1, 3, 1)) && l.Contains(new Vector3(4, 1.5f, 1)), Is.True, "both arms");
    }

    [Test]
    public void Surrogate_SmallFurnishedRoomWithMaterials_HeldOutRmseUnder002Pa()
    {
        var spec = new SoundFieldDatasetSpec
        {
            Room = "obj:" + RoomFile("small_furnished_room.obj"), Walls = "materials", MaxFrequencyHz = 400,
            SourceMin = [0.2, 0.2, 0.3], SourceMax = [1.4, 1.0, 0.7], SourceCount = 160, ReceiverSpacing = 0.2, DurationSeconds = 0.01,
        };
        var settings = new SurrogateSettings { Modes = 24, FinestResolution = 3, Width = 32, HiddenLayers = 2, Steps = 600 };
        var dir = Path.Combine(Path.GetTempPath(), $"ff-meshroom-{Guid.NewGuid():N}");
        try
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            SoundFieldDataset.Bake(Gpu, dir, spec);
            var data = SoundFieldDataset.Load(dir);
            double bake = clock.Elapsed.TotalSeconds;
            clock.Restart();
            using var model = SoundFieldSurrogate.Train(Gpu, data, settings, Enumerable.Range(0, 140).ToArray());
            double train = clock.Elapsed.TotalSeconds;
            var (rmse, rms) = model.MeasureError(data, Enumerable.Range(140, 20));
            TestContext.Out.WriteLine($"{spec.BuildRoom()}: {data.Receivers.Length} receivers x {data.Outputs} times; bake {bake:F1} s, train {train:F1} s, held-out RMSE {rmse:F4} Pa ({rmse / rms:P1} of RMS {rms:F4} Pa)");
            // The bar for realistic rooms: held-out RMSE at most 0.02 Pa at a 1 Pa source (measured 0.013 Pa).
            Assert.That(rmse, Is.LessThanOrEqualTo(0.02));
            // The prediction at a listener under the table matches the solver at a held-out source.
            var listener = new Vector3(0.8f, 0.44f, 0.12f);
            using var solver = new FdtdSolver(Gpu, spec.BuildRoom(), spec.Settings);
            var truth = solver.Simulate(data.Sources[150], new[] { listener }, spec.DurationSeconds, spec.OutputEvery).Series(0);
            var predicted = model.PredictImpulseResponse(data.Sources[150], listener).Samples;
            double err = Math.Sqrt(truth.Zip(predicted, (a, b) => (double)(a - b) * (a - b)).Average());
            Assert.That(err, Is.LessThan(0.04), "IR under the table, RMSE in Pa (trilinear over the 0.2 m receiver grid adds to the model error)");
        }
        finally { if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true); }
    }
}
