using FieldForge.Gpu;

namespace FieldForge.Tests;

/// <summary>
/// One validated GPU context for the whole test run (creating one costs ~100 ms on lavapipe).
/// Every GPU test derives from <see cref="GpuTest"/>, whose TearDown fails the test that caused any validation
/// warning or error and prints what the layer said.
/// </summary>
[SetUpFixture]
public sealed class GpuTestEnvironment
{
    private static GpuContext? _shared;

    /// <summary>The shared context (validation on, pipeline cache in a temp folder).</summary>
    public static GpuContext Shared => _shared ??= GpuContext.Create(Options);

    public static GpuContextOptions Options { get; } =
        new(EnableValidation: true, CacheDirectory: Path.Combine(Path.GetTempPath(), "fieldforge-test-cache"));

    [OneTimeTearDown]
    public void DisposeShared()
    {
        if (_shared is null) return;
        _shared.Dispose();
        var leftovers = _shared.DrainValidationMessages();
        _shared = null;
        if (leftovers.Count > 0) Assert.Fail("validation messages at context teardown:\n" + string.Join("\n", leftovers));
    }
}

public abstract class GpuTest
{
    protected static GpuContext Gpu => GpuTestEnvironment.Shared;

    [SetUp]
    public void ClearValidation() => Gpu.DrainValidationMessages();

    [TearDown]
    public void AssertNoValidationMessages()
    {
        var messages = Gpu.DrainValidationMessages();
        if (messages.Count > 0) Assert.Fail($"{messages.Count} validation message(s):\n" + string.Join("\n", messages.Take(20)));
    }

    /// <summary>Deterministic test data.</summary>
    protected static Random Rng(int seed = 1234) => new(seed);
}
