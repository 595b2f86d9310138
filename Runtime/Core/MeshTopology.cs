namespace FieldForge.Core;

/// <summary>Edge-manifold checks: a closed mesh has every edge used by exactly two triangles, in opposite directions.</summary>
public static class MeshTopology
{
    /// <summary>What is wrong with <paramref name="mesh"/> as a closed, consistently oriented surface, or null when nothing is.</summary>
    public static string? FindClosedSurfaceProblem(TriangleMesh mesh)
    {
        if (mesh.TriangleCount == 0) return "it has no triangles";
        // Vertices at the same position are one vertex here: exporters split them per face (hard normals, materials,
        // UV seams), which leaves the surface closed although the indices differ.
        var canonical = new Dictionary<System.Numerics.Vector3, int>();
        var weld = new int[mesh.Positions.Length];
        for (int i = 0; i < weld.Length; i++)
            weld[i] = canonical.TryGetValue(mesh.Positions[i], out int first) ? first : canonical[mesh.Positions[i]] = i;
        var directed = new Dictionary<(int, int), int>();
        for (int t = 0; t < mesh.Indices.Length; t += 3)
            for (int e = 0; e < 3; e++)
            {
                int a = weld[mesh.Indices[t + e]], b = weld[mesh.Indices[t + (e + 1) % 3]];
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

    /// <summary>
    /// Throws <see cref="InvalidDataException"/> unless <paramref name="mesh"/> encloses space: the oriented areas of a
    /// closed surface cancel (the divergence theorem), T-junctions and split vertices included, so a missing wall or
    /// a gap leaves their sum equal to the hole's area vector. Weaker than <see cref="RequireClosed"/>, for rooms
    /// modelled with T-junctions (walls split around a window) that ray parity handles.
    /// </summary>
    public static void RequireEnclosing(TriangleMesh mesh, string what)
    {
        if (mesh.TriangleCount == 0) throw new InvalidDataException($"{what}: the mesh has no triangles");
        var sum = System.Numerics.Vector3.Zero;
        double total = 0;
        for (int t = 0; t < mesh.Indices.Length; t += 3)
        {
            var a = mesh.Positions[mesh.Indices[t]];
            var n = System.Numerics.Vector3.Cross(mesh.Positions[mesh.Indices[t + 1]] - a, mesh.Positions[mesh.Indices[t + 2]] - a) * 0.5f;
            sum += n;
            total += n.Length();
        }
        // Float rounding of the per-triangle areas stays far below 1e-4 of the surface; a real hole does not.
        if (sum.Length() > 1e-4 * total)
            throw new InvalidDataException($"{what} does not enclose a volume: its surface is open (the oriented areas leave {sum.Length():G3} of {total:G3} square units uncancelled, e.g. a missing wall)");
    }
}
