using System.Runtime.InteropServices;

namespace FieldForge.Rendering;

/// <summary>The slice of GLFW 3.3 a preview window needs, bound to Debian's libglfw.so.3 (package libglfw3).</summary>
internal static unsafe partial class Glfw
{
    private const string Lib = "libglfw.so.3";

    public const int ContextVersionMajor = 0x00022002, ContextVersionMinor = 0x00022003, OpenGLProfile = 0x00022008;
    public const int OpenGLCoreProfile = 0x00032001, OpenGLForwardCompat = 0x00022006, Resizable = 0x00020003;
    public const int MouseButtonLeft = 0, MouseButtonRight = 1, Press = 1, KeyEscape = 256;

    [LibraryImport(Lib, EntryPoint = "glfwInit")]
    public static partial int Init();

    [LibraryImport(Lib, EntryPoint = "glfwGetError")]
    public static partial int GetError(out nint description);

    [LibraryImport(Lib, EntryPoint = "glfwWindowHint")]
    public static partial void WindowHint(int hint, int value);

    [LibraryImport(Lib, EntryPoint = "glfwCreateWindow", StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint CreateWindow(int width, int height, string title, nint monitor, nint share);

    [LibraryImport(Lib, EntryPoint = "glfwDestroyWindow")]
    public static partial void DestroyWindow(nint window);

    [LibraryImport(Lib, EntryPoint = "glfwMakeContextCurrent")]
    public static partial void MakeContextCurrent(nint window);

    [LibraryImport(Lib, EntryPoint = "glfwGetProcAddress", StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint GetProcAddress(string name);

    [LibraryImport(Lib, EntryPoint = "glfwSwapInterval")]
    public static partial void SwapInterval(int interval);

    [LibraryImport(Lib, EntryPoint = "glfwSwapBuffers")]
    public static partial void SwapBuffers(nint window);

    [LibraryImport(Lib, EntryPoint = "glfwPollEvents")]
    public static partial void PollEvents();

    [LibraryImport(Lib, EntryPoint = "glfwWindowShouldClose")]
    public static partial int WindowShouldClose(nint window);

    [LibraryImport(Lib, EntryPoint = "glfwSetWindowShouldClose")]
    public static partial void SetWindowShouldClose(nint window, int value);

    [LibraryImport(Lib, EntryPoint = "glfwGetFramebufferSize")]
    public static partial void GetFramebufferSize(nint window, out int width, out int height);

    [LibraryImport(Lib, EntryPoint = "glfwGetCursorPos")]
    public static partial void GetCursorPos(nint window, out double x, out double y);

    [LibraryImport(Lib, EntryPoint = "glfwGetMouseButton")]
    public static partial int GetMouseButton(nint window, int button);

    [LibraryImport(Lib, EntryPoint = "glfwGetKey")]
    public static partial int GetKey(nint window, int key);

    [LibraryImport(Lib, EntryPoint = "glfwGetTime")]
    public static partial double GetTime();

    /// <summary>GLFW's last error as "code: description", or null.</summary>
    public static string? LastError()
    {
        int code = GetError(out nint description);
        return code == 0 ? null : $"GLFW error 0x{code:X5}: {(description == 0 ? "?" : Marshal.PtrToStringUTF8(description))}";
    }
}
