namespace FieldForge.Rendering;

/// <summary>
/// How <see cref="MeshRenderer"/> shades: a key light from above-left of the camera (Lambert diffuse), an
/// <paramref name="Ambient"/> floor (0..1 of the base colour), and a Blinn-Phong highlight of strength
/// <paramref name="Specular"/> (0..1) and exponent <paramref name="Shininess"/> (1..512). Ambient 1 with specular 0
/// renders flat, unlit colours.
/// </summary>
public sealed record MeshLighting(float Ambient = 0.25f, float Specular = 0.25f, float Shininess = 32f)
{
    /// <summary>Flat, unlit colours (what the mesh's colours are, exactly).</summary>
    public static MeshLighting Unlit { get; } = new(1f, 0f, 1f);

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first bad parameter.</summary>
    public void Validate()
    {
        if (!(Ambient is >= 0f and <= 1f)) throw new ArgumentOutOfRangeException(nameof(Ambient), Ambient, $"ambient must be 0..1, got {Ambient}");
        if (!(Specular is >= 0f and <= 1f)) throw new ArgumentOutOfRangeException(nameof(Specular), Specular, $"specular must be 0..1, got {Specular}");
        if (!(Shininess is >= 1f and <= 512f)) throw new ArgumentOutOfRangeException(nameof(Shininess), Shininess, $"shininess must be 1..512, got {Shininess}");
    }
}
