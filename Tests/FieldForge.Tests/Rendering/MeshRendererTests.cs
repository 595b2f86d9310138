using System.Numerics;
using FieldForge.Rendering;
using FieldForge.Core;

namespace FieldForge.Tests.Rendering;

/// <summary>
/// Headless GL on llvmpipe. These tests FAIL (never skip) when EGL/Mesa is missing: the exception names the packages.
/// One renderer per fixture: creating a context costs tens of milliseconds.
/// </summary>
public class MeshRendererTests
{
    private MeshRenderer _renderer = null!;

    [OneTimeSetUp]
    public void CreateRenderer() => _renderer = new MeshRenderer();

    [OneTimeTearDown]
    public void DisposeRenderer() => _renderer?.Dispose();

    [SetUp]
    public void Reset()
    {
        _renderer.ClearMesh();
        _renderer.BackgroundImage = null;
        _renderer.Background = RgbaColor.Black;
        _renderer.BaseColor = new RgbaColor(200, 200, 210);
        _renderer.Lighting = new MeshLighting();
        _renderer.Camera = new OrbitCamera();
    }

    private static int Count(RgbaImage img, Func<RgbaColor, bool> predicate)
    {
        int n = 0;
        for (int y = 0; y < img.Height; y++) for (int x = 0; x < img.Width; x++) if (predicate(img[x, y])) n++;
        return n;
    }

    [Test]
    public void Context_IsOpenGL45Core()
    {
        TestContext.Out.WriteLine($"{_renderer.Context.Renderer} | {_renderer.Context.Version}");
        Assert.That(_renderer.Context.Version, Does.StartWith("4.5").Or.StartWith("4.6"));
    }

    [Test]
    public void UnlitSphere_CoverageMatchesProjectedDisc()
    {
        var (p, n, i) = TestMeshes.Sphere(1f, 64);
        _renderer.SetMesh(p, n, default, i);
        _renderer.Lighting = MeshLighting.Unlit;
        _renderer.BaseColor = new RgbaColor(255, 0, 0);
        _renderer.Camera = new OrbitCamera(YawDegrees: 0, PitchDegrees: 0, Distance: 4f, FieldOfViewDegrees: 40f);
        var img = _renderer.Render(256, 256);
        img.SavePng(Path.Combine(PlotRendererTests.OutputDir, "mesh-sphere-unlit.png"));
        // A sphere of radius r at distance d subtends asin(r/d); on screen it is a disc of NDC radius
        // tan(asin(r/d)) / tan(fov/2), i.e. a fraction pi R^2 / 4 of the square frame.
        double R = Math.Tan(Math.Asin(1.0 / 4.0)) / Math.Tan(20.0 * Math.PI / 180.0);
        double expected = Math.PI * R * R / 4.0;
        double measured = Count(img, c => c.R > 127) / (256.0 * 256.0);
        // 1 %: the 64-segment sphere's silhouette is an inscribed polygon (area factor cos^2(pi/64) ~ 0.998), and edge
        // pixels at a 91-pixel radius are counted at 50 % MSAA coverage (~0.3 % of the disc area either way).
        Assert.That(measured, Is.EqualTo(expected).Within(0.01 * expected), $"coverage {measured:F4} vs {expected:F4}");
        Assert.That(img[128, 128], Is.EqualTo(new RgbaColor(255, 0, 0)), "unlit centre is exactly the base colour");
        Assert.That(img[0, 0], Is.EqualTo(RgbaColor.Black));
        Assert.That(img[255, 255], Is.EqualTo(RgbaColor.Black));
    }

    [Test]
    public void LitCube_ShowsThreeShadedFacesOnBackground()
    {
        var (p, n, i) = TestMeshes.Cube();
        _renderer.SetMesh(p, n, default, i);
        _renderer.BaseColor = new RgbaColor(220, 30, 30);
        _renderer.Background = new RgbaColor(20, 40, 60);
        _renderer.Camera = new OrbitCamera(YawDegrees: 35, PitchDegrees: 25);
        _renderer.FrameMesh();
        var img = _renderer.Render(200, 160);
        img.SavePng(Path.Combine(PlotRendererTests.OutputDir, "mesh-cube-lit.png"));
        var bg = new RgbaColor(20, 40, 60);
        Assert.That(new[] { img[0, 0], img[199, 0], img[0, 159], img[199, 159] }, Is.All.EqualTo(bg), "corners show the background");
        var centre = img[100, 80];
        Assert.That(centre.R, Is.GreaterThan(2 * centre.G), $"centre {centre} is red");
        // Three visible faces at different angles to the light: three distinct brightness levels of red.
        var top = img[100, 45]; var left = img[75, 100]; var right = img[125, 100];
        TestContext.Out.WriteLine($"top {top} left {left} right {right}");
        Assert.That(new[] { top.R, left.R, right.R }.Distinct().Count(), Is.EqualTo(3), $"faces {top}, {left}, {right} differ in shade");
        Assert.That(new[] { top, left, right }.All(c => c.R > c.G && c.R > c.B), Is.True, "all faces are red");
    }

