using System.Numerics;
using Silk.NET.OpenGL;
using FieldForge.Core;

namespace FieldForge.Rendering;

/// <summary>
/// Renders one indexed triangle mesh, lit, from an <see cref="OrbitCamera"/> into an offscreen framebuffer (4x MSAA)
/// and reads the frame back as RGBA8, top row first. Meshes come as plain arrays, exactly as the isosurfacer and
/// mesh loaders produce them. Without normals the mesh is shaded flat per face; without colours it uses
/// <see cref="BaseColor"/>. Two-sided lighting, so inconsistent winding still shades correctly.
/// <code>
/// using var renderer = new MeshRenderer();
/// renderer.SetMesh(positions, normals, colors: default, indices);
/// renderer.FrameMesh();
/// renderer.Render(512, 512).SavePng("mesh.png");
/// </code>
/// </summary>
public sealed unsafe class MeshRenderer : IDisposable
{
    /// <summary>Largest frame edge in pixels (what llvmpipe and every GL 4.5 driver support comfortably).</summary>
    public const int MaxSize = 8192;

    private const string MeshVertex = """
        #version 450 core
        layout(location = 0) in vec3 aPosition;
        layout(location = 1) in vec3 aNormal;
        layout(location = 2) in vec3 aColor;
        uniform mat4 uViewProj;
        out vec3 vWorld;
        out vec3 vNormal;
        out vec3 vColor;
        void main() {
            vWorld = aPosition; vNormal = aNormal; vColor = aColor;
            gl_Position = uViewProj * vec4(aPosition, 1.0);
        }
        """;

    private const string MeshFragment = """
        #version 450 core
        in vec3 vWorld;
        in vec3 vNormal;
        in vec3 vColor;
        uniform vec3 uEye;
        uniform vec3 uLightDir;
        uniform vec3 uLighting; // ambient, specular, shininess
        uniform int uHasNormals;
        out vec4 fragColor;
        void main() {
            // Without normals (or with degenerate ones) shade the face itself, from screen-space derivatives.
            vec3 n = vNormal;
            if (uHasNormals == 0 || dot(n, n) < 1e-12) n = cross(dFdx(vWorld), dFdy(vWorld));
            n = normalize(n);
            vec3 v = normalize(uEye - vWorld);
            if (dot(n, v) < 0.0) n = -n; // two-sided: a back face is lit like a front face
            vec3 l = normalize(uLightDir);
            float diffuse = max(dot(n, l), 0.0);
            float specular = uLighting.y * pow(max(dot(n, normalize(l + v)), 0.0), uLighting.z) * step(0.0, dot(n, l));
            vec3 c = vColor * (uLighting.x + (1.0 - uLighting.x) * diffuse) + vec3(specular);
            fragColor = vec4(clamp(c, 0.0, 1.0), 1.0);
        }
        """;

    private readonly GlContext _context;
    private readonly bool _ownsContext;
    private readonly GL _gl;
    private readonly uint _meshProgram, _blitProgram, _meshVao, _blitVao;
    private readonly uint _positionBuffer, _normalBuffer, _colorBuffer, _indexBuffer;
    private readonly int _uViewProj, _uEye, _uLightDir, _uLighting, _uHasNormals;
    private uint _msaaFbo, _msaaColor, _msaaDepth, _resolveFbo, _resolveColor, _backgroundTexture;
    private int _frameWidth, _frameHeight, _indexCount;
    private bool _hasNormals, _hasBackgroundImage, _disposed;
    private RgbaImage? _backgroundImage;
    private OrbitCamera _camera = new();
    private MeshLighting _lighting = new();

    /// <summary>A renderer with its own headless GL context (<see cref="GlContext.CreateHeadless"/>).</summary>
    /// <exception cref="GlUnavailableException">No EGL / OpenGL 4.5; the message says what to install.</exception>
    public MeshRenderer(int samples = 4) : this(GlContext.CreateHeadless(), ownsContext: true, samples) { }

    /// <summary>A renderer on an existing context (not disposed with the renderer).</summary>
    public MeshRenderer(GlContext context, int samples = 4) : this(context, ownsContext: false, samples) { }

