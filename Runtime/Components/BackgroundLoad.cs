using System.Diagnostics;

namespace FieldForge.Components;

/// <summary>
/// Reads something from disk on a worker thread so a component's frame never waits on a file: a FIFO, a device, a
/// hung network mount or a huge file would otherwise stall the host's thread and everything queued behind it. The
/// component polls <see cref="TryTake"/> each frame; after <see cref="Timeout"/> the load is reported as failed (the
/// worker is abandoned; it finishes or stays blocked on its own).
/// </summary>
internal sealed class BackgroundLoad<T>
{
    private readonly Task<T> _task;
    private readonly long _started = Stopwatch.GetTimestamp();

    /// <summary>Starts <paramref name="load"/> on a worker thread. <paramref name="key"/> names what is being loaded
    /// (the component restarts a load only when its key changes).</summary>
    public BackgroundLoad(string key, Func<T> load, TimeSpan timeout)
    {
        Key = key;
        Timeout = timeout;
        _task = Task.Factory.StartNew(load, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    public string Key { get; }
    public TimeSpan Timeout { get; }

    /// <summary>Seconds since the load started.</summary>
    public double ElapsedSeconds => Stopwatch.GetElapsedTime(_started).TotalSeconds;

    /// <summary>True with the result once loaded; false while running. Throws the load's exception (or a
    /// <see cref="TimeoutException"/> once <see cref="Timeout"/> passed) so the caller reports it like any other.</summary>
    public bool TryTake(out T result)
    {
        result = default!;
        if (!_task.IsCompleted)
        {
            if (Stopwatch.GetElapsedTime(_started) > Timeout)
                throw new TimeoutException($"reading took longer than {Timeout.TotalSeconds:0.#} s (a FIFO, device or unreachable file?)");
            return false;
        }
        result = _task.GetAwaiter().GetResult(); // rethrows the load's own exception
        return true;
    }

    /// <summary>Checks that <paramref name="path"/> is a non-empty regular file before anything opens it. A FIFO or a
    /// character device reports length 0 (and opening one for reading can block forever); directories do not exist as files.</summary>
    public static void RequireRegularFile(string path, string parameter)
    {
        var info = new FileInfo(path);
        if (!info.Exists) throw new FileNotFoundException($"{parameter}: no file '{path}'", path);
        if (info.Length == 0) throw new InvalidDataException($"{parameter}: '{path}' is empty or not a regular file");
    }
}
