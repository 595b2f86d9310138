using System.Globalization;
using System.Numerics;

namespace FieldForge.Acoustics;

/// <summary>A closed triangle mesh read from Wavefront OBJ (only <c>v</c> and <c>f</c> lines matter), used as a room.</summary>
internal sealed class ObjMesh
{
    public ObjMesh(Vector3[] vertices, int[] triangles)
    {
        Vertices = vertices;
        Triangles = triangles;
        Min = new Vector3(float.MaxValue);
        Max = new Vector3(float.MinValue);
        foreach (var v in vertices) { Min = Vector3.Min(Min, v); Max = Vector3.Max(Max, v); }
    }

    public Vector3[] Vertices { get; }
    /// <summary>Three vertex indices per triangle.</summary>
    public int[] Triangles { get; }
    public Vector3 Min { get; }
    public Vector3 Max { get; }

    public static ObjMesh Parse(string text, string source)
    {
        var vertices = new List<Vector3>();
        var triangles = new List<int>();
        int lineNumber = 0;
        foreach (var raw in text.Split('\n'))
        {
            lineNumber++;
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#') continue;
            var parts = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (parts[0] == "v")
            {
                if (parts.Length < 4) throw new InvalidDataException($"{source}:{lineNumber}: vertex needs 3 coordinates");
                var c = new float[3];
                for (int i = 0; i < 3; i++)
                    if (!float.TryParse(parts[i + 1], NumberStyles.Float, CultureInfo.InvariantCulture, out c[i]) || !float.IsFinite(c[i]))
                        throw new InvalidDataException($"{source}:{lineNumber}: bad vertex coordinate '{parts[i + 1]}'");
                vertices.Add(new Vector3(c[0], c[1], c[2]));
            }
            else if (parts[0] == "f")
            {
                if (parts.Length < 4) throw new InvalidDataException($"{source}:{lineNumber}: face needs at least 3 vertices");
                var idx = new int[parts.Length - 1];
                for (int i = 0; i < idx.Length; i++)
                {
                    var token = parts[i + 1].Split('/')[0];
                    if (!int.TryParse(token, NumberStyles.Integer, CultureInfo.InvariantCulture, out var k) || k == 0)
                        throw new InvalidDataException($"{source}:{lineNumber}: bad face index '{parts[i + 1]}'");
                    idx[i] = k > 0 ? k - 1 : vertices.Count + k;
                    if (idx[i] < 0 || idx[i] >= vertices.Count) throw new InvalidDataException($"{source}:{lineNumber}: face index {k} refers to a missing vertex");
                }
                for (int i = 1; i + 1 < idx.Length; i++) triangles.AddRange(new[] { idx[0], idx[i], idx[i + 1] });
            }
        }
        if (triangles.Count < 12) throw new InvalidDataException($"{source}: a closed room mesh needs at least 4 triangles, found {triangles.Count / 3}");
        return new ObjMesh(vertices.ToArray(), triangles.ToArray());
    }

    /// <summary>
    /// X coordinates where the ray {(x, y, z) : x real} crosses the mesh, sorted. Inside/outside along the row follows
    /// from the parity of crossings to the left (the mesh must be closed). Callers jitter y/z off grid-aligned edges.
    /// </summary>
    public List<float> CrossingsAlongX(float y, float z)
    {
        var xs = new List<float>();
        for (int t = 0; t < Triangles.Length; t += 3)
        {
            var a = Vertices[Triangles[t]]; var b = Vertices[Triangles[t + 1]]; var c = Vertices[Triangles[t + 2]];
            // Barycentric test of (y, z) in the triangle's projection onto the yz plane.
            double d = (double)(b.Y - a.Y) * (c.Z - a.Z) - (double)(c.Y - a.Y) * (b.Z - a.Z);
            if (Math.Abs(d) < 1e-20) continue; // parallel to the ray
            double u = ((double)(y - a.Y) * (c.Z - a.Z) - (double)(c.Y - a.Y) * (z - a.Z)) / d;
            double v = ((double)(b.Y - a.Y) * (z - a.Z) - (double)(y - a.Y) * (b.Z - a.Z)) / d;
            if (u < 0 || v < 0 || u + v > 1) continue;
            xs.Add((float)(a.X + u * (b.X - a.X) + v * (c.X - a.X)));
        }
        xs.Sort();
        return xs;
    }
}