    private MeshRenderer(GlContext context, bool ownsContext, int samples)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (samples is not (1 or 2 or 4 or 8))
        {
            if (ownsContext) context.Dispose();
            throw new ArgumentOutOfRangeException(nameof(samples), samples, $"samples must be 1, 2, 4 or 8, got {samples}");
        }
        _context = context; _ownsContext = ownsContext; _gl = context.Gl;
        try
        {
            using var bound = context.Bind();
            Samples = Math.Max(1, Math.Min(samples, _gl.GetInteger(GLEnum.MaxSamples)));
            _meshProgram = GlProgram.Build(_gl, "mesh", MeshVertex, MeshFragment);
            _blitProgram = GlProgram.Build(_gl, "image blit", GlProgram.BlitVertex, GlProgram.BlitFragment);
            _uViewProj = _gl.GetUniformLocation(_meshProgram, "uViewProj");
            _uEye = _gl.GetUniformLocation(_meshProgram, "uEye");
            _uLightDir = _gl.GetUniformLocation(_meshProgram, "uLightDir");
            _uLighting = _gl.GetUniformLocation(_meshProgram, "uLighting");
            _uHasNormals = _gl.GetUniformLocation(_meshProgram, "uHasNormals");

            _meshVao = _gl.GenVertexArray();
            _blitVao = _gl.GenVertexArray();
            _positionBuffer = _gl.GenBuffer(); _normalBuffer = _gl.GenBuffer(); _colorBuffer = _gl.GenBuffer(); _indexBuffer = _gl.GenBuffer();
            _gl.BindVertexArray(_meshVao);
            BindAttribute(0, _positionBuffer);
            BindAttribute(1, _normalBuffer);
            BindAttribute(2, _colorBuffer);
            _gl.BindBuffer(BufferTargetARB.ElementArrayBuffer, _indexBuffer);
            _gl.BindVertexArray(0);
            _context.Check("creating the mesh renderer");
        }
        catch
        {
            if (ownsContext) context.Dispose();
            throw;
        }
    }

    /// <summary>The GL context this renderer draws with.</summary>
    public GlContext Context => _context;

    /// <summary>MSAA samples per pixel (1 = no anti-aliasing): as asked, clamped to what the driver supports.</summary>
    public int Samples { get; }

    /// <summary>Where the frame is seen from. <see cref="FrameMesh"/> fits it to the current mesh.</summary>
    public OrbitCamera Camera
    {
        get => _camera;
        set { ArgumentNullException.ThrowIfNull(value); value.Validate(); _camera = value; }
    }

    /// <summary>Ambient, diffuse and specular shading.</summary>
    public MeshLighting Lighting
    {
        get => _lighting;
        set { ArgumentNullException.ThrowIfNull(value); value.Validate(); _lighting = value; }
    }

    /// <summary>The colour behind the mesh (alpha is written as given).</summary>
    public RgbaColor Background { get; set; } = new(0, 0, 0);

    /// <summary>The colour of meshes given without per-vertex colours.</summary>
    public RgbaColor BaseColor { get; set; } = new(200, 200, 210);

    /// <summary>
    /// An image drawn behind the mesh, stretched to the frame (uploaded as a texture once, when set; linear filtering).
    /// Null shows <see cref="Background"/>.
    /// </summary>
    public RgbaImage? BackgroundImage
    {
        get => _backgroundImage;
        set
        {
            ThrowIfDisposed();
            using var bound = _context.Bind();
            if (value is null) { _hasBackgroundImage = false; _backgroundImage = null; return; }
            if (value.Width > MaxSize || value.Height > MaxSize)
                throw new ArgumentOutOfRangeException(nameof(value), $"background image must be at most {MaxSize} pixels a side, got {value.Width}x{value.Height}");
            if (_backgroundTexture == 0) _backgroundTexture = _gl.GenTexture();
            _gl.BindTexture(TextureTarget.Texture2D, _backgroundTexture);
            _gl.PixelStore(PixelStoreParameter.UnpackAlignment, 1);
            fixed (byte* p = value.Pixels)
                _gl.TexImage2D(TextureTarget.Texture2D, 0, InternalFormat.Rgba8, (uint)value.Width, (uint)value.Height, 0, PixelFormat.Rgba, PixelType.UnsignedByte, p);
            _gl.TexParameter(TextureTarget.Texture2D, TextureParameterName.TextureMinFilter, (int)TextureMinFilter.Linear);
            _gl.TexParameter(TextureTarget.Texture2D, TextureParameterName.TextureMagFilter, (int)TextureMagFilter.Linear);
            _gl.TexParameter(TextureTarget.Texture2D, TextureParameterName.TextureWrapS, (int)TextureWrapMode.ClampToEdge);
            _gl.TexParameter(TextureTarget.Texture2D, TextureParameterName.TextureWrapT, (int)TextureWrapMode.ClampToEdge);
            _gl.BindTexture(TextureTarget.Texture2D, 0);
            _context.Check("uploading the background image");
            _backgroundImage = value;
            _hasBackgroundImage = true;
        }
    }

    /// <summary>Number of triangles currently uploaded.</summary>
    public int TriangleCount => _indexCount / 3;

    /// <summary>Axis-aligned bounds of the current mesh's positions (zero when there is no mesh).</summary>
    public (Vector3 Min, Vector3 Max) Bounds { get; private set; }

    /// <summary>The largest distance of a vertex from the centre of <see cref="Bounds"/> (world units): the bounding
    /// sphere <see cref="FrameMesh"/> fits to the view.</summary>
    public float BoundingRadius { get; private set; }

    /// <summary>
    /// Uploads an indexed triangle mesh, replacing the previous one: <paramref name="positions"/> xyz per vertex,
    /// <paramref name="normals"/> xyz per vertex or empty (flat shading), <paramref name="colors"/> rgb 0..1 per vertex
    /// or empty (<see cref="BaseColor"/>), <paramref name="indices"/> three per triangle.
    /// </summary>
    /// <exception cref="ArgumentException">Lengths disagree, a value is not finite, or an index is out of range.</exception>
    public void SetMesh(ReadOnlySpan<float> positions, ReadOnlySpan<float> normals, ReadOnlySpan<float> colors, ReadOnlySpan<uint> indices)
    {
        ThrowIfDisposed();
        if (positions.Length % 3 != 0) throw new ArgumentException($"positions must hold xyz triples, got {positions.Length} floats", nameof(positions));
        int vertices = positions.Length / 3;
        if (normals.Length != 0 && normals.Length != positions.Length)
            throw new ArgumentException($"normals must be empty or match positions ({positions.Length} floats), got {normals.Length}", nameof(normals));
        if (colors.Length != 0 && colors.Length != positions.Length)
            throw new ArgumentException($"colors must be empty or rgb per vertex ({positions.Length} floats), got {colors.Length}", nameof(colors));
        if (indices.Length % 3 != 0) throw new ArgumentException($"indices must come in threes (triangles), got {indices.Length}", nameof(indices));
        var min = new Vector3(float.PositiveInfinity); var max = new Vector3(float.NegativeInfinity);
        for (int i = 0; i < vertices; i++)
        {
            var p = new Vector3(positions[3 * i], positions[3 * i + 1], positions[3 * i + 2]);
            if (!float.IsFinite(p.X) || !float.IsFinite(p.Y) || !float.IsFinite(p.Z))
                throw new ArgumentException($"position {i} must be finite, got {p}", nameof(positions));
            min = Vector3.Min(min, p); max = Vector3.Max(max, p);
        }
        var centre = vertices > 0 ? (min + max) * 0.5f : Vector3.Zero;
        float radius2 = 0f;
        for (int i = 0; i < vertices; i++)
            radius2 = MathF.Max(radius2, Vector3.DistanceSquared(centre, new Vector3(positions[3 * i], positions[3 * i + 1], positions[3 * i + 2])));
        for (int i = 0; i < normals.Length; i++)
            if (!float.IsFinite(normals[i])) throw new ArgumentException($"normal {i / 3} must be finite, got {normals[i]} in component {i % 3}", nameof(normals));
        for (int i = 0; i < colors.Length; i++)
            if (!float.IsFinite(colors[i])) throw new ArgumentException($"color {i / 3} must be finite, got {colors[i]} in component {i % 3}", nameof(colors));
        for (int i = 0; i < indices.Length; i++)
            if (indices[i] >= (uint)vertices) throw new ArgumentException($"index {i} is {indices[i]} but the mesh has {vertices} vertices", nameof(indices));

        using var bound = _context.Bind();
        _gl.BindVertexArray(_meshVao);
        Upload(BufferTargetARB.ArrayBuffer, _positionBuffer, positions);
        _hasNormals = normals.Length > 0;
        if (_hasNormals) { Upload(BufferTargetARB.ArrayBuffer, _normalBuffer, normals); _gl.EnableVertexAttribArray(1); }
        else { _gl.DisableVertexAttribArray(1); _gl.VertexAttrib3(1, 0f, 0f, 0f); }
        if (colors.Length > 0) { Upload(BufferTargetARB.ArrayBuffer, _colorBuffer, colors); _gl.EnableVertexAttribArray(2); }
        else _gl.DisableVertexAttribArray(2);
        Upload(BufferTargetARB.ElementArrayBuffer, _indexBuffer, indices);
        _gl.BindVertexArray(0);
        _context.Check("uploading the mesh");
        _indexCount = indices.Length;
        Bounds = vertices > 0 ? (min, max) : (Vector3.Zero, Vector3.Zero);
        BoundingRadius = MathF.Sqrt(radius2);
    }

    /// <summary>Removes the mesh (frames then show only the background).</summary>
    public void ClearMesh()
    {
        ThrowIfDisposed();
        using var bound = _context.Bind();
        _indexCount = 0;
        Bounds = (Vector3.Zero, Vector3.Zero);
        BoundingRadius = 0f;
    }

    /// <summary>Points the camera at the mesh's centre from its current yaw and pitch, far enough to see all of it.</summary>
    /// <exception cref="InvalidOperationException">No mesh has been set.</exception>
    public void FrameMesh(float margin = 1.1f)
    {
        if (_indexCount == 0) throw new InvalidOperationException("there is no mesh to frame; call SetMesh with at least one triangle first");
        Camera = _camera.Framing((Bounds.Min + Bounds.Max) * 0.5f, BoundingRadius, margin);
    }

    /// <summary>Renders a frame and returns it as RGBA8 bytes, width*height*4, row 0 at the top.</summary>
    public byte[] RenderToRgba(int width, int height)
    {
        var pixels = new byte[checked(CheckSize(width, nameof(width)) * CheckSize(height, nameof(height)) * 4)];
        RenderInto(width, height, pixels);
        return pixels;
    }

    /// <summary>Renders a frame as an <see cref="RgbaImage"/> (save it with <see cref="RgbaImage.SavePng"/>).</summary>
    public RgbaImage Render(int width, int height) => new(width, height, RenderToRgba(width, height));

    private void RenderInto(int width, int height, byte[] pixels)
    {
        ThrowIfDisposed();
        using var bound = _context.Bind();
        EnsureFramebuffer(width, height);
        _gl.BindFramebuffer(FramebufferTarget.Framebuffer, Samples > 1 ? _msaaFbo : _resolveFbo);
        _gl.Viewport(0, 0, (uint)width, (uint)height);
        // System.Numerics projections map depth to 0..1, as GL 4.5's clip control can (set per frame: the context may be shared).
        _gl.ClipControl(ClipControlOrigin.LowerLeft, ClipControlDepth.ZeroToOne);
        var (r, g, b, a) = Background.ToFloats();
        _gl.ClearColor(r, g, b, a);
        _gl.ClearDepth(1.0);
        _gl.Clear(ClearBufferMask.ColorBufferBit | ClearBufferMask.DepthBufferBit);

        if (_hasBackgroundImage)
        {
            _gl.Disable(EnableCap.DepthTest);
            _gl.UseProgram(_blitProgram);
            _gl.ActiveTexture(TextureUnit.Texture0);
            _gl.BindTexture(TextureTarget.Texture2D, _backgroundTexture);
            _gl.BindVertexArray(_blitVao);
            _gl.DrawArrays(PrimitiveType.Triangles, 0, 3);
        }

        if (_indexCount > 0)
        {
            _gl.Enable(EnableCap.DepthTest);
            _gl.DepthFunc(DepthFunction.Less);
            _gl.Disable(EnableCap.CullFace);
            _gl.UseProgram(_meshProgram);
            var (near, far) = ClipPlanes();
            var viewProj = _camera.ViewProjection((float)width / height, near, far);
            // Row-vector System.Numerics memory is the column-major layout GLSL's mat * vec expects.
            _gl.UniformMatrix4(_uViewProj, 1, false, (float*)&viewProj);
            var eye = _camera.Eye;
            _gl.Uniform3(_uEye, eye.X, eye.Y, eye.Z);
            var light = KeyLight();
            _gl.Uniform3(_uLightDir, light.X, light.Y, light.Z);
            _gl.Uniform3(_uLighting, _lighting.Ambient, _lighting.Specular, _lighting.Shininess);
            _gl.Uniform1(_uHasNormals, _hasNormals ? 1 : 0);
            _gl.BindVertexArray(_meshVao);
            if (!_hasNormals) _gl.VertexAttrib3(1, 0f, 0f, 0f);
            var (cr, cg, cb, _) = BaseColor.ToFloats();
            // A disabled attribute array reads this constant instead: the base colour for meshes without colours.
            _gl.VertexAttrib3(2, cr, cg, cb);
            _gl.DrawElements(PrimitiveType.Triangles, (uint)_indexCount, DrawElementsType.UnsignedInt, (void*)0);
        }
        _gl.BindVertexArray(0);

        if (Samples > 1)
        {
            _gl.BindFramebuffer(FramebufferTarget.ReadFramebuffer, _msaaFbo);
            _gl.BindFramebuffer(FramebufferTarget.DrawFramebuffer, _resolveFbo);
            _gl.BlitFramebuffer(0, 0, width, height, 0, 0, width, height, ClearBufferMask.ColorBufferBit, BlitFramebufferFilter.Nearest);
        }
        _gl.BindFramebuffer(FramebufferTarget.ReadFramebuffer, _resolveFbo);
        _gl.PixelStore(PixelStoreParameter.PackAlignment, 1);
        fixed (byte* p = pixels) _gl.ReadPixels(0, 0, (uint)width, (uint)height, PixelFormat.Rgba, PixelType.UnsignedByte, p);
        _gl.BindFramebuffer(FramebufferTarget.Framebuffer, 0);
        _context.Check("rendering the mesh");
        FlipRows(pixels, width, height);
    }

    /// <summary>The key light: from above and to the left of the camera, slightly towards it (world space, towards the light).</summary>
    private Vector3 KeyLight()
    {
        var forward = Vector3.Normalize(_camera.Target - _camera.Eye);
        var right = Vector3.Normalize(Vector3.Cross(forward, Vector3.UnitY));
        var up = Vector3.Cross(right, forward);
        return Vector3.Normalize(-0.45f * right + 0.6f * up - 0.65f * forward);
    }

    /// <summary>Near and far planes hugging the mesh's bounding sphere, so depth precision goes where the mesh is.</summary>
    private (float Near, float Far) ClipPlanes()
    {
        var centre = (Bounds.Min + Bounds.Max) * 0.5f;
        float radius = MathF.Max(BoundingRadius, 1e-4f);
        float d = Vector3.Distance(_camera.Eye, centre);
        float far = d + radius * 1.05f;
        float near = MathF.Max(d - radius * 1.05f, far * 1e-4f);
        return (near, far);
    }

    private void EnsureFramebuffer(int width, int height)
    {
        if (width == _frameWidth && height == _frameHeight) return;
        DeleteFramebuffers();
        if (Samples > 1)
        {
            _msaaFbo = _gl.GenFramebuffer();
            _msaaColor = _gl.GenRenderbuffer();
            _msaaDepth = _gl.GenRenderbuffer();
            _gl.BindRenderbuffer(RenderbufferTarget.Renderbuffer, _msaaColor);
            _gl.RenderbufferStorageMultisample(RenderbufferTarget.Renderbuffer, (uint)Samples, InternalFormat.Rgba8, (uint)width, (uint)height);
            _gl.BindRenderbuffer(RenderbufferTarget.Renderbuffer, _msaaDepth);
            _gl.RenderbufferStorageMultisample(RenderbufferTarget.Renderbuffer, (uint)Samples, InternalFormat.DepthComponent24, (uint)width, (uint)height);
            _gl.BindFramebuffer(FramebufferTarget.Framebuffer, _msaaFbo);
            _gl.FramebufferRenderbuffer(FramebufferTarget.Framebuffer, FramebufferAttachment.ColorAttachment0, RenderbufferTarget.Renderbuffer, _msaaColor);
            _gl.FramebufferRenderbuffer(FramebufferTarget.Framebuffer, FramebufferAttachment.DepthAttachment, RenderbufferTarget.Renderbuffer, _msaaDepth);
            CheckFramebuffer("multisampled");
        }
        _resolveFbo = _gl.GenFramebuffer();
        _resolveColor = _gl.GenRenderbuffer();
        _gl.BindRenderbuffer(RenderbufferTarget.Renderbuffer, _resolveColor);
        _gl.RenderbufferStorage(RenderbufferTarget.Renderbuffer, InternalFormat.Rgba8, (uint)width, (uint)height);
        _gl.BindFramebuffer(FramebufferTarget.Framebuffer, _resolveFbo);
        _gl.FramebufferRenderbuffer(FramebufferTarget.Framebuffer, FramebufferAttachment.ColorAttachment0, RenderbufferTarget.Renderbuffer, _resolveColor);
        if (Samples == 1)
        {
            // Single-sampled frames render straight into this framebuffer, so it needs the depth buffer.
            _msaaDepth = _gl.GenRenderbuffer();
            _gl.BindRenderbuffer(RenderbufferTarget.Renderbuffer, _msaaDepth);
            _gl.RenderbufferStorage(RenderbufferTarget.Renderbuffer, InternalFormat.DepthComponent24, (uint)width, (uint)height);
            _gl.FramebufferRenderbuffer(FramebufferTarget.Framebuffer, FramebufferAttachment.DepthAttachment, RenderbufferTarget.Renderbuffer, _msaaDepth);
        }
        CheckFramebuffer("resolve");
        _gl.BindRenderbuffer(RenderbufferTarget.Renderbuffer, 0);
        _gl.BindFramebuffer(FramebufferTarget.Framebuffer, 0);
        _context.Check($"creating a {width}x{height} framebuffer");
        _frameWidth = width; _frameHeight = height;
    }

    private void CheckFramebuffer(string which)
    {
        var status = _gl.CheckFramebufferStatus(FramebufferTarget.Framebuffer);
        if (status != GLEnum.FramebufferComplete) throw new GlException($"the {which} framebuffer is incomplete ({status})");
    }

    private void DeleteFramebuffers()
    {
        if (_msaaFbo != 0) _gl.DeleteFramebuffer(_msaaFbo);
        if (_resolveFbo != 0) _gl.DeleteFramebuffer(_resolveFbo);
        if (_msaaColor != 0) _gl.DeleteRenderbuffer(_msaaColor);
        if (_msaaDepth != 0) _gl.DeleteRenderbuffer(_msaaDepth);
        if (_resolveColor != 0) _gl.DeleteRenderbuffer(_resolveColor);
        _msaaFbo = _resolveFbo = _msaaColor = _msaaDepth = _resolveColor = 0;
        _frameWidth = _frameHeight = 0;
    }

    private void BindAttribute(uint index, uint buffer)
    {
        _gl.BindBuffer(BufferTargetARB.ArrayBuffer, buffer);
        _gl.VertexAttribPointer(index, 3, VertexAttribPointerType.Float, false, 3 * sizeof(float), (void*)0);
        _gl.EnableVertexAttribArray(index);
    }

    private void Upload<T>(BufferTargetARB target, uint buffer, ReadOnlySpan<T> data) where T : unmanaged
    {
        _gl.BindBuffer(target, buffer);
        _gl.BufferData(target, data, BufferUsageARB.StaticDraw);
    }

    private static void FlipRows(byte[] pixels, int width, int height)
    {
        int stride = width * 4;
        Span<byte> tmp = stride <= 16384 ? stackalloc byte[stride] : new byte[stride];
        for (int y = 0; y < height / 2; y++)
        {
            var top = pixels.AsSpan(y * stride, stride);
            var bottom = pixels.AsSpan((height - 1 - y) * stride, stride);
            top.CopyTo(tmp); bottom.CopyTo(top); tmp.CopyTo(bottom);
        }
    }

    private static int CheckSize(int value, string name)
    {
        if (value is < 1 or > MaxSize) throw new ArgumentOutOfRangeException(name, value, $"{name} must be 1..{MaxSize} pixels, got {value}");
        return value;
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    /// <summary>Frees the GL objects (and the context when the renderer created it).</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        using (_context.Bind())
        {
            DeleteFramebuffers();
            _gl.DeleteBuffer(_positionBuffer); _gl.DeleteBuffer(_normalBuffer); _gl.DeleteBuffer(_colorBuffer); _gl.DeleteBuffer(_indexBuffer);
            _gl.DeleteVertexArray(_meshVao); _gl.DeleteVertexArray(_blitVao);
            if (_backgroundTexture != 0) _gl.DeleteTexture(_backgroundTexture);
            _gl.DeleteProgram(_meshProgram); _gl.DeleteProgram(_blitProgram);
        }
        if (_ownsContext) _context.Dispose();
    }
}
