using System.Globalization;
using FieldForge.Core;
using System.Numerics;

namespace FieldForge.Acoustics;

/// <summary>
/// Acoustic materials of a room mesh: the OBJ file's <c>usemtl</c> names mapped to normal-incidence reflection
/// coefficients, with each material's surface area. A name matches the first table entry it contains
/// (case-insensitive, so <c>Oak_Wood_Table</c> is <c>wood</c>); <c>name=R</c> pairs add or override entries.
/// </summary>
public sealed class SurfaceMaterials
{
    /// <summary>Built-in normal-incidence reflection coefficients (frequency-independent, typical around 250–500 Hz).</summary>
    public static IReadOnlyList<(string Name, double Reflection)> Defaults { get; } =
    [
        ("concrete", 0.98), ("tile", 0.98), ("marble", 0.98), ("brick", 0.97), ("plaster", 0.95), ("glass", 0.93),
        ("metal", 0.95), ("wood", 0.85), ("door", 0.85), ("floor", 0.9), ("wall", 0.95), ("ceiling", 0.9),
        ("carpet", 0.6), ("fabric", 0.6), ("sofa", 0.6), ("curtain", 0.5), ("acoustic_panel", 0.3), ("foam", 0.2),
    ];

    private SurfaceMaterials(IReadOnlyDictionary<string, double> areas, IReadOnlyDictionary<string, double> reflection)
    {
        Areas = areas;
        Reflection = reflection;
    }

    /// <summary>Surface area per material name, m².</summary>
    public IReadOnlyDictionary<string, double> Areas { get; }
    /// <summary>Reflection coefficient per material name.</summary>
    public IReadOnlyDictionary<string, double> Reflection { get; }

    /// <summary>
    /// The area-weighted mean wall admittance over all surfaces, as one <see cref="WallSpec"/>: the average absorption
    /// that sets the room's reverberation (Sabine's weighting), used while the solver applies one admittance to every
    /// wall face.
    /// </summary>
    public WallSpec MeanWall()
    {
        double area = 0, beta = 0;
        foreach (var (name, a) in Areas)
        {
            double r = Reflection[name];
            area += a;
            beta += a * (1 - r) / (1 + r);
        }
        double mean = beta / area, reflection = (1 - mean) / (1 + mean);
        var parts = Areas.OrderByDescending(p => p.Value).Select(p => FormattableString.Invariant($"{p.Key} {p.Value:0.##} m² R={Reflection[p.Key]:0.##}"));
        return WallSpec.FromReflection(reflection).Describe(FormattableString.Invariant($"materials R={reflection:0.###} (area-weighted: {string.Join(", ", parts)})"));
    }

    /// <summary>
    /// Reads the materials of <paramref name="mesh"/> from its OBJ text: faces before any <c>usemtl</c> are
    /// <c>default</c> (an error unless <paramref name="overrides"/> names it). <paramref name="overrides"/> is
    /// <c>name=R,name=R</c> or empty. Throws <see cref="FormatException"/> naming an unknown material.
    /// </summary>
    internal static SurfaceMaterials FromObj(string objText, TriangleMesh mesh, string source, string? overrides)
    {
        var table = Defaults.ToList();
        foreach (var pair in (overrides ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var kv = pair.Split('=');
            if (kv.Length != 2 || kv[0].Length == 0 || !double.TryParse(kv[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var r) || !(r > -1 && r <= 1))
                throw new FormatException($"material '{pair}' must be name=R with R in (-1, 1]");
            table.Insert(0, (kv[0].ToLowerInvariant(), r));
        }
        // Triangles follow the OBJ's faces in order (a face of n corners is n-2 triangles), as ObjMesh reads them.
        var areas = new Dictionary<string, double>(StringComparer.Ordinal);
        var reflection = new Dictionary<string, double>(StringComparer.Ordinal);
        string material = "default";
        int triangle = 0;
        foreach (var raw in objText.Split('\n'))
        {
            var line = raw.Trim();
            if (line.StartsWith("usemtl", StringComparison.Ordinal) && line.Length > 6 && char.IsWhiteSpace(line[6]))
                material = line[7..].Trim();
            else if (line.StartsWith("f ", StringComparison.Ordinal) || line.StartsWith("f\t", StringComparison.Ordinal))
            {
                int corners = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length - 1;
                if (!reflection.ContainsKey(material))
                {
                    var key = material.ToLowerInvariant();
                    var match = table.FirstOrDefault(e => key.Contains(e.Name, StringComparison.Ordinal));
                    if (match.Name is null)
                        throw new FormatException($"{source}: material '{material}' is not known; name a known one ({string.Join(", ", Defaults.Select(d => d.Name))}) or give its reflection, e.g. materials:{material}=0.8");
                    reflection[material] = match.Reflection;
                }
                for (int t = 0; t < corners - 2; t++, triangle++)
                {
                    var a = mesh.Positions[mesh.Indices[3 * triangle]];
                    var b = mesh.Positions[mesh.Indices[3 * triangle + 1]];
                    var c = mesh.Positions[mesh.Indices[3 * triangle + 2]];
                    areas[material] = areas.GetValueOrDefault(material) + 0.5 * Vector3.Cross(b - a, c - a).Length();
                }
            }
        }
        if (triangle != mesh.TriangleCount) throw new InvalidDataException($"{source}: read {triangle} triangles with materials, the mesh has {mesh.TriangleCount}");
        return new SurfaceMaterials(areas, reflection);
    }
}