    [Test]
    public void CubeWithoutNormals_IsShadedFlatPerFace()
    {
        var (p, _, i) = TestMeshes.Cube();
        _renderer.SetMesh(p, default, default, i);
        _renderer.FrameMesh();
        var img = _renderer.Render(200, 160);
        var top = img[100, 45]; var left = img[75, 100]; var right = img[125, 100];
        Assert.That(new[] { top.R, left.R, right.R }.Distinct().Count(), Is.EqualTo(3), $"faces {top}, {left}, {right} differ in shade");
    }

    [Test]
    public void VertexColors_ReplaceBaseColor()
    {
        var (p, n, i) = TestMeshes.Quad(-1, -1, 1, 1, 0);
        float[] colors = [0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1];
        _renderer.SetMesh(p, n, colors, i);
        _renderer.Lighting = MeshLighting.Unlit;
        _renderer.Camera = new OrbitCamera(0, 0, 3f);
        var img = _renderer.Render(64, 64);
        Assert.That(img[32, 32], Is.EqualTo(new RgbaColor(0, 0, 255)));
    }

    [Test]
    public void Rows_TopOfImageIsUpInTheWorld()
    {
        // A red quad above the target (y > 0) must land in the top rows: the readback is flipped to row 0 = top.
        var (p, n, i) = TestMeshes.Quad(-0.5f, 0.3f, 0.5f, 0.9f, 0);
        _renderer.SetMesh(p, n, default, i);
        _renderer.Lighting = MeshLighting.Unlit;
        _renderer.BaseColor = new RgbaColor(255, 0, 0);
        _renderer.Camera = new OrbitCamera(0, 0, 3f);
        var img = _renderer.Render(64, 64);
        int topHalf = 0, bottomHalf = 0;
        for (int y = 0; y < 64; y++) for (int x = 0; x < 64; x++) if (img[x, y].R > 127) { if (y < 32) topHalf++; else bottomHalf++; }
        Assert.That(topHalf, Is.GreaterThan(100));
        Assert.That(bottomHalf, Is.Zero);
    }

    [Test]
    public void DepthTest_NearerSurfaceWinsWhateverTheOrder()
    {
        // Two quads in one mesh: the far one (z = -0.5, green) is drawn after the near one (z = 0.5, red).
        var near = TestMeshes.Quad(-1, -1, 1, 1, 0.5f);
        var far = TestMeshes.Quad(-1, -1, 1, 1, -0.5f);
        float[] pos = [.. near.Positions, .. far.Positions];
        float[] nrm = [.. near.Normals, .. far.Normals];
        float[] col = [1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0];
        uint[] idx = [.. near.Indices, .. far.Indices.Select(k => k + 4)];
        _renderer.SetMesh(pos, nrm, col, idx);
        _renderer.Lighting = MeshLighting.Unlit;
        _renderer.Camera = new OrbitCamera(0, 0, 4f);
        Assert.That(_renderer.Render(32, 32)[16, 16], Is.EqualTo(new RgbaColor(255, 0, 0)));
        _renderer.Camera = new OrbitCamera(180, 0, 4f); // from behind, the green quad is nearer
        Assert.That(_renderer.Render(32, 32)[16, 16], Is.EqualTo(new RgbaColor(0, 255, 0)));
    }

    [Test]
    public void BackgroundImage_IsBlittedUnchangedAtSameSize()
    {
        var src = new RgbaImage(64, 48, RgbaColor.Black);
        for (int y = 0; y < 48; y++)
            for (int x = 0; x < 64; x++) src[x, y] = new RgbaColor((byte)(x * 4), (byte)(y * 5), (byte)(x < 32 ? 255 : 0));
        _renderer.BackgroundImage = src;
        var img = _renderer.Render(64, 48);
        int worst = 0;
        for (int k = 0; k < src.Pixels.Length; k++) worst = Math.Max(worst, Math.Abs(src.Pixels[k] - img.Pixels[k]));
        // Texel centres land on pixel centres at equal size, so linear filtering returns each texel exactly (1 for rounding).
        Assert.That(worst, Is.LessThanOrEqualTo(1));
    }

