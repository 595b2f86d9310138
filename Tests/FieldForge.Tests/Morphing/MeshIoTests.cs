using System.Numerics;
using System.Text;
using FieldForge.Core;

namespace FieldForge.Tests.Morphing;

public sealed class MeshIoTests
{
    private string _dir = null!;

    [SetUp] public void CreateDir() => _dir = Directory.CreateTempSubdirectory("ff-mesh-io").FullName;
    [TearDown] public void DeleteDir() => Directory.Delete(_dir, true);

    [Test]
    public void Obj_WriteThenRead_RoundTripsPositionsColoursNormals()
    {
        var cube = TestMeshes.Cube(0.5f);
        cube = cube with { Normals = cube.ComputeNormals() };
        var path = Path.Combine(_dir, "cube.obj");
        ObjFormat.Write(path, cube);
        Assert.That(File.ReadLines(path).First(l => l.StartsWith("v ")).Split(' ').Length, Is.EqualTo(7), "colours as v x y z r g b");
        var back = ObjFormat.Read(path);
        Assert.That(back.Indices, Is.EqualTo(cube.Indices));
        for (int i = 0; i < cube.VertexCount; i++)
        {
            Assert.That(Vector3.Distance(back.Positions[i], cube.Positions[i]), Is.LessThan(1e-6f));
            Assert.That(Vector3.Distance(back.Colours![i], cube.Colours![i]), Is.LessThan(1e-3f));
            Assert.That(Vector3.Distance(back.Normals![i], cube.Normals[i]), Is.LessThan(1e-4f));
        }
        Assert.That(back.Volume(), Is.EqualTo(1.0).Within(1e-6));
    }

    [Test]
    public void Obj_QuadsAndNegativeIndices_AreTriangulated()
    {
        var mesh = ObjFormat.Read(new StringReader("v 0 0 0\nv 1 0 0\nv 1 1 0\nv 0 1 0\nf -4 -3 -2 -1\n"));
        Assert.That(mesh.Indices, Is.EqualTo(new[] { 0, 1, 2, 0, 2, 3 }));
        Assert.That(mesh.Colours, Is.Null);
    }

    [TestCase("v 0 0 x\n", "'x' is not a number")]
    [TestCase("v 0 0 0\nf 1 2 3\n", "vertex reference 2 is outside 1..1")]
    [TestCase("v 0 0\n", "vertex needs 3 coordinates")]
    public void Obj_Corrupt_IsRejectedWithLine(string text, string message)
    {
        var e = Assert.Throws<InvalidDataException>(() => ObjFormat.Read(new StringReader(text), "bad.obj"));
        Assert.That(e!.Message, Does.Contain(message).And.Contain("bad.obj:"));
    }

    [Test]
    public void Ply_Write_HasHeaderAndBinaryBody()
    {
        var cube = TestMeshes.Cube(0.5f);
        var path = Path.Combine(_dir, "cube.ply");
        PlyFormat.Write(path, cube);
        var bytes = File.ReadAllBytes(path);
        var text = Encoding.ASCII.GetString(bytes);
        int end = text.IndexOf("end_header\n", StringComparison.Ordinal) + "end_header\n".Length;
        Assert.That(text, Does.StartWith("ply\nformat binary_little_endian 1.0"));
        Assert.That(text[..end], Does.Contain("element vertex 8").And.Contain("element face 12").And.Contain("property uchar red"));
        Assert.That(bytes.Length - end, Is.EqualTo(8 * (12 + 3) + 12 * 13));
    }

    [Test]
    public void Gltf_Read_PlacesNodeAndKeepsColours()
    {
        var cube = TestMeshes.Cube(0.5f);
        var data = new List<byte>();
        foreach (var p in cube.Positions) { data.AddRange(BitConverter.GetBytes(p.X)); data.AddRange(BitConverter.GetBytes(p.Y)); data.AddRange(BitConverter.GetBytes(p.Z)); }
        foreach (var c in cube.Colours!) { data.AddRange(BitConverter.GetBytes(c.X)); data.AddRange(BitConverter.GetBytes(c.Y)); data.AddRange(BitConverter.GetBytes(c.Z)); }
        foreach (var i in cube.Indices) data.AddRange(BitConverter.GetBytes((uint)i));
        string json = $$"""
        {"asset":{"version":"2.0"},"scene":0,"scenes":[{"nodes":[0]}],
         "nodes":[{"mesh":0,"translation":[2,0,0]}],
         "meshes":[{"primitives":[{"attributes":{"POSITION":0,"COLOR_0":1},"indices":2,"mode":4}]}],
         "buffers":[{"byteLength":{{data.Count}},"uri":"data:application/octet-stream;base64,{{Convert.ToBase64String(data.ToArray())}}"}],
         "bufferViews":[{"buffer":0,"byteOffset":0,"byteLength":96,"target":34962},{"buffer":0,"byteOffset":96,"byteLength":96,"target":34962},
                        {"buffer":0,"byteOffset":192,"byteLength":144,"target":34963}],
         "accessors":[{"bufferView":0,"componentType":5126,"count":8,"type":"VEC3","min":[-0.5,-0.5,-0.5],"max":[0.5,0.5,0.5]},
                      {"bufferView":1,"componentType":5126,"count":8,"type":"VEC3"},
                      {"bufferView":2,"componentType":5125,"count":36,"type":"SCALAR"}]}
        """;
        var path = Path.Combine(_dir, "cube.gltf");
        File.WriteAllText(path, json);
        var mesh = MeshFile.Read(path);
        Assert.That(mesh.TriangleCount, Is.EqualTo(12));
        Assert.That(mesh.Volume(), Is.EqualTo(1.0).Within(1e-5));
        Assert.That(Bounds(mesh).Min.X, Is.EqualTo(1.5f).Within(1e-6f), "node translation applied");
        Assert.That(mesh.Colours, Is.Not.Null);
        Assert.That(MeshTopology.FindClosedSurfaceProblem(mesh), Is.Null);
    }

    private static FieldForge.Core.Bounds Bounds(TriangleMesh m) => FieldForge.Core.Bounds.Of(m.Positions);

    [Test]
    public void MeshFile_UnknownExtension_IsRejected()
    {
        var path = Path.Combine(_dir, "x.stl");
        File.WriteAllText(path, "solid");
        Assert.That(Assert.Throws<InvalidDataException>(() => MeshFile.Read(path))!.Message, Does.Contain("unsupported mesh format '.stl'"));
    }
}
