namespace FieldForge.Tests.Rendering;

/// <summary>Small analytic meshes for renderer tests (positions, normals, indices as the runtime produces them).</summary>
internal static class TestMeshes
{
    /// <summary>An axis-aligned cube of half-size <paramref name="h"/> centred at (cx, cy, cz): 24 vertices (flat faces).</summary>
    public static (float[] Positions, float[] Normals, uint[] Indices) Cube(float h = 0.5f, float cx = 0, float cy = 0, float cz = 0)
    {
        var pos = new List<float>(); var nrm = new List<float>(); var idx = new List<uint>();
        int[][] axes = [[0, 1, 2], [1, 2, 0], [2, 0, 1]];
        foreach (var a in axes)
            foreach (int sign in new[] { -1, 1 })
            {
                uint b = (uint)(pos.Count / 3);
                foreach (var (u, v) in new[] { (-1, -1), (1, -1), (1, 1), (-1, 1) })
                {
                    var p = new float[3]; var n = new float[3];
                    p[a[0]] = sign * h; p[a[1]] = u * h; p[a[2]] = v * h; n[a[0]] = sign;
                    pos.AddRange([p[0] + cx, p[1] + cy, p[2] + cz]); nrm.AddRange(n);
                }
                idx.AddRange([b, b + 1, b + 2, b, b + 2, b + 3]);
            }
        return (pos.ToArray(), nrm.ToArray(), idx.ToArray());
    }

    /// <summary>A UV sphere of <paramref name="radius"/> at the origin with <paramref name="segments"/> around and half as many rings.</summary>
    public static (float[] Positions, float[] Normals, uint[] Indices) Sphere(float radius = 1f, int segments = 64)
    {
        int rings = segments / 2;
        var pos = new List<float>(); var nrm = new List<float>(); var idx = new List<uint>();
        for (int r = 0; r <= rings; r++)
        {
            float theta = MathF.PI * r / rings;
            for (int s = 0; s <= segments; s++)
            {
                float phi = 2 * MathF.PI * s / segments;
                float x = MathF.Sin(theta) * MathF.Cos(phi), y = MathF.Cos(theta), z = MathF.Sin(theta) * MathF.Sin(phi);
                pos.AddRange([x * radius, y * radius, z * radius]); nrm.AddRange([x, y, z]);
            }
        }
        for (int r = 0; r < rings; r++)
            for (int s = 0; s < segments; s++)
            {
                uint a = (uint)(r * (segments + 1) + s), b = a + (uint)(segments + 1);
                idx.AddRange([a, b, a + 1, a + 1, b, b + 1]);
            }
        return (pos.ToArray(), nrm.ToArray(), idx.ToArray());
    }

    /// <summary>A quad facing +Z at depth <paramref name="z"/> spanning [x0,x1] x [y0,y1].</summary>
    public static (float[] Positions, float[] Normals, uint[] Indices) Quad(float x0, float y0, float x1, float y1, float z) =>
        ([x0, y0, z, x1, y0, z, x1, y1, z, x0, y1, z], [0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1], [0, 1, 2, 0, 2, 3]);
}
