namespace FieldForge.Gpu;

/// <summary>Severity of a message from the validation layer (or a FieldForge leak check).</summary>
public enum ValidationSeverity
{
    /// <summary>Diagnostic chatter from the loader or layer.</summary>
    Verbose,
    /// <summary>Informational message, such as a resource creation notice.</summary>
    Info,
    /// <summary>Likely misuse or a performance problem; tests fail on it.</summary>
    Warning,
    /// <summary>A violation of the Vulkan specification (or a leak FieldForge found); tests fail on it.</summary>
    Error,
}

/// <summary>One message the debug messenger queued.</summary>
public sealed record ValidationMessage(ValidationSeverity Severity, string Text)
{
    /// <inheritdoc/>
    public override string ToString() => $"[{Severity}] {Text}";
}
