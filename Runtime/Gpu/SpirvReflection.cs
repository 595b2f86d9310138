namespace FieldForge.Gpu;

/// <summary>
/// The facts about a SPIR-V compute module that FieldForge checks at load: storage-buffer and texel-buffer bindings
/// (and which are read-only, for barrier tracking), the push-constant block size and the workgroup size.
/// </summary>
internal sealed record SpirvReflection(int[] Bindings, bool[] Writable, int PushConstantBytes, (uint X, uint Y, uint Z) LocalSize, bool[] TexelBuffer)
{
    private const uint Magic = 0x07230203;

    public static SpirvReflection Parse(ReadOnlySpan<byte> bytes, string name)
    {
        if (bytes.Length < 20 || bytes.Length % 4 != 0) throw new InvalidDataException($"kernel '{name}': not a SPIR-V module ({bytes.Length} bytes)");
        var words = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, uint>(bytes);
        if (words[0] != Magic) throw new InvalidDataException($"kernel '{name}': bad SPIR-V magic 0x{words[0]:x8}");

        var binding = new Dictionary<uint, uint>();
        var set = new Dictionary<uint, uint>();
        var nonWritableVar = new HashSet<uint>();
        var memberNonWritable = new Dictionary<uint, int>();
        var memberOffset = new Dictionary<(uint, uint), uint>();
        var arrayStride = new Dictionary<uint, uint>();
        var scalarBytes = new Dictionary<uint, uint>();
        var vector = new Dictionary<uint, (uint Elem, uint Count)>();
        var array = new Dictionary<uint, (uint Elem, uint LengthId)>();
        var structs = new Dictionary<uint, uint[]>();
        var pointers = new Dictionary<uint, (uint Storage, uint Type)>();
        var constants = new Dictionary<uint, uint>();
        var bufferImages = new HashSet<uint>();   // OpTypeImage with Dim Buffer
        var sampledBufferImages = new HashSet<uint>();
        var variables = new List<(uint Id, uint PointerType, uint Storage)>();
        (uint, uint, uint) local = (1, 1, 1);

        for (int i = 5; i < words.Length;)
        {
            uint count = words[i] >> 16, op = words[i] & 0xffff;
            if (count == 0) throw new InvalidDataException($"kernel '{name}': malformed SPIR-V at word {i}");
            var w = words.Slice(i, (int)count);
            switch (op)
            {
                case 16 when w[2] == 17: local = (w[3], w[4], w[5]); break; // OpExecutionMode LocalSize
                case 71: // OpDecorate
                    if (w[2] == 33) binding[w[1]] = w[3];
                    else if (w[2] == 34) set[w[1]] = w[3];
                    else if (w[2] == 24) nonWritableVar.Add(w[1]);
                    else if (w[2] == 6) arrayStride[w[1]] = w[3];
                    break;
                case 72: // OpMemberDecorate
                    if (w[3] == 35) memberOffset[(w[1], w[2])] = w[4];
                    else if (w[3] == 24) memberNonWritable[w[1]] = memberNonWritable.GetValueOrDefault(w[1]) + 1;
                    break;
                case 21: case 22: scalarBytes[w[1]] = w[2] / 8; break; // OpTypeInt / OpTypeFloat
                case 23: vector[w[1]] = (w[2], w[3]); break; // OpTypeVector
                case 28: array[w[1]] = (w[2], w[3]); break; // OpTypeArray
                case 30: structs[w[1]] = w.Slice(2).ToArray(); break; // OpTypeStruct
                case 32: pointers[w[1]] = (w[2], w[3]); break; // OpTypePointer
                case 25 when w[3] == 5: bufferImages.Add(w[1]); break; // OpTypeImage, Dim Buffer
                case 27 when bufferImages.Contains(w[2]): sampledBufferImages.Add(w[1]); break; // OpTypeSampledImage
                case 43: constants[w[2]] = w[3]; break; // OpConstant (low word is enough for lengths)
                case 59: variables.Add((w[2], w[1], w[3])); break; // OpVariable
            }
            i += (int)count;
        }

        uint SizeOf(uint type)
        {
            if (scalarBytes.TryGetValue(type, out var s)) return s;
            if (vector.TryGetValue(type, out var v)) return SizeOf(v.Elem) * v.Count;
            if (array.TryGetValue(type, out var a))
                return (arrayStride.TryGetValue(type, out var stride) ? stride : SizeOf(a.Elem)) * constants.GetValueOrDefault(a.LengthId);
            if (structs.TryGetValue(type, out var members))
            {
                uint end = 0;
                for (uint m = 0; m < members.Length; m++)
                    end = Math.Max(end, memberOffset.GetValueOrDefault((type, m)) + SizeOf(members[m]));
                return end;
            }
            throw new InvalidDataException($"kernel '{name}': push constants use a type FieldForge cannot size (id {type})");
        }

        var bindings = new List<(uint Binding, bool Writable, bool Texel)>();
        int push = 0;
        foreach (var (id, ptrType, storage) in variables)
        {
            if (storage == 9) push = (int)SizeOf(pointers[ptrType].Type); // PushConstant
            else if (storage is 12 or 2) // StorageBuffer, or Uniform
            {
                uint blockType = pointers[ptrType].Type;
                if (storage == 2) throw new InvalidDataException($"kernel '{name}' uses a uniform block; FieldForge kernels take storage buffers and push constants");
                if (set.GetValueOrDefault(id) != 0) throw new InvalidDataException($"kernel '{name}' uses descriptor set {set[id]}; only set 0 is supported");
                bool readOnly = nonWritableVar.Contains(id) ||
                    (structs.TryGetValue(blockType, out var members) && memberNonWritable.GetValueOrDefault(blockType) >= members.Length);
                bindings.Add((binding.GetValueOrDefault(id), !readOnly, false));
            }
            else if (storage == 0 && sampledBufferImages.Contains(pointers[ptrType].Type)) // UniformConstant samplerBuffer
            {
                if (set.GetValueOrDefault(id) != 0) throw new InvalidDataException($"kernel '{name}' uses descriptor set {set[id]}; only set 0 is supported");
                bindings.Add((binding.GetValueOrDefault(id), false, true));
            }
        }
        bindings.Sort((a, b) => a.Binding.CompareTo(b.Binding));
        return new SpirvReflection(bindings.Select(b => (int)b.Binding).ToArray(), bindings.Select(b => b.Writable).ToArray(), push, local,
            bindings.Select(b => b.Texel).ToArray());
    }
}