    [Test]
    public void Png_RoundTrip_PreservesTheFrame()
    {
        var (p, n, i) = TestMeshes.Sphere(1f, 24);
        _renderer.SetMesh(p, n, default, i);
        _renderer.FrameMesh();
        var img = _renderer.Render(96, 80);
        var path = Path.Combine(PlotRendererTests.OutputDir, "mesh-roundtrip.png");
        img.SavePng(path);
        var back = RgbaImage.LoadPng(path);
        Assert.That((back.Width, back.Height), Is.EqualTo((96, 80)));
        Assert.That(back.Pixels, Is.EqualTo(img.Pixels));
    }

    [Test]
    public void SetMesh_BadInput_IsRejectedWithMessage()
    {
        float[] p = [0, 0, 0, 1, 0, 0, 0, 1, 0];
        Assert.That(() => _renderer.SetMesh(p, default, default, [0, 1, 3]), Throws.ArgumentException.With.Message.Contains("index 2 is 3 but the mesh has 3 vertices"));
        Assert.That(() => _renderer.SetMesh(p[..8], default, default, [0, 1, 2]), Throws.ArgumentException.With.Message.Contains("xyz triples"));
        Assert.That(() => _renderer.SetMesh(p, [0, 0, 1], default, [0, 1, 2]), Throws.ArgumentException.With.Message.Contains("normals must be empty or match"));
        Assert.That(() => _renderer.SetMesh([0, float.NaN, 0, 1, 0, 0, 0, 1, 0], default, default, [0, 1, 2]), Throws.ArgumentException.With.Message.Contains("position 0 must be finite"));
        Assert.That(() => _renderer.Camera = new OrbitCamera(PitchDegrees: 95), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("pitch must be -89..89"));
        Assert.That(() => _renderer.FrameMesh(), Throws.InvalidOperationException.With.Message.Contains("no mesh to frame"));
        Assert.That(() => _renderer.Render(0, 10), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("width must be 1..8192"));
    }

    [Test]
    public void Render_FromSeveralThreads_GivesTheSameFrame()
    {
        // The context is bound per call and locked, so an editor may render from whichever thread serves a request.
        var (p, n, i) = TestMeshes.Cube();
        _renderer.SetMesh(p, n, default, i);
        _renderer.FrameMesh();
        var here = _renderer.RenderToRgba(48, 40);
        var frames = Enumerable.Range(0, 3).Select(_ => Task.Run(() => _renderer.RenderToRgba(48, 40))).ToArray();
        Task.WaitAll(frames);
        foreach (var f in frames) Assert.That(f.Result, Is.EqualTo(here));
    }

    [Test]
    public void Turntable_ToGif_DecodesCloseToTheRenderedFrames()
    {
        var (p, n, i) = TestMeshes.Sphere(1f, 32);
        var colors = new float[p.Length];
        for (int k = 0; k < p.Length; k += 3) { colors[k] = 0.5f + 0.5f * p[k]; colors[k + 1] = 0.5f + 0.5f * p[k + 1]; colors[k + 2] = 0.6f; }
        _renderer.SetMesh(p, n, colors, i);
        _renderer.FrameMesh();
        var rendered = new List<RgbaImage>();
        var path = Path.Combine(PlotRendererTests.OutputDir, "turntable.gif");
        using (var gif = new GifWriter(path, 96, 72, new GifOptions(FrameDelayMs: 60)))
            for (int f = 0; f < 6; f++)
            {
                _renderer.Camera = _renderer.Camera with { YawDegrees = 60f * f };
                rendered.Add(_renderer.Render(96, 72));
                gif.AddFrame(rendered[^1]);
            }
        using var stream = File.OpenRead(path);
        var decoded = StbImageSharp.ImageResult.AnimatedGifFramesFromStream(stream, StbImageSharp.ColorComponents.RedGreenBlueAlpha)
            .Select(fr => new RgbaImage(fr.Width, fr.Height, (byte[])fr.Data.Clone())).ToList();
        Assert.That(decoded, Has.Count.EqualTo(6));
        decoded[3].SavePng(Path.Combine(PlotRendererTests.OutputDir, "turntable-frame3.png"));
        Assert.That(rendered[0].Pixels, Is.Not.EqualTo(rendered[3].Pixels), "the frames differ as the camera turns");
        for (int f = 0; f < 6; f++)
        {
            double sum = 0;
            for (int k = 0; k < rendered[f].Pixels.Length; k++) sum += Math.Abs(rendered[f].Pixels[k] - decoded[f].Pixels[k]);
            // Smooth shading over a dark background: 256 median-cut colours keep the mean error around 1 level (3 allowed).
            Assert.That(sum / rendered[f].Pixels.Length, Is.LessThan(3.0), $"frame {f}");
        }
    }

