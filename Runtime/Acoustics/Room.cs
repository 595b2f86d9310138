using FieldForge.Core;
using System.Globalization;
using System.Numerics;

namespace FieldForge.Acoustics;

/// <summary>
/// The air volume of a room: a box, a union of boxes (e.g. an L-shape) or a closed OBJ mesh, plus its wall
/// impedance. Coordinates are metres. <see cref="Voxelize"/> turns it into the FDTD grid.
/// </summary>
public sealed class Room
{
    private readonly (Vector3 Min, Vector3 Max)[] _boxes;
    private readonly TriangleMesh? _mesh;
    private readonly string? _objText; // kept for its usemtl names (surface materials)

    private Room((Vector3, Vector3)[] boxes, TriangleMesh? mesh, WallSpec walls, string description, string? objText = null)
    {
        _boxes = boxes;
        _mesh = mesh;
        _objText = objText;
        Walls = walls;
        Description = description;
        if (mesh is not null) (Min, Max) = (Bounds.Of(mesh.Positions).Min, Bounds.Of(mesh.Positions).Max);
        else
        {
            Min = boxes.Select(b => b.Item1).Aggregate(Vector3.Min);
            Max = boxes.Select(b => b.Item2).Aggregate(Vector3.Max);
        }
    }

    /// <summary>Lower corner of the bounding box (metres).</summary>
    public Vector3 Min { get; }
    /// <summary>Upper corner of the bounding box (metres).</summary>
    public Vector3 Max { get; }
    /// <summary>Wall impedance (the same on every wall).</summary>
    public WallSpec Walls { get; }
    /// <summary>The spec the room came from, e.g. <c>box:4x3x2.5</c>.</summary>
    public string Description { get; }

    /// <summary>A shoebox spanning [0,lx]x[0,ly]x[0,lz] metres.</summary>
    public static Room Box(double lx, double ly, double lz) =>
        Union(new[] { (Vector3.Zero, new Vector3((float)lx, (float)ly, (float)lz)) },
            FormattableString.Invariant($"box:{lx}x{ly}x{lz}"));

    /// <summary>The union of axis-aligned boxes given as (min, max) corners in metres.</summary>
    public static Room Union(IEnumerable<(Vector3 Min, Vector3 Max)> boxes, string? description = null)
    {
        var list = boxes.ToArray();
        if (list.Length == 0) throw new ArgumentException("a room needs at least one box", nameof(boxes));
        foreach (var (min, max) in list)
        {
            if (!IsFinite(min) || !IsFinite(max)) throw new ArgumentException($"box corners must be finite, got {min} {max}", nameof(boxes));
            if (max.X <= min.X || max.Y <= min.Y || max.Z <= min.Z) throw new ArgumentException($"box max {max} must exceed min {min} on every axis", nameof(boxes));
        }
        return new Room(list, null, WallSpec.Rigid, description ?? "union:" + string.Join(",", list.Select(b => Corners(b.Min, b.Max))));
    }

    /// <summary>An L-shaped room: the box [0,lx]x[0,ly]x[0,lz] minus the corner x &gt; cutX, y &gt; cutY.</summary>
    public static Room LShape(double lx, double ly, double lz, double cutX, double cutY)
    {
        if (!(cutX > 0 && cutX < lx && cutY > 0 && cutY < ly)) throw new ArgumentOutOfRangeException(nameof(cutX), $"L-shape cut ({cutX}, {cutY}) must lie inside (0,{lx})x(0,{ly})");
        return Union(new[]
        {
            (Vector3.Zero, new Vector3((float)lx, (float)cutY, (float)lz)),
            (Vector3.Zero, new Vector3((float)cutX, (float)ly, (float)lz)),
        }, FormattableString.Invariant($"lshape:{lx}x{ly}x{lz},cut={cutX}x{cutY}"));
    }

    /// <summary>A closed triangle mesh (OBJ text) as the room's boundary; inside is decided by ray parity.</summary>
    public static Room FromObjText(string objText, string source = "mesh")
    {
        using var reader = new StringReader(objText);
        var mesh = FromMesh(ObjFormat.Read(reader, source), source);
        return new(Array.Empty<(Vector3, Vector3)>(), mesh._mesh, WallSpec.Rigid, mesh.Description, objText);
    }

