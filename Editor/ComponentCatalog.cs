using System.Reflection;
using FieldForge.Components;

namespace FieldForge.Editor;

/// <summary>
/// Finds the component types the editor can offer: non-abstract <see cref="Component"/> subclasses with a public
/// parameterless constructor. Found by reflection so a feature's component appears in the editor without any list
/// to edit.
/// </summary>
public static class ComponentCatalog
{
    /// <summary>Component types in <paramref name="assemblies"/> (the Runtime assembly when none are given), sorted by name.</summary>
    public static IReadOnlyList<Type> Discover(params Assembly[] assemblies)
    {
        if (assemblies.Length == 0) assemblies = new[] { typeof(Component).Assembly };
        return assemblies.SelectMany(LoadableTypes).Where(IsEditable).OrderBy(t => t.Name, StringComparer.Ordinal).ToArray();
    }

    /// <summary>True when the editor can create and inspect instances of <paramref name="type"/>.</summary>
    public static bool IsEditable(Type type) =>
        type is { IsClass: true, IsAbstract: false, IsGenericTypeDefinition: false } &&
        typeof(Component).IsAssignableFrom(type) && type.GetConstructor(Type.EmptyTypes) is not null;

    private static IEnumerable<Type> LoadableTypes(Assembly assembly)
    {
        try { return assembly.GetTypes(); }
        catch (ReflectionTypeLoadException e) { return e.Types.OfType<Type>(); }
    }
}
