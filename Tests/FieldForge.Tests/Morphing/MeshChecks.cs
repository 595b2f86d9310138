using System.Numerics;
using FieldForge.Core;

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
}
