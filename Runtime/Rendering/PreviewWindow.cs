using Silk.NET.OpenGL;
using FieldForge.Core;

namespace FieldForge.Rendering;

/// <summary>
/// An on-screen window (GLFW, OpenGL 4.5 core) that shows frames rendered offscreen, for live previews when a display
/// exists. Frames are drawn by <see cref="MeshRenderer"/> (or anything producing an <see cref="RgbaImage"/>) and
/// shown letterboxed; <see cref="Run"/> adds orbit controls (left-drag turns, right-drag zooms, Esc closes).
/// Headless code never needs it. Needs libglfw3 and DISPLAY or WAYLAND_DISPLAY.
/// </summary>
public sealed unsafe class PreviewWindow : IDisposable
{
    private readonly nint _window;
    private readonly GL _gl;
    private readonly uint _program, _vao, _texture;
    private int _textureWidth, _textureHeight;
    private bool _disposed;

    /// <summary>Opens a window of <paramref name="width"/> x <paramref name="height"/> screen units.</summary>
    /// <exception cref="InvalidOperationException">There is no display (render offscreen with <see cref="MeshRenderer"/>).</exception>
    /// <exception cref="GlUnavailableException">GLFW or an OpenGL 4.5 context is missing.</exception>
    public PreviewWindow(string title, int width = 800, int height = 600)
    {
        ArgumentNullException.ThrowIfNull(title);
        if (width is < 1 or > MeshRenderer.MaxSize) throw new ArgumentOutOfRangeException(nameof(width), width, $"width must be 1..{MeshRenderer.MaxSize}, got {width}");
        if (height is < 1 or > MeshRenderer.MaxSize) throw new ArgumentOutOfRangeException(nameof(height), height, $"height must be 1..{MeshRenderer.MaxSize}, got {height}");
        CheckDisplay(Environment.GetEnvironmentVariable("DISPLAY"), Environment.GetEnvironmentVariable("WAYLAND_DISPLAY"));
        try
        {
            // glfwInit is idempotent; GLFW stays initialised for the process (like the EGL display), so other
            // windows are not torn down when this one closes.
            if (Glfw.Init() == 0) throw new GlUnavailableException($"glfwInit failed ({Glfw.LastError()})");
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            throw new GlUnavailableException($"the preview window needs GLFW: apt-get install libglfw3 (cannot load libglfw.so.3: {e.Message})", e);
        }
        Glfw.WindowHint(Glfw.ContextVersionMajor, 4);
        Glfw.WindowHint(Glfw.ContextVersionMinor, 5);
        Glfw.WindowHint(Glfw.OpenGLProfile, Glfw.OpenGLCoreProfile);
        Glfw.WindowHint(Glfw.OpenGLForwardCompat, 1);
        Glfw.WindowHint(Glfw.Resizable, 1);
        _window = Glfw.CreateWindow(width, height, title, 0, 0);
        if (_window == 0) throw new GlUnavailableException($"could not open an OpenGL 4.5 core window ({Glfw.LastError()})");
        try
        {
            Glfw.MakeContextCurrent(_window);
            Glfw.SwapInterval(1);
            _gl = GL.GetApi(name => Glfw.GetProcAddress(name));
            _program = GlProgram.Build(_gl, "window blit", GlProgram.BlitVertex, GlProgram.BlitFragment);
            _vao = _gl.GenVertexArray();
            _texture = _gl.GenTexture();
            _gl.BindTexture(TextureTarget.Texture2D, _texture);
            _gl.TexParameter(TextureTarget.Texture2D, TextureParameterName.TextureMinFilter, (int)TextureMinFilter.Linear);
            _gl.TexParameter(TextureTarget.Texture2D, TextureParameterName.TextureMagFilter, (int)TextureMagFilter.Linear);
            _gl.TexParameter(TextureTarget.Texture2D, TextureParameterName.TextureWrapS, (int)TextureWrapMode.ClampToEdge);
            _gl.TexParameter(TextureTarget.Texture2D, TextureParameterName.TextureWrapT, (int)TextureWrapMode.ClampToEdge);
            var error = _gl.GetError();
            if (error != GLEnum.NoError) throw new GlException($"OpenGL error {error} while setting up the preview window");
        }
        catch
        {
            Glfw.MakeContextCurrent(0);
            Glfw.DestroyWindow(_window);
            throw;
        }
        finally
        {
            // Released between calls, so offscreen renderers can bind their own contexts on this thread.
            Glfw.MakeContextCurrent(0);
        }
    }

    /// <summary>Whether a display server is reachable (DISPLAY or WAYLAND_DISPLAY set).</summary>
    public static bool DisplayAvailable =>
        !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DISPLAY")) || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("WAYLAND_DISPLAY"));

    /// <summary>True once the user closed the window (or pressed Esc inside <see cref="Run"/>).</summary>
    public bool ShouldClose => _disposed || Glfw.WindowShouldClose(_window) != 0;

