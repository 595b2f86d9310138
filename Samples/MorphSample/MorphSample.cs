using FieldForge.Components;
using FieldForge.Gpu;
using FieldForge.Core;

namespace FieldForge.Samples;

/// <summary>A game loop that ticks a <see cref="MorphComponent"/> (box -> torus) and saves the mid-morph mesh as OBJ.</summary>
public static class MorphSample
{
    /// <summary>Runs a few frames and writes morph_mid.obj into <paramref name="outputDirectory"/>; returns its path.
    /// <paramref name="small"/> uses a 24^3 grid instead of 96^3.</summary>
    public static IReadOnlyList<string> Run(GpuContext gpu, string outputDirectory, bool small = false)
    {
        Directory.CreateDirectory(outputDirectory);

        // The host is what your game loop talks to: add components once, call Tick(dt) every frame. All components'
        // GPU work for a frame goes into ONE submission.
        using var host = new ComponentHost(gpu);
        var morph = host.Add(new MorphComponent
        {
            ReadBackMesh = true,                 // this sample saves the mesh; a game draws morph.Surface on the GPU instead
            SourceA = "roundbox:0.8,r=0.08",   // primitive specs, or a path to an .obj/.gltf/.glb mesh
            SourceB = "torus:R=0.6,r=0.2",
            Animate = true,                      // sweep t 0 -> 1 -> 0 over PeriodSeconds of game time
            PeriodSeconds = 2f,
            Resolution = small ? 24 : 96,        // grid points per axis: cost grows with the cube
        });

        // Five frames of 0.1 s: after 0.5 s of a 2 s period the sweep is at t = 0.5, half box, half torus.
        const double dt = 0.1;
        for (int frame = 0; frame < 5; frame++)
        {
            host.Tick(dt);
            Console.WriteLine($"frame {frame}: t = {morph.CurrentT:F2}, {morph.LastMesh?.TriangleCount ?? 0} triangles, {host.LastFrameMilliseconds:F0} ms");
        }

        // When a surface outgrows the GPU output buffers, that frame only enlarges them (LastMesh keeps the previous
        // mesh and MeshIsCurrent is false); the next tick re-extracts by itself. dt = 0 keeps the same t.
        if (!morph.MeshIsCurrent) host.Tick(0);
        var mesh = morph.LastMesh ?? throw new InvalidOperationException("the morph produced no mesh");

        // The extracted surface is closed (watertight) at every t; vertex colours blend the sources' colours.
        string path = Path.Combine(outputDirectory, "morph_mid.obj");
        ObjFormat.Write(path, mesh);
        return [path];
    }
}
