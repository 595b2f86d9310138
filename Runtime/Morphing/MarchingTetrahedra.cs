using System.Numerics;
using FieldForge.Core;

namespace FieldForge.Morphing;

/// <summary>
/// CPU reference of <see cref="IsoSurfacer"/>: the same topologically consistent marching-cubes variant (each cube split
/// into the six Kuhn tetrahedra around its main diagonal), the same one-vertex-per-crossing-edge numbering, the same
/// orientation rule. Used by tests and the benchmark's CPU column.
/// </summary>
public static class MarchingTetrahedra
{
    internal static readonly int[][] Tets = [[0, 1, 3, 7], [0, 1, 5, 7], [0, 2, 3, 7], [0, 2, 6, 7], [0, 4, 5, 7], [0, 4, 6, 7]];

    private static (int X, int Y, int Z) Corner(int code) => (code & 1, (code >> 1) & 1, (code >> 2) & 1);

    /// <summary>Extracts the surface <c>distance = iso</c> (inside where distance &lt; iso) as an indexed mesh with gradient
    /// normals and colours interpolated from <paramref name="colour"/> (packed RGBA8, may be null).</summary>
    public static TriangleMesh Extract(SdfGrid grid, ReadOnlySpan<float> distance, ReadOnlySpan<uint> colour, float iso = 0f)
    {
        grid.Validate();
        int n = grid.Resolution;
        long count = grid.PointCount;
        if (distance.Length < count) throw new ArgumentException($"distance holds {distance.Length} values, grid needs {count}");
        bool hasColour = !colour.IsEmpty;
        if (hasColour && colour.Length < count) throw new ArgumentException($"colour holds {colour.Length} values, grid needs {count}");
        var mask = new byte[count];
        var offset = new int[count];
        int vertices = 0;
        bool In(int x, int y, int z) => x < n && y < n && z < n;
        for (int z = 0; z < n; z++)
        for (int y = 0; y < n; y++)
        for (int x = 0; x < n; x++)
        {
            long i = grid.Index(x, y, z);
            bool here = distance[(int)i] < iso;
            int m = 0;
            for (int code = 1; code < 8; code++)
            {
                var (dx, dy, dz) = Corner(code);
                if (In(x + dx, y + dy, z + dz) && (distance[(int)grid.Index(x + dx, y + dy, z + dz)] < iso) != here) m |= 1 << (code - 1);
            }
            mask[i] = (byte)m;
            offset[i] = vertices;
            vertices += System.Numerics.BitOperations.PopCount((uint)m);
        }
        var positions = new Vector3[vertices];
        var normals = new Vector3[vertices];
        var colours = hasColour ? new Vector3[vertices] : null;
        float At(ReadOnlySpan<float> d, int x, int y, int z) =>
            d[(int)grid.Index(Math.Clamp(x, 0, n - 1), Math.Clamp(y, 0, n - 1), Math.Clamp(z, 0, n - 1))];
        Vector3 Gradient(ReadOnlySpan<float> d, int x, int y, int z) => new(
            At(d, x + 1, y, z) - At(d, x - 1, y, z), At(d, x, y + 1, z) - At(d, x, y - 1, z), At(d, x, y, z + 1) - At(d, x, y, z - 1));
        for (int z = 0; z < n; z++)
        for (int y = 0; y < n; y++)
        for (int x = 0; x < n; x++)
        {
            long i = grid.Index(x, y, z);
            int m = mask[i];
            if (m == 0) continue;
            int slot = offset[i];
            float da = distance[(int)i];
            var ga = Gradient(distance, x, y, z);
            for (int dir = 0; dir < 7; dir++)
            {
                if ((m & (1 << dir)) == 0) continue;
                var (dx, dy, dz) = Corner(dir + 1);
                long j = grid.Index(x + dx, y + dy, z + dz);
                float db = distance[(int)j];
                float t = Math.Clamp((iso - da) / (db - da), 0f, 1f);
                positions[slot] = grid.Point(x, y, z) + t * grid.VoxelSize * new Vector3(dx, dy, dz);
                var g = Vector3.Lerp(ga, Gradient(distance, x + dx, y + dy, z + dz), t);
                normals[slot] = g.Length() > 0 ? Vector3.Normalize(g) : Vector3.UnitZ;
                if (colours is not null)
                {
                    var c = Vector4.Lerp(ColourPacking.Unpack(colour[(int)i]), ColourPacking.Unpack(colour[(int)j]), t);
                    colours[slot] = new Vector3(c.X, c.Y, c.Z);
                }
                slot++;
            }
        }
        var indices = new List<int>();
        for (int z = 0; z + 1 < n; z++)
        for (int y = 0; y + 1 < n; y++)
        for (int x = 0; x + 1 < n; x++)
        {
            int corners = 0;
            for (int code = 0; code < 8; code++)
            {
                var (dx, dy, dz) = Corner(code);
                if (distance[(int)grid.Index(x + dx, y + dy, z + dz)] < iso) corners |= 1 << code;
            }
            if (corners is 0 or 255) continue;
            int Vertex(int a, int b)
            {
                if (a > b) (a, b) = (b, a);
                var (dx, dy, dz) = Corner(a);
                long q = grid.Index(x + dx, y + dy, z + dz);
                int dir = (a ^ b) - 1;
                return offset[q] + System.Numerics.BitOperations.PopCount((uint)(mask[q] & ((1 << dir) - 1)));
            }
            foreach (var tet in Tets)
            {
                var ins = tet.Where(v => ((corners >> v) & 1) != 0).ToArray();
                var outs = tet.Where(v => ((corners >> v) & 1) == 0).ToArray();
                if (ins.Length == 0 || outs.Length == 0) continue;
                var towards = Sum(outs) * ins.Length - Sum(ins) * outs.Length;
                void Emit((int, int) e0, (int, int) e1, (int, int) e2)
                {
                    var m0 = Mid(e0); var m1 = Mid(e1); var m2 = Mid(e2);
                    bool flip = Vector3.Dot(Vector3.Cross(m1 - m0, m2 - m0), towards) < 0;
                    int v0 = Vertex(e0.Item1, e0.Item2), v1 = Vertex(e1.Item1, e1.Item2), v2 = Vertex(e2.Item1, e2.Item2);
                    indices.Add(v0); indices.Add(flip ? v2 : v1); indices.Add(flip ? v1 : v2);
                }
                if (ins.Length == 1) Emit((ins[0], outs[0]), (ins[0], outs[1]), (ins[0], outs[2]));
                else if (outs.Length == 1) Emit((outs[0], ins[0]), (outs[0], ins[1]), (outs[0], ins[2]));
                else
                {
                    Emit((ins[0], outs[0]), (ins[0], outs[1]), (ins[1], outs[1]));
                    Emit((ins[0], outs[0]), (ins[1], outs[1]), (ins[1], outs[0]));
                }
            }
        }
        return new TriangleMesh(positions, indices.ToArray(), normals, colours);
    }

