namespace FieldForge.Core;

/// <summary>
/// Writes files so that a reader never sees half a file and an existing good file survives any failure: the bytes go
/// to a uniquely named temporary file in the target's folder, are flushed to disk, and then replace the target in one
/// rename. A failure (disk full, exception in the writer) deletes the temporary file and leaves the target as it was.
/// </summary>
public static class AtomicFile
{
    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/> atomically, creating its folder.</summary>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        var copy = bytes.ToArray();
        Write(path, s => s.Write(copy));
    }

    /// <summary>Writes UTF-8 text (no byte-order mark) to <paramref name="path"/> atomically.</summary>
    public static void WriteAllText(string path, string text) => Write(path, s =>
    {
        using var w = new StreamWriter(s, new System.Text.UTF8Encoding(false), leaveOpen: true);
        w.Write(text);
    });

    /// <summary>Lets <paramref name="write"/> fill a stream that replaces <paramref name="path"/> only when it returns.</summary>
    /// <exception cref="IOException"><paramref name="path"/> is a folder, or the write failed (the old file is intact).</exception>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(write);
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full)) throw new IOException($"'{path}' is a folder, not a file");
        var dir = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(dir);
        var temp = Path.Combine(dir, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            try { File.Delete(temp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            throw;
        }
    }
}
