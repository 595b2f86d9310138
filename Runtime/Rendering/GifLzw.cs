namespace FieldForge.Rendering;

/// <summary>
/// GIF's variable-length LZW (codes 9..12 bits, LSB-first, minimum code size 8) written as image data sub-blocks.
/// The dictionary resets with a clear code when it reaches 4096 entries.
/// </summary>
internal static class GifLzw
{
    private const int MinCodeSize = 8, Clear = 1 << MinCodeSize, End = Clear + 1, MaxCodes = 4096;

    public static void Encode(ReadOnlySpan<byte> indices, Stream output)
    {
        output.WriteByte(MinCodeSize);
        var writer = new BitWriter(output);
        // Entry for (prefix code, next byte) -> code; 0 = absent (no entry is ever assigned code 0).
        var table = new short[MaxCodes * 256];
        int codeSize = MinCodeSize + 1, next = End + 1;
        writer.Write(Clear, codeSize);
        if (indices.Length > 0)
        {
            int prefix = indices[0];
            for (int i = 1; i < indices.Length; i++)
            {
                int k = indices[i], slot = prefix * 256 + k;
                if (table[slot] != 0) { prefix = table[slot]; continue; }
                writer.Write(prefix, codeSize);
                table[slot] = (short)next++;
                // The decoder adds its entries one code later than we do, so it widens after it has seen this many.
                if (next > 1 << codeSize && codeSize < 12) codeSize++;
                if (next == MaxCodes)
                {
                    writer.Write(Clear, codeSize);
                    Array.Clear(table);
                    codeSize = MinCodeSize + 1; next = End + 1;
                }
                prefix = k;
            }
            writer.Write(prefix, codeSize);
        }
        writer.Write(End, codeSize);
        writer.Flush();
        output.WriteByte(0); // block terminator
    }

    /// <summary>Packs codes LSB-first and emits them in sub-blocks of at most 255 bytes.</summary>
    private sealed class BitWriter(Stream output)
    {
        private readonly byte[] _block = new byte[255];
        private int _blockLength, _bitCount;
        private uint _bits;

        public void Write(int code, int size)
        {
            _bits |= (uint)code << _bitCount;
            _bitCount += size;
            while (_bitCount >= 8) { Put((byte)_bits); _bits >>= 8; _bitCount -= 8; }
        }

        public void Flush()
        {
            if (_bitCount > 0) { Put((byte)_bits); _bits = 0; _bitCount = 0; }
            if (_blockLength > 0) { output.WriteByte((byte)_blockLength); output.Write(_block, 0, _blockLength); _blockLength = 0; }
        }

        private void Put(byte b)
        {
            _block[_blockLength++] = b;
            if (_blockLength == 255) { output.WriteByte(255); output.Write(_block, 0, 255); _blockLength = 0; }
        }
    }
}
