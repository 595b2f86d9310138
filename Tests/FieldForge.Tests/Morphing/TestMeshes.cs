using System.Numerics;
using FieldForge.Morphing;
using FieldForge.Core;

namespace FieldForge.Tests.Morphing;

/// <summary>Small closed meshes with known geometry for the mesh tests.</summary>
internal static class TestMeshes
{
    /// <summary>Axis-aligned cube of half extent <paramref name="h"/>: 8 vertices, 12 outward triangles; red on top (y &gt; 0), blue below.</summary>
    public static TriangleMesh Cube(float h)
    {
        var p = new Vector3[8];
        var c = new Vector3[8];
        for (int i = 0; i < 8; i++)
        {
            p[i] = new Vector3((i & 1) == 0 ? -h : h, (i & 2) == 0 ? -h : h, (i & 4) == 0 ? -h : h);
            c[i] = p[i].Y > 0 ? new Vector3(1, 0, 0) : new Vector3(0, 0, 1);
        }
        int[][] faces = [[0, 2, 6, 4], [1, 3, 7, 5], [0, 1, 5, 4], [2, 3, 7, 6], [0, 1, 3, 2], [4, 5, 7, 6]];
        var idx = new List<int>();
        foreach (var f in faces)
        {
            var centre = (p[f[0]] + p[f[2]]) / 2;
            var n = Vector3.Cross(p[f[1]] - p[f[0]], p[f[2]] - p[f[0]]);
            bool flip = Vector3.Dot(n, centre) < 0;
            int[] q = flip ? [f[0], f[3], f[2], f[1]] : f;
            idx.AddRange([q[0], q[1], q[2], q[0], q[2], q[3]]);
        }
        return new TriangleMesh(p, idx.ToArray(), null, c);
    }

    /// <summary>A closed triangulated sphere (the CPU isosurface of an analytic sphere).</summary>
    public static TriangleMesh Sphere(float radius, int n)
    {
        var shape = SdfShape.Sphere(radius);
        var grid = SdfGrid.Covering(shape.Bounds.Expanded(radius * 0.2f), n);
        var d = new float[grid.PointCount];
        for (int z = 0; z < n; z++) for (int y = 0; y < n; y++) for (int x = 0; x < n; x++)
            d[grid.Index(x, y, z)] = shape.Distance(grid.Point(x, y, z));
        return MarchingTetrahedra.Extract(grid, d, Array.Empty<uint>());
    }
}
