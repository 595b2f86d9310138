using System.Numerics;

namespace FieldForge.Core;

/// <summary>
/// An indexed triangle mesh: positions (world units), optional per-vertex normals and RGB colours (0..1), and three
/// indices per triangle, counter-clockwise seen from outside.
/// </summary>
public sealed record TriangleMesh(Vector3[] Positions, int[] Indices, Vector3[]? Normals = null, Vector3[]? Colours = null)
{
    /// <summary>Number of vertices (length of <see cref="Positions"/>).</summary>
    public int VertexCount => Positions.Length;
    /// <summary>Number of triangles (a third of the index count).</summary>
    public int TriangleCount => Indices.Length / 3;

    /// <summary>Checks structure: index count a multiple of 3, indices in range, finite values, matching attribute lengths.
    /// Throws <see cref="InvalidDataException"/> naming what is wrong.</summary>
    public TriangleMesh Validate(string? what = null)
    {
        string name = what ?? "mesh";
        if (Indices.Length % 3 != 0) throw new InvalidDataException($"{name}: index count {Indices.Length} is not a multiple of 3");
        for (int i = 0; i < Positions.Length; i++)
            if (!float.IsFinite(Positions[i].X) || !float.IsFinite(Positions[i].Y) || !float.IsFinite(Positions[i].Z))
                throw new InvalidDataException($"{name}: vertex {i} has a non-finite position {Positions[i]}");
        for (int i = 0; i < Indices.Length; i++)
            if ((uint)Indices[i] >= (uint)Positions.Length)
                throw new InvalidDataException($"{name}: index {Indices[i]} at position {i} is outside 0..{Positions.Length - 1}");
        if (Normals is not null && Normals.Length != Positions.Length) throw new InvalidDataException($"{name}: {Normals.Length} normals for {Positions.Length} vertices");
        if (Colours is not null && Colours.Length != Positions.Length) throw new InvalidDataException($"{name}: {Colours.Length} colours for {Positions.Length} vertices");
        return this;
    }

    /// <summary>Enclosed volume (divergence theorem; exact for a closed, consistently oriented mesh).</summary>
    public double Volume()
    {
        double v = 0;
        for (int t = 0; t < Indices.Length; t += 3)
            v += Vector3.Dot(Positions[Indices[t]], Vector3.Cross(Positions[Indices[t + 1]], Positions[Indices[t + 2]]));
        return v / 6.0;
    }

    /// <summary>Total surface area.</summary>
    public double Area()
    {
        double a = 0;
        for (int t = 0; t < Indices.Length; t += 3)
        {
            var p0 = Positions[Indices[t]];
            a += Vector3.Cross(Positions[Indices[t + 1]] - p0, Positions[Indices[t + 2]] - p0).Length();
        }
        return a / 2.0;
    }

    /// <summary>Area-weighted vertex normals (what meshes without normals get).</summary>
    public Vector3[] ComputeNormals()
    {
        var n = new Vector3[Positions.Length];
        for (int t = 0; t < Indices.Length; t += 3)
        {
            int a = Indices[t], b = Indices[t + 1], c = Indices[t + 2];
            var f = Vector3.Cross(Positions[b] - Positions[a], Positions[c] - Positions[a]);
            n[a] += f; n[b] += f; n[c] += f;
        }
        for (int i = 0; i < n.Length; i++) n[i] = n[i].LengthSquared() > 0 ? Vector3.Normalize(n[i]) : Vector3.UnitZ;
        return n;
    }
}
