namespace FieldForge.Tests.Editor;

/// <summary>Patterns of the test-only <see cref="SwatchComponent"/> (an enum parameter for the inspector).</summary>
public enum SwatchPattern { Solid, Stripes, Checker }
