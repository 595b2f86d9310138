using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace FieldForge.Tests;

/// <summary>The Unity Package Manager manifest is the package's promise: its version and samples must be true.</summary>
public class PackageManifestTests
{
    private static string Root
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "package.json"))) dir = dir.Parent;
            return dir?.FullName ?? throw new InvalidOperationException("package.json not found above the test binaries");
        }
    }

    private static JsonElement Manifest => JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "package.json"))).RootElement;

    [Test]
    public void Manifest_HasTheUnityPackageFields()
    {
        var m = Manifest;
        Assert.That(m.GetProperty("name").GetString(), Does.Match(@"^[a-z0-9\-]+(\.[a-z0-9\-]+){2,}$"), "reverse-DNS lower-case name");
        Assert.That(m.GetProperty("version").GetString(), Does.Match(@"^\d+\.\d+\.\d+(-[0-9A-Za-z.\-]+)?(\+[0-9A-Za-z.\-]+)?$"), "semver");
        foreach (var field in new[] { "displayName", "description", "license" })
            Assert.That(m.GetProperty(field).GetString(), Is.Not.Empty, field);
        Assert.That(m.GetProperty("keywords").GetArrayLength(), Is.GreaterThan(0));
        Assert.That(m.GetProperty("author").GetProperty("name").GetString(), Is.Not.Empty);
    }

    [Test]
    public void Manifest_VersionMatchesEveryAssembly()
    {
        var version = Manifest.GetProperty("version").GetString()!;
        foreach (var asm in new[] { typeof(Gpu.GpuContext).Assembly, Assembly.Load("FieldForge.Editor") })
        {
            var info = asm.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion;
            Assert.That(Regex.Replace(info, @"\+.*$", ""), Is.EqualTo(version), asm.GetName().Name);
        }
    }

    [Test]
    public void Manifest_EverySampleExistsAndHasAProject()
    {
        var samples = Manifest.GetProperty("samples").EnumerateArray().ToArray();
        Assert.That(samples, Is.Not.Empty);
        foreach (var s in samples)
        {
            var path = s.GetProperty("path").GetString()!;
            Assert.That(s.GetProperty("displayName").GetString(), Is.Not.Empty);
            Assert.That(s.GetProperty("description").GetString(), Is.Not.Empty);
            var dir = Path.Combine(Root, path);
            Assert.That(Directory.Exists(dir), Is.True, $"sample path '{path}' does not exist");
            Assert.That(Directory.GetFiles(dir, "*.csproj"), Is.Not.Empty, $"sample '{path}' has no project to run");
        }
    }

    [Test]
    public void Layout_HasThePromisedTopLevelFolders()
    {
        foreach (var entry in new[] { "Runtime", "Editor", "Shaders", "Tests", "Samples" })
            Assert.That(Directory.Exists(Path.Combine(Root, entry)), Is.True, entry);
        foreach (var entry in new[] { "package.json", "Plugin.sln", "README.md", "LICENSE", "CHANGELOG.md", ".ci/run", "ff" })
            Assert.That(File.Exists(Path.Combine(Root, entry)), Is.True, entry);
    }
}