    /// <summary>
    /// The GPU's case table: for each of the 6 tetrahedra and 16 inside masks (bit k = tet corner k inside), two words:
    /// word 0 = triangle count &lt;&lt; 30 | triangle 0's three edges, word 1 = triangle 1's edges; an edge is 6 bits
    /// (corner code a | b &lt;&lt; 3, a's bits contained in b's), already oriented outward. Built from the same rule as
    /// <see cref="Extract"/>, so the kernel needs no per-thread arrays (slow on CPU Vulkan drivers).
    /// </summary>
    internal static uint[] BuildTriangleTable()
    {
        var table = new uint[6 * 16 * 2];
        for (int t = 0; t < 6; t++)
        for (int m = 0; m < 16; m++)
        {
            var tet = Tets[t];
            var ins = Enumerable.Range(0, 4).Where(k => ((m >> k) & 1) != 0).Select(k => tet[k]).ToArray();
            var outs = Enumerable.Range(0, 4).Where(k => ((m >> k) & 1) == 0).Select(k => tet[k]).ToArray();
            if (ins.Length == 0 || outs.Length == 0) continue;
            var towards = Sum(outs) * ins.Length - Sum(ins) * outs.Length;
            var tris = new List<uint>();
            void Emit((int, int) e0, (int, int) e1, (int, int) e2)
            {
                bool flip = Vector3.Dot(Vector3.Cross(Mid(e1) - Mid(e0), Mid(e2) - Mid(e0)), towards) < 0;
                static uint E((int A, int B) e) => (uint)(Math.Min(e.A, e.B) | Math.Max(e.A, e.B) << 3);
                tris.Add(flip ? E(e0) | E(e2) << 6 | E(e1) << 12 : E(e0) | E(e1) << 6 | E(e2) << 12);
            }
            if (ins.Length == 1) Emit((ins[0], outs[0]), (ins[0], outs[1]), (ins[0], outs[2]));
            else if (outs.Length == 1) Emit((outs[0], ins[0]), (outs[0], ins[1]), (outs[0], ins[2]));
            else
            {
                Emit((ins[0], outs[0]), (ins[0], outs[1]), (ins[1], outs[1]));
                Emit((ins[0], outs[0]), (ins[1], outs[1]), (ins[1], outs[0]));
            }
            int entry = 2 * (t * 16 + m);
            table[entry] = (uint)tris.Count << 30 | tris[0];
            table[entry + 1] = tris.Count > 1 ? tris[1] : 0;
        }
        return table;
    }

    private static Vector3 Sum(int[] codes)
    {
        var s = Vector3.Zero;
        foreach (var c in codes) { var (x, y, z) = Corner(c); s += new Vector3(x, y, z); }
        return s;
    }

    private static Vector3 Mid((int A, int B) e)
    {
        var (ax, ay, az) = Corner(e.A); var (bx, by, bz) = Corner(e.B);
        return new Vector3(ax + bx, ay + by, az + bz);
    }
}
