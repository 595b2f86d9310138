namespace FieldForge.Core;

/// <summary>Reads and writes meshes by file extension (.obj, .gltf/.glb read; .obj, .ply write).</summary>
public static class MeshFile
{
    /// <summary>Reads a mesh, choosing the format from the extension (.obj, .gltf or .glb); an unknown extension is an error that lists the supported ones.</summary>
    public static TriangleMesh Read(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".obj" => ObjFormat.Read(path),
        ".gltf" or ".glb" => GltfFormat.Read(path),
        var ext => throw new InvalidDataException($"'{path}': unsupported mesh format '{ext}' (read .obj, .gltf, .glb)"),
    };

    /// <summary>Writes a mesh, choosing the format from the extension (.obj or .ply); the file is replaced atomically.</summary>
    public static void Write(string path, TriangleMesh mesh)
    {
        switch (Path.GetExtension(path).ToLowerInvariant())
        {
            case ".obj": ObjFormat.Write(path, mesh); break;
            case ".ply": PlyFormat.Write(path, mesh); break;
            default: throw new InvalidDataException($"'{path}': unsupported output format (write .obj or .ply)");
        }
    }
}