    [Test]
    public void SecondRendererOnSharedContext_SingleSample_HasHardEdges()
    {
        // Two renderers share one context (each keeps its own GL objects); without MSAA an unlit disc has no blended
        // edge pixels, with it (the first renderer) it has some.
        using var aliased = new MeshRenderer(_renderer.Context, samples: 1);
        Assert.That(aliased.Samples, Is.EqualTo(1));
        var (p, n, i) = TestMeshes.Sphere(1f, 32);
        foreach (var r in new[] { aliased, _renderer })
        {
            r.SetMesh(p, n, default, i);
            r.Lighting = MeshLighting.Unlit;
            r.BaseColor = new RgbaColor(255, 255, 255);
            r.Camera = new OrbitCamera(0, 0, 4f);
        }
        static int Partial(RgbaImage img) => Enumerable.Range(0, img.Width * img.Height).Count(k => img.Pixels[4 * k] is > 0 and < 255);
        Assert.That(Partial(aliased.Render(64, 64)), Is.Zero);
        Assert.That(Partial(_renderer.Render(64, 64)), Is.GreaterThan(20));
        using var many = new MeshRenderer(_renderer.Context, samples: 8);
        Assert.That(many.Samples, Is.InRange(1, 8), "clamped to the driver's GL_MAX_SAMPLES");
        Assert.That(() => new MeshRenderer(_renderer.Context, samples: 3), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("samples must be 1, 2, 4 or 8"));
    }

    [Test]
    public void PreviewWindow_WithoutDisplay_SaysToRenderOffscreen()
    {
        // The window itself needs a display and is never needed by tests; its guard is checked directly.
        Assert.That(() => PreviewWindow.CheckDisplay(null, ""), Throws.InvalidOperationException.With.Message.Contains("DISPLAY and WAYLAND_DISPLAY are unset"));
        Assert.That(() => PreviewWindow.CheckDisplay(":0", null), Throws.Nothing);
    }

    [Test]
    public void GlUnavailable_MessageNamesThePackagesToInstall()
    {
        var e = new GlUnavailableException("cannot load libEGL.so.1");
        Assert.That(e.Message, Does.StartWith("cannot load libEGL.so.1. "));
        Assert.That(e.Message, Does.Contain("apt-get install libegl1 libegl-mesa0 libgl1-mesa-dri"));
    }

    [Test]
    public void FrameMesh_NoMargin_SphereTouchesTopAndBottom()
    {
        // With margin 1 the bounding sphere exactly fills the vertical field of view: its silhouette spans the height.
        var (p, n, i) = TestMeshes.Sphere(2f, 64);
        _renderer.SetMesh(p, n, default, i);
        _renderer.Lighting = MeshLighting.Unlit;
        _renderer.BaseColor = RgbaColor.White;
        _renderer.Camera = new OrbitCamera(20, 10);
        _renderer.FrameMesh(margin: 1f);
        Assert.That(_renderer.BoundingRadius, Is.EqualTo(2f).Within(1e-4f));
        var img = _renderer.Render(160, 120);
        int top = -1, bottom = -1;
        for (int y = 0; y < 120; y++) if (img[80, y].R > 127) { if (top < 0) top = y; bottom = y; }
        // One pixel of slack each side: the 64-segment polygon sits inside the true sphere by ~0.1 % of its radius.
        Assert.That(top, Is.InRange(0, 1));
        Assert.That(bottom, Is.InRange(118, 119));
    }

    [Test]
    public void FrameMesh_FitsAnOffCentreMeshInView()
    {
        var (p, n, i) = TestMeshes.Cube(2f, 10, -5, 3);
        _renderer.SetMesh(p, n, default, i);
        _renderer.FrameMesh();
        Assert.That(_renderer.Camera.Target, Is.EqualTo(new Vector3(10, -5, 3)));
        var img = _renderer.Render(64, 64);
        Assert.That(img[32, 32], Is.Not.EqualTo(RgbaColor.Black), "mesh at the centre");
        for (int k = 0; k < 64; k++)
            Assert.That(new[] { img[k, 0], img[k, 63], img[0, k], img[63, k] }, Is.All.EqualTo(RgbaColor.Black), "nothing touches the border");
    }
}
