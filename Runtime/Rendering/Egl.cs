using System.Runtime.InteropServices;

namespace FieldForge.Rendering;

/// <summary>The slice of EGL 1.5 a headless context needs, bound to libEGL.so.1 (libglvnd / Mesa).</summary>
internal static unsafe partial class Egl
{
    private const string Lib = "libEGL.so.1";

    public const int None = 0x3038, Success = 0x3000;
    public const int PlatformSurfacelessMesa = 0x31DD;
    public const int Extensions = 0x3055, Vendor = 0x3053, Version = 0x3054;
    public const int RenderableType = 0x3040, OpenGLBit = 0x0008, SurfaceType = 0x3033;
    public const int RedSize = 0x3024, GreenSize = 0x3023, BlueSize = 0x3022, AlphaSize = 0x3021, DepthSize = 0x3025;
    public const int OpenGLApi = 0x30A2;
    public const int ContextMajorVersion = 0x3098, ContextMinorVersion = 0x30FB;
    public const int ContextOpenGLProfileMask = 0x30FD, ContextOpenGLCoreProfileBit = 0x1;

    [LibraryImport(Lib, EntryPoint = "eglGetProcAddress", StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint GetProcAddress(string name);

    [LibraryImport(Lib, EntryPoint = "eglGetDisplay")]
    public static partial nint GetDisplay(nint nativeDisplay);

    [LibraryImport(Lib, EntryPoint = "eglInitialize")]
    public static partial uint Initialize(nint display, out int major, out int minor);

    [LibraryImport(Lib, EntryPoint = "eglQueryString")]
    public static partial nint QueryString(nint display, int name);

    [LibraryImport(Lib, EntryPoint = "eglBindAPI")]
    public static partial uint BindApi(int api);

    [LibraryImport(Lib, EntryPoint = "eglChooseConfig")]
    public static partial uint ChooseConfig(nint display, int* attribs, nint* configs, int size, out int count);

    [LibraryImport(Lib, EntryPoint = "eglCreateContext")]
    public static partial nint CreateContext(nint display, nint config, nint shareContext, int* attribs);

    [LibraryImport(Lib, EntryPoint = "eglDestroyContext")]
    public static partial uint DestroyContext(nint display, nint context);

    [LibraryImport(Lib, EntryPoint = "eglMakeCurrent")]
    public static partial uint MakeCurrent(nint display, nint draw, nint read, nint context);

    [LibraryImport(Lib, EntryPoint = "eglGetCurrentContext")]
    public static partial nint GetCurrentContext();

    [LibraryImport(Lib, EntryPoint = "eglGetError")]
    public static partial int GetError();

    public static string? String(nint display, int name)
    {
        var p = QueryString(display, name);
        return p == 0 ? null : Marshal.PtrToStringUTF8(p);
    }

    /// <summary>The surfaceless Mesa platform display when the client extensions offer it, else the default display.</summary>
    public static nint GetSurfacelessDisplay()
    {
        var clientExtensions = String(0, Extensions) ?? "";
        if (clientExtensions.Contains("EGL_MESA_platform_surfaceless", StringComparison.Ordinal))
        {
            var attribs = stackalloc nint[] { None };
            var core = GetProcAddress("eglGetPlatformDisplay");
            if (core != 0)
            {
                var d = ((delegate* unmanaged<int, nint, nint*, nint>)core)(PlatformSurfacelessMesa, 0, attribs);
                if (d != 0) return d;
            }
            var ext = GetProcAddress("eglGetPlatformDisplayEXT");
            if (ext != 0)
            {
                var intAttribs = stackalloc int[] { None };
                var d = ((delegate* unmanaged<int, nint, int*, nint>)ext)(PlatformSurfacelessMesa, 0, intAttribs);
                if (d != 0) return d;
            }
        }
        return GetDisplay(0);
    }
}
