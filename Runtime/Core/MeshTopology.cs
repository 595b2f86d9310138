namespace FieldForge.Core;

/// <summary>Edge-manifold checks: a closed mesh has every edge used by exactly two triangles, in opposite directions.</summary>
public static class MeshTopology
{
    /// <summary>What is wrong with <paramref name="mesh"/> as a closed, consistently oriented surface, or null when nothing is.</summary>
    public static string? FindClosedSurfaceProblem(TriangleMesh mesh)
    {
        if (mesh.TriangleCount == 0) return "it has no triangles";
        var directed = new Dictionary<(int, int), int>();
        for (int t = 0; t < mesh.Indices.Length; t += 3)
            for (int e = 0; e < 3; e++)
            {
                int a = mesh.Indices[t + e], b = mesh.Indices[t + (e + 1) % 3];
                if (a == b) return $"triangle {t / 3} is degenerate (repeats vertex {a})";
                directed[(a, b)] = directed.GetValueOrDefault((a, b)) + 1;
            }
        foreach (var ((a, b), count) in directed)
        {
            int reverse = directed.GetValueOrDefault((b, a));
            if (count > 1) return $"edge {a}-{b} is used {count} times in the same direction (non-manifold or inconsistently oriented)";
            if (reverse == 0) return $"edge {a}-{b} has only one triangle (the mesh is open)";
        }
        return null;
    }

    /// <summary>Throws <see cref="InvalidDataException"/> unless the mesh is closed and consistently oriented.</summary>
    public static void RequireClosed(TriangleMesh mesh, string what)
    {
        var problem = FindClosedSurfaceProblem(mesh);
        if (problem is not null) throw new InvalidDataException($"{what} must be a closed, consistently oriented mesh: {problem}");
    }
}
