using System.Text;

namespace FieldForge.Core;

/// <summary>Binary little-endian PLY writer (positions, normals, uchar colours, triangle faces).</summary>
internal static class PlyFormat
{
    /// <summary>Writes the mesh as a binary little-endian PLY file with per-vertex colors, which most mesh viewers display;
    /// atomically, so a failed write leaves an existing file as it was.</summary>
    public static void Write(string path, TriangleMesh mesh) => AtomicFile.Write(path, stream => Write(stream, mesh));

    /// <summary>Writes the PLY bytes to <paramref name="stream"/> (left open).</summary>
    public static void Write(Stream stream, TriangleMesh mesh)
    {
        var header = new StringBuilder()
            .Append("ply\nformat binary_little_endian 1.0\ncomment FieldForge\n")
            .Append($"element vertex {mesh.VertexCount}\nproperty float x\nproperty float y\nproperty float z\n");
        if (mesh.Normals is not null) header.Append("property float nx\nproperty float ny\nproperty float nz\n");
        if (mesh.Colours is not null) header.Append("property uchar red\nproperty uchar green\nproperty uchar blue\n");
        header.Append($"element face {mesh.TriangleCount}\nproperty list uchar int vertex_indices\nend_header\n");
        stream.Write(Encoding.ASCII.GetBytes(header.ToString()));
        using var w = new BinaryWriter(stream, Encoding.ASCII, leaveOpen: true);
        for (int i = 0; i < mesh.VertexCount; i++)
        {
            var p = mesh.Positions[i];
            w.Write(p.X); w.Write(p.Y); w.Write(p.Z);
            if (mesh.Normals is { } n) { w.Write(n[i].X); w.Write(n[i].Y); w.Write(n[i].Z); }
            if (mesh.Colours is { } c)
            {
                w.Write((byte)Math.Round(Math.Clamp(c[i].X, 0, 1) * 255));
                w.Write((byte)Math.Round(Math.Clamp(c[i].Y, 0, 1) * 255));
                w.Write((byte)Math.Round(Math.Clamp(c[i].Z, 0, 1) * 255));
            }
        }
        for (int t = 0; t < mesh.Indices.Length; t += 3)
        {
            w.Write((byte)3); w.Write(mesh.Indices[t]); w.Write(mesh.Indices[t + 1]); w.Write(mesh.Indices[t + 2]);
        }
    }
}
