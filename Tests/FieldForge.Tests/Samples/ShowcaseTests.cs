using FieldForge.Showcase;

namespace FieldForge.Tests.Samples;

/// <summary>Runs every showcase step with small sizes on the validated context; each must produce what it lists.</summary>
public class ShowcaseTests : GpuTest
{
    private static IEnumerable<TestCaseData> Steps() => typeof(IShowcaseStep).Assembly.GetTypes()
        .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IShowcaseStep).IsAssignableFrom(t))
        .OrderBy(t => t.Name)
        .Select(t => new TestCaseData(t).SetName($"ShowcaseStep_{t.Name}_QuickRun_WritesEveryListedFile"));

    [TestCaseSource(nameof(Steps))]
    public void Step_QuickRun_WritesEveryListedFile(Type stepType)
    {
        var step = (IShowcaseStep)Activator.CreateInstance(stepType)!;
        var dir = Path.Combine(Path.GetTempPath(), $"ff-showcase-{stepType.Name}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir); // as the showcase's Program does before running steps
        try
        {
            var result = step.Run(Gpu, new ShowcaseOptions(dir, Quick: true));
            Assert.That(result.Summary, Is.Not.Empty, "a step reports what it did");
            foreach (var file in result.Files)
            {
                var path = Path.Combine(dir, file);
                Assert.That(File.Exists(path), Is.True, $"{step.Title} listed {file} but did not write it");
                Assert.That(new FileInfo(path).Length, Is.GreaterThan(0), file);
            }
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, true);
        }
    }
}
