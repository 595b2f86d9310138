namespace FieldForge.Components;

// Inspector attributes, Unity-style. A parameter declared once with these appears with the same range and help
// text in every inspector (the web editor reads them through ComponentParameters). One attribute type per concern.

/// <summary>Numeric parameter limits (inclusive). Values outside are rejected, not clamped.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class RangeAttribute(double min, double max) : Attribute
{
    /// <summary>Smallest allowed value.</summary>
    public double Min { get; } = min;
    /// <summary>Largest allowed value.</summary>
    public double Max { get; } = max;
    /// <summary>Slider step; 0 = continuous (integers always step by 1).</summary>
    public double Step { get; init; }
}

/// <summary>
/// A ranged number whose useful values span orders of magnitude (a frequency of 0.001..1000, a learning rate): an
/// inspector shows a logarithmic slider. For a range that includes zero or negative values give
/// <see cref="LinearBelow"/>: the slider is then logarithmic in |value| above it and linear through zero below it.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class LogScaleAttribute(double linearBelow = 0) : Attribute
{
    /// <summary>Half-width of the linear region around zero; 0 for a strictly positive range.</summary>
    public double LinearBelow { get; } = linearBelow;
}

/// <summary>Help text shown on hover.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class TooltipAttribute(string text) : Attribute
{
    /// <summary>The help text.</summary>
    public string Text { get; } = text;
}

/// <summary>Starts a titled group of parameters in the inspector.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class HeaderAttribute(string title) : Attribute
{
    /// <summary>The section title shown above this parameter.</summary>
    public string Title { get; } = title;
}

/// <summary>A Vector3/Vector4 that is an RGB(A) colour in [0, 1] (shown as a colour picker).</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class ColorAttribute : Attribute { }

/// <summary>A string that is a file path; <see cref="Extensions"/> like ".obj,.gltf".</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class FilePathAttribute(string extensions = "") : Attribute
{
    /// <summary>Accepted file extensions, comma-separated (for example <c>.obj,.gltf,.glb</c>).</summary>
    public string Extensions { get; } = extensions;
}

/// <summary>A string restricted to fixed choices (for enums the choices come from the enum itself).</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class ChoicesAttribute(params string[] options) : Attribute
{
    /// <summary>The allowed values, in display order.</summary>
    public string[] Options { get; } = options;
}

/// <summary>Public member that is not a parameter (state, outputs).</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class HideInInspectorAttribute : Attribute { }
