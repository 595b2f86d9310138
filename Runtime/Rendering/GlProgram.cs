using Silk.NET.OpenGL;

namespace FieldForge.Rendering;

/// <summary>Compiles and links a vertex + fragment GLSL program; build errors become <see cref="GlException"/>s with the log.</summary>
internal static class GlProgram
{
    /// <summary>One triangle covering the viewport; image row 0 (top) maps to the top of the frame.</summary>
    public const string BlitVertex = """
        #version 450 core
        out vec2 vUv;
        void main() {
            vec2 p = vec2((gl_VertexID << 1) & 2, gl_VertexID & 2);
            vUv = vec2(p.x, 1.0 - p.y);
            gl_Position = vec4(p * 2.0 - 1.0, 0.0, 1.0);
        }
        """;

    /// <summary>Samples the bound 2-D texture (unit 0).</summary>
    public const string BlitFragment = """
        #version 450 core
        in vec2 vUv;
        uniform sampler2D uImage;
        out vec4 fragColor;
        void main() { fragColor = texture(uImage, vUv); }
        """;

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
