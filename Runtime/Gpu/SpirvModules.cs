using System.Reflection;

namespace FieldForge.Gpu;

/// <summary>
/// Finds SPIR-V modules by kernel name. Each FieldForge layer embeds its own kernels as
/// <c>FieldForge.Shaders.&lt;kernel&gt;.spv</c> resources; a layer's assembly is loaded before it asks for its kernels,
/// so looking through the loaded FieldForge assemblies finds every kernel that can be requested.
/// </summary>
internal static class SpirvModules
{
    private const string Prefix = "FieldForge.Shaders.", Suffix = ".spv";

    /// <summary>Kernel names in every loaded FieldForge assembly, sorted.</summary>
    public static IReadOnlyList<string> Names => Assemblies()
        .SelectMany(a => a.GetManifestResourceNames())
        .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal) && n.EndsWith(Suffix, StringComparison.Ordinal))
        .Select(n => n[Prefix.Length..^Suffix.Length]).Distinct().Order(StringComparer.Ordinal).ToArray();

    /// <summary>The module's bytes, or null when no loaded assembly embeds <paramref name="kernel"/>.</summary>
    public static byte[]? Find(string kernel)
    {
        foreach (var assembly in Assemblies())
        {
            using var stream = assembly.GetManifestResourceStream(Prefix + kernel + Suffix);
            if (stream is null) continue;
            var bytes = new byte[stream.Length];
            stream.ReadExactly(bytes);
            return bytes;
        }
        return null;
    }

    private static IEnumerable<Assembly> Assemblies() => AppDomain.CurrentDomain.GetAssemblies()
        .Where(a => !a.IsDynamic && (a.GetName().Name?.StartsWith("FieldForge", StringComparison.Ordinal) ?? false));
}
