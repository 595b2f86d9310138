namespace FieldForge.Gpu;

/// <summary>Severity of a message from the validation layer (or a FieldForge leak check).</summary>
public enum ValidationSeverity { Verbose, Info, Warning, Error }

/// <summary>One message the debug messenger queued.</summary>
public sealed record ValidationMessage(ValidationSeverity Severity, string Text)
{
    public override string ToString() => $"[{Severity}] {Text}";
}
