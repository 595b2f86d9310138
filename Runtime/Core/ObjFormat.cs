using System.Globalization;
using System.Numerics;
using System.Text;

namespace FieldForge.Core;

/// <summary>Wavefront OBJ: positions, vertex colours as <c>v x y z r g b</c>, normals (<c>vn</c>) and polygonal faces
/// (fan-triangulated). Texture coordinates and materials are ignored on read.</summary>
public static class ObjFormat
{
    /// <summary>Reads a Wavefront OBJ file (triangles and polygons, fanned into triangles; vertex colors when present).</summary>
    public static TriangleMesh Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"OBJ file '{path}' does not exist", path);
        using var reader = new StreamReader(path);
        return Read(reader, path);
    }

    /// <summary>Reads OBJ text from <paramref name="reader"/>; <paramref name="name"/> names the source in error messages.</summary>
    public static TriangleMesh Read(TextReader reader, string name = "OBJ")
    {
        var positions = new List<Vector3>();
        var colours = new List<Vector3>();
        var normals = new List<Vector3>();
        // OBJ indexes positions and normals separately; a vertex is one (position, normal) pair.
        var refs = new List<(int P, int N)>();
        bool anyColour = false, allNormals = true;
        string? line;
        int lineNo = 0;
        float F(string s, int ln)
        {
            if (!float.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
                throw new InvalidDataException($"{name}:{ln}: '{s}' is not a number");
            return v;
        }
        while ((line = reader.ReadLine()) is not null)
        {
            lineNo++;
            var parts = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 0 || parts[0].StartsWith('#')) continue;
            switch (parts[0])
            {
                case "v":
                    if (parts.Length < 4) throw new InvalidDataException($"{name}:{lineNo}: vertex needs 3 coordinates");
                    positions.Add(new Vector3(F(parts[1], lineNo), F(parts[2], lineNo), F(parts[3], lineNo)));
                    if (parts.Length >= 7) { colours.Add(new Vector3(F(parts[4], lineNo), F(parts[5], lineNo), F(parts[6], lineNo))); anyColour = true; }
                    else colours.Add(Vector3.One);
                    break;
                case "vn":
                    if (parts.Length < 4) throw new InvalidDataException($"{name}:{lineNo}: normal needs 3 coordinates");
                    normals.Add(new Vector3(F(parts[1], lineNo), F(parts[2], lineNo), F(parts[3], lineNo)));
                    break;
                case "f":
                    if (parts.Length < 4) throw new InvalidDataException($"{name}:{lineNo}: face needs at least 3 vertices");
                    var face = new (int, int)[parts.Length - 1];
                    for (int i = 1; i < parts.Length; i++)
                    {
                        var tokens = parts[i].Split('/');
                        int pi = Resolve(tokens[0], positions.Count, name, lineNo, "vertex");
                        int ni = tokens.Length >= 3 && tokens[2].Length > 0 ? Resolve(tokens[2], normals.Count, name, lineNo, "normal") : -1;
                        if (ni < 0) allNormals = false;
                        face[i - 1] = (pi, ni);
                    }
                    for (int i = 1; i + 1 < face.Length; i++) { refs.Add(face[0]); refs.Add(face[i]); refs.Add(face[i + 1]); }
                    break;
            }
        }
        TriangleMesh mesh;
        if (refs.All(r => r.N < 0 || r.N == r.P))
        {
            // Positions and normals share numbering (what FieldForge and most exporters write): keep vertex order.
            var nrm = allNormals && refs.Count > 0 ? new Vector3[positions.Count] : null;
            if (nrm is not null) foreach (var r in refs) nrm[r.P] = normals[r.N];
            mesh = new TriangleMesh(positions.ToArray(), refs.Select(r => r.P).ToArray(), nrm, anyColour ? colours.ToArray() : null);
        }
        else
        {
            var vertexOf = new Dictionary<(int, int), int>();
            var outPos = new List<Vector3>(); var outCol = new List<Vector3>(); var outNrm = new List<Vector3>();
            var indices = new List<int>(refs.Count);
            foreach (var r in refs)
            {
                if (!vertexOf.TryGetValue(r, out int v))
                {
                    v = outPos.Count;
                    vertexOf[r] = v;
                    outPos.Add(positions[r.P]); outCol.Add(colours[r.P]); outNrm.Add(r.N >= 0 ? normals[r.N] : Vector3.Zero);
                }
                indices.Add(v);
            }
            mesh = new TriangleMesh(outPos.ToArray(), indices.ToArray(), allNormals ? outNrm.ToArray() : null, anyColour ? outCol.ToArray() : null);
        }
        return mesh.Validate(name);
    }

    private static int Resolve(string token, int count, string name, int line, string what)
    {
        if (!int.TryParse(token, NumberStyles.Integer, CultureInfo.InvariantCulture, out int i) || i == 0)
            throw new InvalidDataException($"{name}:{line}: bad {what} reference '{token}'");
        int index = i > 0 ? i - 1 : count + i;
        if (index < 0 || index >= count) throw new InvalidDataException($"{name}:{line}: {what} reference {i} is outside 1..{count}");
        return index;
    }

    /// <summary>Writes positions, colours (as <c>v x y z r g b</c> when present), normals and faces.</summary>
    public static void Write(string path, TriangleMesh mesh)
    {
        // Atomic: a failed write (disk full) leaves any existing file as it was.
        AtomicFile.Write(path, stream =>
        {
            using var w = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
            Write(w, mesh);
        });
    }

    /// <summary>Writes the mesh as OBJ text (positions, normals when present, vertex colors as extra v components).</summary>
    public static void Write(TextWriter w, TriangleMesh mesh)
    {
        var ci = CultureInfo.InvariantCulture;
        w.WriteLine("# FieldForge OBJ");
        var sb = new StringBuilder();
        for (int i = 0; i < mesh.VertexCount; i++)
        {
            var p = mesh.Positions[i];
            sb.Clear().Append(ci, $"v {p.X:G7} {p.Y:G7} {p.Z:G7}");
            if (mesh.Colours is { } c) sb.Append(ci, $" {c[i].X:G4} {c[i].Y:G4} {c[i].Z:G4}");
            w.WriteLine(sb);
        }
        if (mesh.Normals is { } n)
            foreach (var v in n) w.WriteLine(string.Create(ci, $"vn {v.X:G5} {v.Y:G5} {v.Z:G5}"));
        for (int t = 0; t < mesh.Indices.Length; t += 3)
        {
            int a = mesh.Indices[t] + 1, b = mesh.Indices[t + 1] + 1, c = mesh.Indices[t + 2] + 1;
            w.WriteLine(mesh.Normals is null ? $"f {a} {b} {c}" : $"f {a}//{a} {b}//{b} {c}//{c}");
        }
    }
}
