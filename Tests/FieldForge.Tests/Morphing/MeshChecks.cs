using System.Numerics;
using FieldForge.Morphing.Meshes;

namespace FieldForge.Tests.Morphing;

/// <summary>Topology and distance checks shared by the morphing tests.</summary>
internal static class MeshChecks
{
    /// <summary>Null when every undirected edge is used by exactly two triangles in opposite directions (closed and
    /// consistently oriented), else the first offending edge.</summary>
    public static string? WatertightProblem(TriangleMesh mesh) => MeshTopology.FindClosedSurfaceProblem(mesh);

    /// <summary>Symmetric Chamfer distance (mean of both directed mean closest-vertex distances), brute force over a subsample.</summary>
    public static double Chamfer(TriangleMesh a, TriangleMesh b, int maxSamples = 1500)
    {
        static Vector3[] Sample(Vector3[] p, int max) => p.Length <= max ? p : Enumerable.Range(0, max).Select(i => p[(int)((long)i * p.Length / max)]).ToArray();
        static double Directed(Vector3[] from, Vector3[] to)
        {
            double sum = 0;
            foreach (var p in from)
            {
                float best = float.MaxValue;
                foreach (var q in to) best = MathF.Min(best, Vector3.DistanceSquared(p, q));
                sum += MathF.Sqrt(best);
            }
            return sum / from.Length;
        }
        var sa = Sample(a.Positions, maxSamples); var sb = Sample(b.Positions, maxSamples);
        return 0.5 * (Directed(sa, b.Positions) + Directed(sb, a.Positions));
    }

    /// <summary>Triangles as sorted-rotation position triples (rounded), for comparing meshes up to triangle order.</summary>
    public static List<string> TriangleKeys(TriangleMesh m, int decimals = 4)
    {
        var keys = new List<string>(m.TriangleCount);
        string P(Vector3 v) => $"{Math.Round(v.X, decimals):F4},{Math.Round(v.Y, decimals):F4},{Math.Round(v.Z, decimals):F4}";
        for (int t = 0; t < m.Indices.Length; t += 3)
        {
            var s = new[] { P(m.Positions[m.Indices[t]]), P(m.Positions[m.Indices[t + 1]]), P(m.Positions[m.Indices[t + 2]]) };
            // Rotate so the smallest key comes first (keeps orientation, ignores the starting vertex).
            int k = Array.IndexOf(s, s.Min(StringComparer.Ordinal));
            keys.Add(string.Join(" ", s[k], s[(k + 1) % 3], s[(k + 2) % 3]));
        }
        keys.Sort(StringComparer.Ordinal);
        return keys;
    }
}
