using Silk.NET.OpenGL;

namespace FieldForge.Rendering;

/// <summary>Compiles and links a vertex + fragment GLSL program; build errors become <see cref="GlException"/>s with the log.</summary>
internal static class GlProgram
{
    public static uint Build(GL gl, string name, string vertexSource, string fragmentSource)
    {
        uint vs = Compile(gl, name, ShaderType.VertexShader, vertexSource);
        uint fs = Compile(gl, name, ShaderType.FragmentShader, fragmentSource);
        uint program = gl.CreateProgram();
        gl.AttachShader(program, vs);
        gl.AttachShader(program, fs);
        gl.LinkProgram(program);
        gl.DetachShader(program, vs);
        gl.DetachShader(program, fs);
        gl.DeleteShader(vs);
        gl.DeleteShader(fs);
        gl.GetProgram(program, ProgramPropertyARB.LinkStatus, out int linked);
        if (linked == 0)
        {
            var log = gl.GetProgramInfoLog(program);
            gl.DeleteProgram(program);
            throw new GlException($"linking the '{name}' program failed: {log}");
        }
        return program;
    }

    private static uint Compile(GL gl, string name, ShaderType type, string source)
    {
        uint shader = gl.CreateShader(type);
        gl.ShaderSource(shader, source);
        gl.CompileShader(shader);
        gl.GetShader(shader, ShaderParameterName.CompileStatus, out int ok);
        if (ok != 0) return shader;
        var log = gl.GetShaderInfoLog(shader);
        gl.DeleteShader(shader);
        throw new GlException($"compiling the '{name}' {type} failed: {log}");
    }
}
