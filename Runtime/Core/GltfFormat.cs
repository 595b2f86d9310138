using System.Numerics;
using SharpGLTF.Schema2;

namespace FieldForge.Core;

/// <summary>glTF 2.0 (.gltf/.glb) reader through SharpGLTF: every triangle primitive of every mesh node, placed by its
/// node's world matrix, merged into one mesh; COLOR_0 and NORMAL are kept when every primitive has them.</summary>
internal static class GltfFormat
{
    /// <summary>Reads every triangle primitive of a glTF or GLB file into one mesh (positions, normals and vertex colors when present).</summary>
    public static TriangleMesh Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"glTF file '{path}' does not exist", path);
        ModelRoot model;
        try { model = ModelRoot.Load(path); }
        catch (Exception e) when (e is not FileNotFoundException) { throw new InvalidDataException($"{path}: not a readable glTF file ({e.Message})", e); }
        var positions = new List<Vector3>(); var normals = new List<Vector3>(); var colours = new List<Vector3>();
        var indices = new List<int>();
        bool allNormals = true, allColours = true;
        foreach (var node in model.LogicalNodes)
        {
            if (node.Mesh is null) continue;
            var world = node.WorldMatrix;
            Matrix4x4.Invert(world, out var inv);
            var normalMatrix = Matrix4x4.Transpose(inv);
            foreach (var prim in node.Mesh.Primitives)
            {
                if (prim.DrawPrimitiveType != PrimitiveType.TRIANGLES) continue;
                var pos = prim.GetVertexAccessor("POSITION")?.AsVector3Array();
                if (pos is null) continue;
                int baseIndex = positions.Count;
                foreach (var p in pos) positions.Add(Vector3.Transform(p, world));
                var nrm = prim.GetVertexAccessor("NORMAL")?.AsVector3Array();
                if (nrm is null) allNormals = false;
                else foreach (var n in nrm) normals.Add(Vector3.Normalize(Vector3.TransformNormal(n, normalMatrix)));
                var col = prim.GetVertexAccessor("COLOR_0")?.AsColorArray();
                if (col is null) allColours = false;
                else foreach (var c in col) colours.Add(new Vector3(c.X, c.Y, c.Z));
                foreach (var (a, b, c) in prim.GetTriangleIndices()) { indices.Add(baseIndex + a); indices.Add(baseIndex + b); indices.Add(baseIndex + c); }
            }
        }
        return new TriangleMesh(positions.ToArray(), indices.ToArray(), allNormals && normals.Count == positions.Count ? normals.ToArray() : null,
            allColours && colours.Count == positions.Count ? colours.ToArray() : null).Validate(path);
    }
}
