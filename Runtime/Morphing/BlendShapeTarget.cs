using System.Numerics;

namespace FieldForge.Morphing;

/// <summary>One morph target as sparse deltas: the vertices it moves, their position offsets and (optionally) normal offsets.</summary>
public sealed record BlendShapeTarget(string Name, int[] VertexIndices, Vector3[] PositionDeltas, Vector3[]? NormalDeltas = null)
{
    /// <summary>Builds a target from a full deformed copy of the base positions/normals, keeping only vertices that move.</summary>
    public static BlendShapeTarget FromDeformed(string name, Vector3[] basePositions, Vector3[] deformedPositions, Vector3[]? baseNormals = null, Vector3[]? deformedNormals = null)
    {
        if (basePositions.Length != deformedPositions.Length) throw new ArgumentException($"target '{name}': {deformedPositions.Length} positions for {basePositions.Length} base vertices");
        var idx = new List<int>(); var dp = new List<Vector3>(); var dn = new List<Vector3>();
        for (int i = 0; i < basePositions.Length; i++)
        {
            var p = deformedPositions[i] - basePositions[i];
            var n = baseNormals is not null && deformedNormals is not null ? deformedNormals[i] - baseNormals[i] : Vector3.Zero;
            if (p == Vector3.Zero && n == Vector3.Zero) continue;
            idx.Add(i); dp.Add(p); dn.Add(n);
        }
        return new BlendShapeTarget(name, idx.ToArray(), dp.ToArray(), deformedNormals is null ? null : dn.ToArray());
    }

    internal void Validate(int vertexCount)
    {
        if (PositionDeltas.Length != VertexIndices.Length) throw new ArgumentException($"target '{Name}': {PositionDeltas.Length} position deltas for {VertexIndices.Length} indices");
        if (NormalDeltas is not null && NormalDeltas.Length != VertexIndices.Length) throw new ArgumentException($"target '{Name}': {NormalDeltas.Length} normal deltas for {VertexIndices.Length} indices");
        var seen = new HashSet<int>();
        for (int i = 0; i < VertexIndices.Length; i++)
        {
            int v = VertexIndices[i];
            if ((uint)v >= (uint)vertexCount) throw new ArgumentOutOfRangeException(nameof(VertexIndices), $"target '{Name}': vertex index {v} is outside 0..{vertexCount - 1}");
            if (!seen.Add(v)) throw new ArgumentException($"target '{Name}': vertex {v} appears twice");
            var p = PositionDeltas[i];
            var n = NormalDeltas?[i] ?? Vector3.Zero;
            if (!float.IsFinite(p.X + p.Y + p.Z + n.X + n.Y + n.Z)) throw new ArgumentException($"target '{Name}': delta of vertex {v} is not finite");
        }
    }
}
