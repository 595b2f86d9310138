using System.Diagnostics;
using FieldForge.Editor;
using FieldForge.Gpu;

namespace FieldForge.Tests.Editor;

/// <summary>Starting editor sessions and waiting for the session thread in tests.</summary>
internal static class EditorTestSupport
{
    /// <summary>A session hosting the test-only <see cref="SwatchComponent"/> on its own validated GPU context.</summary>
    public static EditorSession StartSwatchSession() => StartSession(typeof(SwatchComponent));

    /// <summary>A session hosting <paramref name="components"/> on its own validated GPU context, ready to use.</summary>
    public static EditorSession StartSession(params Type[] components)
    {
        var session = new EditorSession(components,
            new EditorSessionOptions(TickIntervalMilliseconds: 20, CreateGpu: () => GpuContext.Create(GpuTestEnvironment.Options)));
        try { session.WaitUntilReadyAsync().Wait(TimeSpan.FromSeconds(30)); }
        catch { session.Dispose(); throw; }
        return session;
    }

    /// <summary>Polls the session's snapshot until <paramref name="condition"/> holds (fails the test after 15 s).</summary>
    public static SessionSnapshot WaitFor(EditorSession session, Func<SessionSnapshot, bool> condition, string what)
    {
        var sw = Stopwatch.StartNew();
        while (true)
        {
            var s = session.Snapshot;
            if (condition(s)) return s;
            if (sw.Elapsed > TimeSpan.FromSeconds(15))
                Assert.Fail($"timed out waiting for {what}; problems: {string.Join("; ", s.Problems)}");
            Thread.Sleep(10);
        }
    }

    /// <summary>Polls <paramref name="condition"/> until it holds (fails the test after 15 s).</summary>
    public static async Task WaitForAsync(Func<bool> condition, string what)
    {
        var sw = Stopwatch.StartNew();
        while (!condition())
        {
            if (sw.Elapsed > TimeSpan.FromSeconds(15)) Assert.Fail($"timed out waiting for {what}");
            await Task.Delay(10);
        }
    }

    /// <summary>The repository root (the folder holding Plugin.sln), found upwards from the test binaries.</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Plugin.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException($"no Plugin.sln above {TestContext.CurrentContext.TestDirectory}");
    }
}
