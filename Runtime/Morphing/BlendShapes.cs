using System.Numerics;
using System.Runtime.InteropServices;
using FieldForge.Gpu;
using FieldForge.Core;

namespace FieldForge.Morphing;

/// <summary>
/// GPU blend shapes (morph targets): a base mesh plus K sparse targets; each frame
/// <c>p = base + Σ wₖ Δpₖ</c>, <c>n = normalize(base_n + Σ wₖ Δnₖ)</c> in one dispatch. The deltas are grouped by
/// vertex once at construction, so the kernel gathers without atomics and the result is deterministic.
/// </summary>
public sealed class BlendShapes : IDisposable
{
    internal static readonly KernelSpec Spec = new("blend_shapes", Buffers: 5, PushConstantBytes: 16);

    [StructLayout(LayoutKind.Sequential)] internal struct BlendVertex { public Vector4 Position, Normal; }
    [StructLayout(LayoutKind.Sequential)] internal struct BlendDelta { public Vector3 Position; public uint Target; public Vector3 Normal; public float Pad; }
    [StructLayout(LayoutKind.Sequential)] internal readonly record struct BlendShapesPush(uint VertexCount, uint TargetCount, uint Pad0, uint Pad1);

    private readonly GpuContext _gpu;
    private readonly GpuBuffer<BlendVertex> _base, _result;
    private readonly GpuBuffer<uint> _offsets;
    private readonly GpuBuffer<BlendDelta> _deltas;
    private readonly uint[] _cpuOffsets;
    private readonly BlendDelta[] _cpuDeltas;

    /// <summary>Uploads the base mesh and its targets; every target must have the base mesh's vertex count.</summary>
    public BlendShapes(GpuContext gpu, TriangleMesh baseMesh, IReadOnlyList<BlendShapeTarget> targets)
    {
        ArgumentNullException.ThrowIfNull(gpu);
        ArgumentNullException.ThrowIfNull(baseMesh);
        ArgumentNullException.ThrowIfNull(targets);
        if (baseMesh.VertexCount == 0) throw new ArgumentException("base mesh is empty: blend shapes need at least one vertex", nameof(baseMesh));
        baseMesh.Validate("base mesh");
        if (targets.Count == 0) throw new ArgumentException("blend shapes need at least one target", nameof(targets));
        foreach (var t in targets) t.Validate(baseMesh.VertexCount);
        _gpu = gpu;
        BaseMesh = baseMesh.Normals is null ? baseMesh with { Normals = baseMesh.ComputeNormals() } : baseMesh;
        Targets = targets.ToArray();
        int v = baseMesh.VertexCount;
        var perVertex = new List<BlendDelta>[v];
        for (int k = 0; k < Targets.Count; k++)
        {
            var t = Targets[k];
            for (int i = 0; i < t.VertexIndices.Length; i++)
                (perVertex[t.VertexIndices[i]] ??= new()).Add(new BlendDelta { Position = t.PositionDeltas[i], Normal = t.NormalDeltas?[i] ?? Vector3.Zero, Target = (uint)k });
        }
        _cpuOffsets = new uint[v + 1];
        var deltas = new List<BlendDelta>();
        for (int i = 0; i < v; i++)
        {
            _cpuOffsets[i] = (uint)deltas.Count;
            if (perVertex[i] is { } list) deltas.AddRange(list);
        }
        _cpuOffsets[v] = (uint)deltas.Count;
        if (deltas.Count == 0) deltas.Add(default); // keep the binding non-empty; no offset range reaches it
        _cpuDeltas = deltas.ToArray();
        var baseVertices = new BlendVertex[v];
        for (int i = 0; i < v; i++) baseVertices[i] = new BlendVertex { Position = new(BaseMesh.Positions[i], 1), Normal = new(BaseMesh.Normals![i], 0) };
        _base = gpu.CreateBuffer<BlendVertex>(baseVertices, label: "blend base");
        _offsets = gpu.CreateBuffer<uint>(_cpuOffsets, label: "blend offsets");
        _deltas = gpu.CreateBuffer<BlendDelta>(_cpuDeltas, label: "blend deltas");
        _result = gpu.CreateBuffer<BlendVertex>(v, label: "blend result");
    }

    /// <summary>The base mesh (with normals computed if it had none).</summary>
    public TriangleMesh BaseMesh { get; }
    /// <summary>The morph targets, in weight order.</summary>
    public IReadOnlyList<BlendShapeTarget> Targets { get; }

    /// <summary>Records the blend for <paramref name="weights"/> (one finite weight per target) into <paramref name="batch"/>.</summary>
    public void Record(CommandBatch batch, ReadOnlySpan<float> weights)
    {
        ArgumentNullException.ThrowIfNull(batch);
        CheckWeights(weights);
        var w = _gpu.CreateBuffer<float>(weights, label: "blend weights");
        batch.DisposeAfterCompletion(w);
        var push = new BlendShapesPush((uint)BaseMesh.VertexCount, (uint)Targets.Count, 0, 0);
        batch.DispatchThreads(_gpu.GetKernel(Spec), push, BaseMesh.VertexCount, _base, _offsets, _deltas, w, _result);
    }

    /// <summary>The blended mesh of the last completed <see cref="Record"/> (same indices and colours as the base).</summary>
    public TriangleMesh ReadMesh()
    {
        var r = _result.ToArray();
        return BaseMesh with
        {
            Positions = r.Select(v => new Vector3(v.Position.X, v.Position.Y, v.Position.Z)).ToArray(),
            Normals = r.Select(v => new Vector3(v.Normal.X, v.Normal.Y, v.Normal.Z)).ToArray(),
        };
    }

    /// <summary>Records, submits and reads in one call.</summary>
    public TriangleMesh Apply(ReadOnlySpan<float> weights)
    {
        using (var batch = _gpu.BeginBatch()) { Record(batch, weights); batch.Submit(); }
        return ReadMesh();
    }

    /// <summary>CPU reference of the kernel (same per-vertex summation order).</summary>
    public TriangleMesh ApplyCpu(ReadOnlySpan<float> weights)
    {
        CheckWeights(weights);
        int v = BaseMesh.VertexCount;
        var pos = new Vector3[v]; var nrm = new Vector3[v];
        for (int i = 0; i < v; i++)
        {
            var p = BaseMesh.Positions[i]; var n = BaseMesh.Normals![i];
            for (uint j = _cpuOffsets[i]; j < _cpuOffsets[i + 1]; j++)
            {
                float w = weights[(int)_cpuDeltas[j].Target];
                p += w * _cpuDeltas[j].Position;
                n += w * _cpuDeltas[j].Normal;
            }
            float len = n.Length();
            pos[i] = p;
            nrm[i] = len > 1e-20f ? n / len : BaseMesh.Normals[i];
        }
        return BaseMesh with { Positions = pos, Normals = nrm };
    }

    private void CheckWeights(ReadOnlySpan<float> weights)
    {
        if (weights.Length != Targets.Count) throw new ArgumentException($"need {Targets.Count} weights (one per target), got {weights.Length}", nameof(weights));
        for (int i = 0; i < weights.Length; i++)
            if (!float.IsFinite(weights[i])) throw new ArgumentOutOfRangeException(nameof(weights), $"weight {i} ('{Targets[i].Name}') must be finite, got {weights[i]}");
    }

    /// <summary>Frees the vertex, delta and weight buffers on the GPU.</summary>
    public void Dispose()
    {
        _base.Dispose(); _offsets.Dispose(); _deltas.Dispose(); _result.Dispose();
    }
}
