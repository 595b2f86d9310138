namespace FieldForge.Rendering;

/// <summary>An OpenGL call or shader build failed; the message names the operation and the GL error or log.</summary>
public sealed class GlException(string message) : Exception(message);
