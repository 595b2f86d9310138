using Silk.NET.OpenGL;

namespace FieldForge.Rendering;

/// <summary>
/// A headless OpenGL 4.5 core context through EGL on the surfaceless platform (Mesa; llvmpipe when there is no GPU):
/// no window or display server needed. Renderers draw into framebuffer objects. The context is made current only
/// while an operation runs (<see cref="Bind"/>, which also takes a lock), so it may be used from any thread: calls
/// from several threads (an editor's request handlers) are serialised.
/// </summary>
public sealed unsafe class GlContext : IDisposable
{
    private readonly nint _display;
    private readonly object _gate = new(); // not System.Threading.Lock: the library also targets net8.0
    private nint _context;

    private GlContext(nint display, nint context, GL gl)
    {
        _display = display; _context = context; Gl = gl;
        using (Bind())
        {
            Renderer = gl.GetStringS(StringName.Renderer) ?? "unknown";
            Version = gl.GetStringS(StringName.Version) ?? "unknown";
            Vendor = gl.GetStringS(StringName.Vendor) ?? "unknown";
        }
    }

    /// <summary>The OpenGL entry points (Silk.NET), valid while the context is bound.</summary>
    public GL Gl { get; }

    /// <summary>GL_RENDERER, e.g. "llvmpipe (LLVM 15.0.6, 256 bits)".</summary>
    public string Renderer { get; }

    /// <summary>GL_VERSION, e.g. "4.5 (Core Profile) Mesa 22.3.6".</summary>
    public string Version { get; }

    /// <summary>GL_VENDOR.</summary>
    public string Vendor { get; }

    /// <summary>Creates the headless context.</summary>
    /// <exception cref="GlUnavailableException">EGL or an OpenGL 4.5 core driver is missing; the message says what to install.</exception>
    public static GlContext CreateHeadless()
    {
        nint display;
        try { display = Egl.GetSurfacelessDisplay(); }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            throw new GlUnavailableException($"cannot load libEGL.so.1 ({e.Message})", e);
        }
        if (display == 0) throw new GlUnavailableException("EGL offers no display (eglGetPlatformDisplay/eglGetDisplay returned EGL_NO_DISPLAY)");
        if (Egl.Initialize(display, out int major, out int minor) == 0)
            throw new GlUnavailableException($"eglInitialize failed (EGL error 0x{Egl.GetError():X4}); is libegl-mesa0 installed?");
        if (Egl.BindApi(Egl.OpenGLApi) == 0)
            throw new GlUnavailableException($"EGL {major}.{minor} cannot bind the desktop OpenGL API (EGL error 0x{Egl.GetError():X4})");

        var configAttribs = stackalloc int[]
        {
            // EGL_SURFACE_TYPE defaults to EGL_WINDOW_BIT, which surfaceless configs lack: ask for no surface type at all.
            Egl.SurfaceType, 0, Egl.RenderableType, Egl.OpenGLBit, Egl.RedSize, 8, Egl.GreenSize, 8, Egl.BlueSize, 8, Egl.AlphaSize, 8, Egl.DepthSize, 24, Egl.None,
        };
        nint config;
        if (Egl.ChooseConfig(display, configAttribs, &config, 1, out int count) == 0 || count == 0)
        {
            // Surfaceless configs may lack a depth buffer; rendering uses its own FBO depth, so any GL config will do.
            var anyGl = stackalloc int[] { Egl.SurfaceType, 0, Egl.RenderableType, Egl.OpenGLBit, Egl.None };
            if (Egl.ChooseConfig(display, anyGl, &config, 1, out count) == 0 || count == 0)
            {
                // EGL_KHR_no_config_context: contexts that only render into FBOs need no config.
                if (!(Egl.String(display, Egl.Extensions) ?? "").Contains("EGL_KHR_no_config_context", StringComparison.Ordinal))
                    throw new GlUnavailableException($"EGL {major}.{minor} has no OpenGL-capable config (EGL error 0x{Egl.GetError():X4})");
                config = 0;
            }
        }

        var contextAttribs = stackalloc int[]
        {
            Egl.ContextMajorVersion, 4, Egl.ContextMinorVersion, 5, Egl.ContextOpenGLProfileMask, Egl.ContextOpenGLCoreProfileBit, Egl.None,
        };
        var context = Egl.CreateContext(display, config, 0, contextAttribs);
        if (context == 0)
            throw new GlUnavailableException($"EGL could not create an OpenGL 4.5 core context (EGL error 0x{Egl.GetError():X4}); the driver must support GL 4.5");
        if (Egl.MakeCurrent(display, 0, 0, context) == 0)
        {
            int error = Egl.GetError();
            Egl.DestroyContext(display, context);
            throw new GlUnavailableException($"eglMakeCurrent without a surface failed (EGL error 0x{error:X4}); the driver must support surfaceless contexts");
        }
        try
        {
            var gl = GL.GetApi(name => Egl.GetProcAddress(name));
            Egl.MakeCurrent(display, 0, 0, 0);
            return new GlContext(display, context, gl);
        }
        catch
        {
            Egl.MakeCurrent(display, 0, 0, 0);
            Egl.DestroyContext(display, context);
            throw;
        }
    }

    /// <summary>
    /// Locks the context to this thread and makes it current until the returned scope is disposed (re-entrant:
    /// nested binds on the same thread are free). Dispose the scope on the thread that bound it.
    /// </summary>
    public BindScope Bind()
    {
        Monitor.Enter(_gate);
        try
        {
            ObjectDisposedException.ThrowIf(_context == 0, this);
            if (Egl.GetCurrentContext() == _context) return new BindScope(this, release: false);
            if (Egl.MakeCurrent(_display, 0, 0, _context) == 0)
                throw new GlException($"eglMakeCurrent failed (EGL error 0x{Egl.GetError():X4})");
            return new BindScope(this, release: true);
        }
        catch
        {
            Monitor.Exit(_gate);
            throw;
        }
    }

    /// <summary>Releases the context from this thread when it was bound by the matching <see cref="Bind"/>.</summary>
    public readonly struct BindScope : IDisposable
    {
        private readonly GlContext? _owner;
        private readonly bool _release;

        internal BindScope(GlContext owner, bool release) { _owner = owner; _release = release; }

        /// <summary>Releases the context from this thread if this scope made it current.</summary>
        public void Dispose()
        {
            if (_owner is null) return;
            if (_release) Egl.MakeCurrent(_owner._display, 0, 0, 0);
            Monitor.Exit(_owner._gate);
        }
    }

    /// <summary>Throws <see cref="GlException"/> naming <paramref name="operation"/> if GL recorded an error.</summary>
    internal void Check(string operation)
    {
        var error = Gl.GetError();
        if (error != GLEnum.NoError) throw new GlException($"OpenGL error {error} in {operation}");
    }

    /// <summary>
    /// Destroys the context. The EGL display is left initialised: it is one per process and shared with any other
    /// context, so terminating it here would pull the ground from under them.
    /// </summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_context == 0) return;
            if (Egl.GetCurrentContext() == _context) Egl.MakeCurrent(_display, 0, 0, 0);
            Egl.DestroyContext(_display, _context);
            _context = 0;
        }
    }
}
