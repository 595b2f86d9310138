using System.Numerics;
using FieldForge.Gpu;

namespace FieldForge.Morphing;

/// <summary>
/// A CSG tree flattened to postfix instructions, interpreted by one kernel (sdf_eval) over a grid, plus the CPU
/// interpreter that mirrors it instruction for instruction.
/// </summary>
internal sealed class SdfProgram
{
    internal static readonly KernelSpec EvalSpec = new("sdf_eval", Buffers: 3, PushConstantBytes: 32);
    /// <summary>Evaluation stack depth of the kernel (SDF_STACK).</summary>
    public const int MaxStack = 16;

    public SdfInstruction[] Instructions { get; }

    public SdfProgram(SdfInstruction[] instructions)
    {
        int depth = 0, max = 0;
        foreach (var i in instructions)
        {
            depth += i.Op < (uint)SdfOp.Union ? 1 : -1;
            if (depth < 1) throw new ArgumentException("SDF program pops an empty stack");
            max = Math.Max(max, depth);
        }
        if (depth != 1) throw new ArgumentException($"SDF program leaves {depth} values on the stack, expected 1");
        if (max > MaxStack) throw new ArgumentException($"CSG tree needs a stack of {max}, the kernel supports {MaxStack}; rebalance the tree (union nests on the left)");
        Instructions = instructions;
    }

    public void Record(CommandBatch batch, SdfGrid grid, GpuBuffer<float> distance, GpuBuffer<uint> colour)
    {
        grid.ValidateBuffers(distance, colour);
        var gpu = batch.Context;
        var program = gpu.CreateBuffer<SdfInstruction>(Instructions, label: "sdf program");
        batch.DisposeAfterCompletion(program);
        batch.DispatchThreads(gpu.GetKernel(EvalSpec), SdfGridPush.For(grid, (uint)Instructions.Length), grid.PointCount, program, distance, colour);
    }

    public (float Distance, Vector4 Colour) Evaluate(Vector3 p)
    {
        Span<float> ds = stackalloc float[MaxStack];
        Span<Vector4> cs = stackalloc Vector4[MaxStack];
        int top = -1;
        foreach (ref readonly var ins in Instructions.AsSpan())
        {
            if (ins.Op < (uint)SdfOp.Union)
            {
                var local = new Vector3(Dot(ins.Row0, p), Dot(ins.Row1, p), Dot(ins.Row2, p));
                top++;
                ds[top] = Primitive((SdfOp)ins.Op, local, ins.Params) * ins.Scale;
                cs[top] = ColourPacking.Unpack(ins.Colour);
                continue;
            }
            float b = ds[top]; var cb = cs[top]; top--;
            float a = ds[top]; var ca = cs[top];
            switch ((SdfOp)ins.Op)
            {
                case SdfOp.Union: if (b < a) { ds[top] = b; cs[top] = cb; } break;
                case SdfOp.Intersection: if (b > a) { ds[top] = b; cs[top] = cb; } break;
                case SdfOp.Difference: if (-b > a) { ds[top] = -b; cs[top] = cb; } break;
                default:
                    float h = Math.Clamp(0.5f + 0.5f * (b - a) / ins.K, 0f, 1f);
                    ds[top] = b + (a - b) * h - ins.K * h * (1f - h);
                    cs[top] = Vector4.Lerp(cb, ca, h);
                    break;
            }
        }
        return (ds[0], cs[0]);
    }

    private static float Dot(Vector4 row, Vector3 p) => row.X * p.X + row.Y * p.Y + row.Z * p.Z + row.W;

    internal static float Box(Vector3 p, Vector3 b)
    {
        var q = Vector3.Abs(p) - b;
        return Vector3.Max(q, Vector3.Zero).Length() + MathF.Min(MathF.Max(q.X, MathF.Max(q.Y, q.Z)), 0f);
    }

    internal static float Primitive(SdfOp op, Vector3 p, Vector4 a)
    {
        switch (op)
        {
            case SdfOp.Sphere: return p.Length() - a.X;
            case SdfOp.Box: return Box(p, new Vector3(a.X, a.Y, a.Z));
            case SdfOp.RoundedBox: return Box(p, new Vector3(a.X, a.Y, a.Z) - new Vector3(a.W)) - a.W;
            case SdfOp.Torus: return new Vector2(new Vector2(p.X, p.Z).Length() - a.X, p.Y).Length() - a.Y;
            case SdfOp.Capsule: p.Y -= Math.Clamp(p.Y, -a.X, a.X); return p.Length() - a.Y;
            default:
                var d = Vector2.Abs(new Vector2(new Vector2(p.X, p.Z).Length(), p.Y)) - new Vector2(a.X, a.Y);
                return MathF.Min(MathF.Max(d.X, d.Y), 0f) + Vector2.Max(d, Vector2.Zero).Length();
        }
    }
}
