using System.Numerics;
using System.Runtime.InteropServices;
using FieldForge.Gpu;
using FieldForge.Core;

namespace FieldForge.Morphing;

/// <summary>
/// GPU blend shapes (morph targets): a base mesh plus K sparse targets; each frame
/// <c>p = base + Σ wₖ Δpₖ</c>, <c>n = normalize(base_n + Σ wₖ Δnₖ)</c> in one dispatch. The deltas are grouped by
/// vertex once at construction, so the kernel gathers without atomics and the result is deterministic.
/// The result stays on the GPU as a vertex buffer (<see cref="VertexBuffer"/>, <see cref="BlendShapeVertex"/> layout)
/// next to the base mesh's <see cref="IndexBuffer"/>, so a renderer draws it without a read-back:
/// <code>
/// shapes.Record(frame.Batch, weights);   // when the weights changed; the weights travel inside the command buffer
/// // after the batch: bind shapes.VertexBuffer.NativeHandle (stride 32) and shapes.IndexBuffer.NativeHandle (uint32),
/// // then vkCmdDrawIndexed(cmd, shapes.IndexCount, 1, 0, 0, 0)
/// </code>
/// </summary>
public sealed class BlendShapes : IDisposable
{
    internal static readonly KernelSpec Spec = new("blend_shapes", Buffers: 5, PushConstantBytes: 16);

    [StructLayout(LayoutKind.Sequential)] internal struct BlendDelta { public Vector3 Position; public uint Target; public Vector3 Normal; public float Pad; }
    [StructLayout(LayoutKind.Sequential)] internal readonly record struct BlendShapesPush(uint VertexCount, uint TargetCount, uint Pad0, uint Pad1);

    private readonly GpuContext _gpu;
    /// <summary>Weights per inline update (vkCmdUpdateBuffer writes at most 65,536 bytes).</summary>
    private const int WeightsPerUpdate = CommandBatch.MaxInlineUpdateBytes / sizeof(float);

    private readonly GpuBuffer<BlendShapeVertex> _base, _result;
    private readonly GpuBuffer<uint> _offsets, _indices;
    private readonly GpuBuffer<float> _weights;
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
        var baseVertices = new BlendShapeVertex[v];
        for (int i = 0; i < v; i++) baseVertices[i] = new BlendShapeVertex { Position = new(BaseMesh.Positions[i], 1), Normal = new(BaseMesh.Normals![i], 0) };
        _base = gpu.CreateBuffer<BlendShapeVertex>(baseVertices, label: "blend base");
        _offsets = gpu.CreateBuffer<uint>(_cpuOffsets, label: "blend offsets");
        _deltas = gpu.CreateBuffer<BlendDelta>(_cpuDeltas, label: "blend deltas");
        _weights = gpu.CreateBuffer<float>(Targets.Count, label: "blend weights");
        _result = gpu.CreateBuffer<BlendShapeVertex>(v, BufferLocation.DeviceLocal, "blend vertices", GpuBufferUsage.Vertex);
        _indices = gpu.CreateBuffer<uint>(Math.Max(BaseMesh.Indices.Length, 1), BufferLocation.DeviceLocal, "blend indices", GpuBufferUsage.Index);
        if (BaseMesh.Indices.Length > 0) _indices.Upload(MemoryMarshal.Cast<int, uint>(BaseMesh.Indices)); // validated non-negative
    }

    /// <summary>The blended vertices on the GPU (<see cref="BlendShapeVertex"/>, 32-byte stride), bindable as a vertex
    /// buffer. Written by a compute shader in the batch holding <see cref="Record"/>: draw from it after that batch
    /// completed, or, submitting on the same queue without waiting, after a barrier from the compute-shader write
    /// (VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_SHADER_WRITE_BIT) to vertex input
    /// (VK_ACCESS_VERTEX_ATTRIBUTE_READ_BIT). Every batch begins with a barrier on everything submitted before it on the
    /// queue, so the next <see cref="Record"/> never overwrites vertices an earlier draw is still reading.</summary>
    public GpuBuffer<BlendShapeVertex> VertexBuffer => _result;

    /// <summary>The base mesh's triangles on the GPU (three uint32 indices each, VK_INDEX_TYPE_UINT32), bindable as an
    /// index buffer; uploaded once, blending does not change them.</summary>
    public GpuBuffer<uint> IndexBuffer => _indices;

    /// <summary>Indices to draw from <see cref="IndexBuffer"/> (three per triangle).</summary>
    public int IndexCount => BaseMesh.Indices.Length;

    /// <summary>The base mesh (with normals computed if it had none).</summary>
    public TriangleMesh BaseMesh { get; }
    /// <summary>The morph targets, in weight order.</summary>
    public IReadOnlyList<BlendShapeTarget> Targets { get; }

    /// <summary>Records the blend for <paramref name="weights"/> (one finite weight per target) into <paramref name="batch"/>:
    /// <see cref="VertexBuffer"/> is rewritten on the GPU. Record it when the weights changed; nothing is read back and
    /// nothing is allocated (the weights are written inline in the command buffer).</summary>
    public void Record(CommandBatch batch, ReadOnlySpan<float> weights)
    {
        ArgumentNullException.ThrowIfNull(batch);
        CheckWeights(weights);
        for (int start = 0; start < weights.Length; start += WeightsPerUpdate)
        {
            var part = weights.Slice(start, Math.Min(WeightsPerUpdate, weights.Length - start));
            batch.UpdateBuffer(_weights, part, start);
        }
        var push = new BlendShapesPush((uint)BaseMesh.VertexCount, (uint)Targets.Count, 0, 0);
        batch.DispatchThreads(_gpu.GetKernel(Spec), push, BaseMesh.VertexCount, _base, _offsets, _deltas, _weights, _result);
    }

    /// <summary>Reads back the blended mesh of the last completed <see cref="Record"/> (same indices and colours as the
    /// base). A download counted in <see cref="GpuContext.BytesReadBack"/>: for tools and tests, not per frame.</summary>
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

    /// <summary>Frees the vertex, index, delta and weight buffers on the GPU.</summary>
    public void Dispose()
    {
        _base.Dispose(); _offsets.Dispose(); _deltas.Dispose(); _weights.Dispose(); _result.Dispose(); _indices.Dispose();
    }
}
