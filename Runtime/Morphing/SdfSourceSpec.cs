using System.Numerics;

namespace FieldForge.Morphing;

/// <summary>Turns the text a user types (CLI argument, inspector field) into a source: a primitive spec or a mesh file.</summary>
public static class SdfSourceSpec
{
    /// <summary>
    /// <paramref name="specOrPath"/> is a primitive spec (<see cref="SdfShape.Parse"/>; coloured <paramref name="colour"/>
    /// unless the spec sets rgb=) or an existing .obj/.gltf/.glb file (<see cref="MeshSdfSource"/>). Throws
    /// <see cref="FormatException"/> or <see cref="InvalidDataException"/> saying what is wrong.
    /// </summary>
    public static ISdfSource Load(string specOrPath, Vector3? colour = null, float narrowBandVoxels = 8f)
    {
        ArgumentNullException.ThrowIfNull(specOrPath);
        bool isFile = File.Exists(specOrPath);
        if (!isFile && (SdfShape.LooksLikeSpec(specOrPath) || (specOrPath.Contains(':') && !Path.HasExtension(specOrPath))))
        {
            var shape = SdfShape.Parse(specOrPath);
            return colour is { } c && !specOrPath.Contains("rgb=", StringComparison.Ordinal) ? shape.WithColour(c) : shape;
        }
        if (!isFile)
            throw new FormatException($"'{specOrPath}' is neither a primitive spec (sphere:r=0.5, box:0.8x0.6x0.4, roundbox:0.8,r=0.1, torus:R=0.6,r=0.2, capsule:h=0.4,r=0.2, cylinder:r=0.3,h=0.5) nor an existing mesh file");
        return MeshSdfSource.Load(specOrPath, narrowBandVoxels);
    }
}