    /// <summary>The drawable size in pixels (what to render at for a sharp picture).</summary>
    public (int Width, int Height) FramebufferSize
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            Glfw.GetFramebufferSize(_window, out int w, out int h);
            return (Math.Max(w, 1), Math.Max(h, 1));
        }
    }

    /// <summary>Shows <paramref name="frame"/> scaled to fit the window (aspect kept, black bars), then processes events.</summary>
    public void Show(RgbaImage frame)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(frame);
        Glfw.MakeContextCurrent(_window);
        try
        {
            _gl.BindTexture(TextureTarget.Texture2D, _texture);
            _gl.PixelStore(PixelStoreParameter.UnpackAlignment, 1);
            fixed (byte* p = frame.Pixels)
            {
                if (frame.Width != _textureWidth || frame.Height != _textureHeight)
                {
                    _gl.TexImage2D(TextureTarget.Texture2D, 0, InternalFormat.Rgba8, (uint)frame.Width, (uint)frame.Height, 0, PixelFormat.Rgba, PixelType.UnsignedByte, p);
                    _textureWidth = frame.Width; _textureHeight = frame.Height;
                }
                else _gl.TexSubImage2D(TextureTarget.Texture2D, 0, 0, 0, (uint)frame.Width, (uint)frame.Height, PixelFormat.Rgba, PixelType.UnsignedByte, p);
            }
            var (fw, fh) = FramebufferSize;
            _gl.BindFramebuffer(FramebufferTarget.Framebuffer, 0);
            _gl.Viewport(0, 0, (uint)fw, (uint)fh);
            _gl.ClearColor(0, 0, 0, 1);
            _gl.Clear(ClearBufferMask.ColorBufferBit);
            float scale = MathF.Min((float)fw / frame.Width, (float)fh / frame.Height);
            int w = Math.Max(1, (int)(frame.Width * scale)), h = Math.Max(1, (int)(frame.Height * scale));
            _gl.Viewport((fw - w) / 2, (fh - h) / 2, (uint)w, (uint)h);
            _gl.UseProgram(_program);
            _gl.ActiveTexture(TextureUnit.Texture0);
            _gl.BindVertexArray(_vao);
            _gl.DrawArrays(PrimitiveType.Triangles, 0, 3);
            var error = _gl.GetError();
            if (error != GLEnum.NoError) throw new GlException($"OpenGL error {error} while presenting a frame");
            Glfw.SwapBuffers(_window);
        }
        finally
        {
            Glfw.MakeContextCurrent(0);
        }
        Glfw.PollEvents();
    }

    /// <summary>
    /// Shows <paramref name="renderer"/>'s mesh until the window closes (or <paramref name="maxSeconds"/> pass):
    /// left-drag orbits, right-drag zooms, Esc closes. <paramref name="onFrame"/> (seconds since the last frame) may
    /// change the mesh or camera before each frame, e.g. to play a morph.
    /// </summary>
    public void Run(MeshRenderer renderer, Action<double>? onFrame = null, double maxSeconds = double.PositiveInfinity)
    {
        ArgumentNullException.ThrowIfNull(renderer);
        double start = Glfw.GetTime(), last = start;
        Glfw.GetCursorPos(_window, out double px, out double py);
        while (!ShouldClose && Glfw.GetTime() - start < maxSeconds)
        {
            Glfw.GetCursorPos(_window, out double x, out double y);
            double dx = x - px, dy = y - py;
            px = x; py = y;
            var camera = renderer.Camera;
            if (Glfw.GetMouseButton(_window, Glfw.MouseButtonLeft) == Glfw.Press && (dx != 0 || dy != 0))
                renderer.Camera = camera with
                {
                    YawDegrees = (float)((camera.YawDegrees - dx * 0.4) % 360.0),
                    PitchDegrees = Math.Clamp((float)(camera.PitchDegrees + dy * 0.4), -89f, 89f),
                };
            else if (Glfw.GetMouseButton(_window, Glfw.MouseButtonRight) == Glfw.Press && dy != 0)
                renderer.Camera = camera with { Distance = camera.Distance * MathF.Exp((float)(dy * 0.005)) };
            if (Glfw.GetKey(_window, Glfw.KeyEscape) == Glfw.Press) Glfw.SetWindowShouldClose(_window, 1);
            double now = Glfw.GetTime();
            onFrame?.Invoke(now - last);
            last = now;
            var (w, h) = FramebufferSize;
            Show(renderer.Render(Math.Min(w, MeshRenderer.MaxSize), Math.Min(h, MeshRenderer.MaxSize)));
        }
    }

    /// <summary>Throws when neither X11 nor Wayland is reachable, before GLFW prints its own less helpful error.</summary>
    internal static void CheckDisplay(string? x11, string? wayland)
    {
        if (string.IsNullOrEmpty(x11) && string.IsNullOrEmpty(wayland))
            throw new InvalidOperationException("no display: DISPLAY and WAYLAND_DISPLAY are unset; render offscreen with MeshRenderer and save PNG/GIF files instead");
    }

    /// <summary>Closes the window and frees its GL objects.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        Glfw.MakeContextCurrent(_window);
        _gl.DeleteTexture(_texture);
        _gl.DeleteVertexArray(_vao);
        _gl.DeleteProgram(_program);
        Glfw.MakeContextCurrent(0);
        Glfw.DestroyWindow(_window);
    }
}