    /// <summary>A closed triangle mesh (metres) as the room's boundary; inside is decided by ray parity.</summary>
    /// <exception cref="InvalidDataException">The mesh cannot enclose a volume.</exception>
    public static Room FromMesh(TriangleMesh mesh, string source = "mesh")
    {
        ArgumentNullException.ThrowIfNull(mesh);
        if (mesh.TriangleCount < 4) throw new InvalidDataException($"{source}: a closed room mesh needs at least 4 triangles, found {mesh.TriangleCount}");
        // Ray parity over an open mesh gives an arbitrary inside; refuse it like morph and fit sdf do.
        MeshTopology.RequireClosed(mesh.Validate(source), source);
        return new(Array.Empty<(Vector3, Vector3)>(), mesh, WallSpec.Rigid, "obj:" + source);
    }

    /// <summary>Reads a closed OBJ mesh file as the room.</summary>
    public static Room FromObjFile(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"room mesh '{path}' does not exist", path);
        return FromObjText(File.ReadAllText(path), path);
    }

    /// <summary>
    /// Parses a room spec in the one <see cref="Spec"/> grammar, lower corner at the origin, metres:
    /// <c>box:LXxLYxLZ</c> (full extents, like every <c>box</c>), <c>lshape:LXxLYxLZ,cut=CXxCY</c> (the corner
    /// x &gt; CX, y &gt; CY removed), <c>union:MINxMINxMIN..MAXxMAXxMAX,...</c> (boxes by corners) or <c>obj:path.obj</c>.
    /// Throws <see cref="FormatException"/> naming the problem.
    /// </summary>
    public static Room Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!text.Contains(':')) throw new FormatException($"room spec '{text}' needs a kind prefix: box:LXxLYxLZ, lshape:..., union:... or obj:path");
        var spec = Spec.Parse(text, "room");
        try
        {
            switch (spec.Kind)
            {
                case "box":
                {
                    var size = spec.Vector("size", positional: true);
                    spec.RejectUnknown();
                    return Box(size.X, size.Y, size.Z);
                }
                case "lshape":
                {
                    var size = spec.Vector("size", positional: true);
                    var cut = spec.Pair("cut");
                    spec.RejectUnknown();
                    return LShape(size.X, size.Y, size.Z, cut.X, cut.Y);
                }
                case "union":
                {
                    var boxes = spec.Ranges();
                    spec.RejectUnknown();
                    return Union(boxes, text);
                }
                case "obj":
                    return FromObjFile(spec.Body);
                default:
                    throw spec.Error($"unknown kind '{spec.Kind}' for a room (box, lshape, union, obj)");
            }
        }
        catch (ArgumentException e)
        {
            throw spec.Error(e.Message);
        }
    }

    /// <summary>The same room with other walls.</summary>
    public Room WithWalls(WallSpec walls) => new(_boxes, _mesh, walls ?? throw new ArgumentNullException(nameof(walls)), Description, _objText);

    /// <summary>
    /// The same room with walls from text: <c>rigid</c>, <c>R=..</c>, <c>Z=..</c> (see <see cref="WallSpec.Parse"/>), or
    /// for a room read from OBJ <c>materials</c> / <c>materials:name=R,...</c>: the mesh's <c>usemtl</c> surfaces through
    /// <see cref="SurfaceMaterials"/> (their area-weighted mean admittance).
    /// </summary>
    public Room WithWalls(string walls, double density = 1.2, double speedOfSound = 343)
    {
        ArgumentNullException.ThrowIfNull(walls);
        var t = walls.Trim();
        if (!t.StartsWith("materials", StringComparison.OrdinalIgnoreCase)) return WithWalls(WallSpec.Parse(t, density, speedOfSound));
        if (t.Length > 9 && t[9] != ':') throw new FormatException($"wall '{walls}' must be 'materials' or 'materials:name=R,...'");
        if (_mesh is null || _objText is null) throw new FormatException($"wall '{walls}' reads the materials of a room read from OBJ, but {Description} is not one; use rigid, R=.. or Z=..");
        return WithWalls(Materials(t.Length > 10 ? t[10..] : null).MeanWall());
    }

    /// <summary>The surface materials of a room read from OBJ (<paramref name="overrides"/>: <c>name=R,...</c>). Throws
    /// <see cref="InvalidOperationException"/> for other rooms, which have no materials.</summary>
    public SurfaceMaterials Materials(string? overrides = null)
    {
        if (_mesh is null || _objText is null) throw new InvalidOperationException($"room {Description} was not read from OBJ, so it has no surface materials; use a wall spec such as R=0.9");
        return SurfaceMaterials.FromObj(_objText, _mesh, Description, overrides);
    }

    /// <summary>True when <paramref name="point"/> (metres) lies in the air volume.</summary>
    public bool Contains(Vector3 point)
    {
        if (_mesh is null)
        {
            foreach (var (min, max) in _boxes)
                if (point.X >= min.X && point.X <= max.X && point.Y >= min.Y && point.Y <= max.Y && point.Z >= min.Z && point.Z <= max.Z) return true;
            return false;
        }
        var (y, z) = Jitter(point.Y, point.Z);
        return CrossingsAlongX(_mesh, y, z).Count(x => x < point.X) % 2 == 1;
    }

    /// <summary>Number of cells a grid of <paramref name="spacing"/> metres over the bounding box has (for memory estimates).</summary>
    public long CellCount(double spacing)
    {
        var (nx, ny, nz) = Dimensions(spacing);
        return (long)nx * ny * nz;
    }

    internal (int Nx, int Ny, int Nz) Dimensions(double spacing)
    {
        var size = Max - Min;
        static int N(double length, double h) => Math.Max(1, (int)Math.Min(int.MaxValue / 4, Math.Round(length / h)));
        return (N(size.X, spacing), N(size.Y, spacing), N(size.Z, spacing));
    }

    /// <summary>Voxelises the room: a cell is air when its centre is inside. The grid starts at <see cref="Min"/>.</summary>
    public RoomGrid Voxelize(double spacing)
    {
        if (!(spacing > 0) || !double.IsFinite(spacing)) throw new ArgumentOutOfRangeException(nameof(spacing), spacing, "grid spacing must be a positive number of metres");
        var (nx, ny, nz) = Dimensions(spacing);
        long cells = (long)nx * ny * nz;
        if (cells > int.MaxValue / 4) throw new ArgumentOutOfRangeException(nameof(spacing), $"a spacing of {spacing} m gives {cells} cells, too many for one grid");
        var air = new bool[cells];
        float h = (float)spacing;
        for (int k = 0; k < nz; k++)
        for (int j = 0; j < ny; j++)
        {
            float y = Min.Y + (j + 0.5f) * h, z = Min.Z + (k + 0.5f) * h;
            List<float>? crossings = null;
            if (_mesh is not null)
            {
                var (jy, jz) = Jitter(y, z);
                crossings = CrossingsAlongX(_mesh, jy, jz);
            }
            for (int i = 0; i < nx; i++)
            {
                var p = new Vector3(Min.X + (i + 0.5f) * h, y, z);
                air[i + (long)nx * (j + (long)ny * k)] = crossings is null ? Contains(p) : crossings.Count(x => x < p.X) % 2 == 1;
            }
        }
        return new RoomGrid(nx, ny, nz, spacing, Min, air);
    }

    /// <summary>Where the walls land on a grid of <paramref name="spacing"/> metres (see <see cref="RoomSnapping"/>): each box
    /// wall (or, for a mesh, each side of its bounding box) moves to the cell face <see cref="Voxelize"/> puts it on.</summary>
    public RoomSnapping Snap(double spacing)
    {
        if (!(spacing > 0) || !double.IsFinite(spacing)) throw new ArgumentOutOfRangeException(nameof(spacing), spacing, "grid spacing must be a positive number of metres");
        var (nx, ny, nz) = Dimensions(spacing);
        int[] n = [nx, ny, nz];
        string[] axes = ["x", "y", "z"];
        double worst = -1;
        string worstWall = "";
        var boxes = _mesh is null ? _boxes : new[] { (Min, Max) };
        var snapped = new (double Lo, double Hi)[boxes.Length, 3];
        for (int b = 0; b < boxes.Length; b++)
        for (int a = 0; a < 3; a++)
        {
            double o = Min[a], lo = boxes[b].Item1[a], hi = boxes[b].Item2[a];
            // Cell i is air when its centre o + (i + 1/2) h lies in [lo, hi]: the walls sit on the faces around those cells.
            double first = Math.Clamp(Math.Ceiling((lo - o) / spacing - 0.5), 0, n[a]);
            double end = Math.Clamp(Math.Floor((hi - o) / spacing - 0.5) + 1, 0, n[a]);
            snapped[b, a] = (o + first * spacing, o + end * spacing);
            foreach (var (wall, at) in new[] { (lo, snapped[b, a].Lo), (hi, snapped[b, a].Hi) })
            {
                double shift = Math.Abs(at - wall);
                if (shift <= worst) continue;
                worst = shift;
                worstWall = FormattableString.Invariant($"{axes[a]} = {wall:0.###} m -> {at:0.###} m");
            }
        }
        string effective = boxes.Length == 1 && boxes[0].Item1 == Vector3.Zero && _mesh is null
            ? FormattableString.Invariant($"box:{snapped[0, 0].Hi:0.###}x{snapped[0, 1].Hi:0.###}x{snapped[0, 2].Hi:0.###}")
            : _mesh is not null
                ? FormattableString.Invariant($"{Description} with bounding box {snapped[0, 0].Hi - snapped[0, 0].Lo:0.###} x {snapped[0, 1].Hi - snapped[0, 1].Lo:0.###} x {snapped[0, 2].Hi - snapped[0, 2].Lo:0.###} m")
                : "union:" + string.Join(";", Enumerable.Range(0, boxes.Length).Select(b => FormattableString.Invariant(
                    $"{snapped[b, 0].Lo:0.###},{snapped[b, 1].Lo:0.###},{snapped[b, 2].Lo:0.###},{snapped[b, 0].Hi:0.###},{snapped[b, 1].Hi:0.###},{snapped[b, 2].Hi:0.###}")));
        return new RoomSnapping(Description, effective, spacing, worst, worstWall);
    }

    /// <summary>X coordinates where the line {(x, y, z) : x real} crosses the mesh, sorted; inside/outside along the row
    /// follows from the parity of crossings to the left (the mesh must be closed). Callers jitter y/z off grid edges.</summary>
    private static List<float> CrossingsAlongX(TriangleMesh mesh, float y, float z)
    {
        var xs = new List<float>();
        var p = mesh.Positions; var idx = mesh.Indices;
        for (int t = 0; t < idx.Length; t += 3)
        {
            var a = p[idx[t]]; var b = p[idx[t + 1]]; var c = p[idx[t + 2]];
            // Barycentric test of (y, z) in the triangle's projection onto the yz plane.
            double d = (double)(b.Y - a.Y) * (c.Z - a.Z) - (double)(c.Y - a.Y) * (b.Z - a.Z);
            if (Math.Abs(d) < 1e-20) continue; // parallel to the ray
            double u = ((double)(y - a.Y) * (c.Z - a.Z) - (double)(c.Y - a.Y) * (z - a.Z)) / d;
            double v = ((double)(b.Y - a.Y) * (z - a.Z) - (double)(y - a.Y) * (b.Z - a.Z)) / d;
            if (u < 0 || v < 0 || u + v > 1) continue;
            xs.Add((float)(a.X + u * (b.X - a.X) + v * (c.X - a.X)));
        }
        xs.Sort();
        return xs;
    }

    // Rays exactly through mesh edges/vertices (common for grid-aligned meshes) would count a crossing twice.
    private static (float, float) Jitter(float y, float z) => (y + 1.31e-5f, z + 0.73e-5f);

    private static bool IsFinite(Vector3 v) => float.IsFinite(v.X) && float.IsFinite(v.Y) && float.IsFinite(v.Z);

    private static string Corners(Vector3 a, Vector3 b) => FormattableString.Invariant($"{a.X}x{a.Y}x{a.Z}..{b.X}x{b.Y}x{b.Z}");

    /// <inheritdoc/>
    public override string ToString() => $"{Description} (walls {Walls})";
}
