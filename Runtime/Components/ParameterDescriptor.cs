using System.Reflection;

namespace FieldForge.Components;

/// <summary>Kinds of parameter value an inspector knows how to edit.</summary>
public enum ParameterKind
{
    /// <summary>A checkbox.</summary>
    Bool,
    /// <summary>A whole number (slider when it has a range).</summary>
    Int,
    /// <summary>A real number (slider when it has a range).</summary>
    Float,
    /// <summary>One of an enum's names.</summary>
    Enum,
    /// <summary>Free text, or one of the choices a <see cref="ChoicesAttribute"/> lists.</summary>
    String,
    /// <summary>Two floats.</summary>
    Vector2,
    /// <summary>Three floats.</summary>
    Vector3,
    /// <summary>Four floats.</summary>
    Vector4,
    /// <summary>An RGB color, three floats in 0..1 (a Vector3 marked with <see cref="ColorAttribute"/>).</summary>
    Color,
    /// <summary>A file path (a string marked with <see cref="FilePathAttribute"/>).</summary>
    FilePath,
}

/// <summary>What an inspector needs to know about one parameter, read from the member and its attributes.</summary>
public sealed record ParameterDescriptor(
    string Name, ParameterKind Kind, Type ClrType, double? Min, double? Max, double Step, string? Tooltip, string? Header,
    IReadOnlyList<string> Choices, string? FileExtensions, MemberInfo Member, LogScaleAttribute? LogScale = null)
{
    /// <summary>Reads this parameter's current value from <paramref name="component"/>.</summary>
    public object? GetValue(object component) => Member switch
    {
        PropertyInfo p => p.GetValue(component),
        FieldInfo f => f.GetValue(component),
        _ => throw new InvalidOperationException(),
    };

    /// <summary>Sets a value that was already converted and validated (an editor replaying undo/redo); user input goes
    /// through <see cref="ComponentParameters.Set"/>, which validates.</summary>
    public void SetValueUnchecked(object component, object? value)
    {
        switch (Member)
        {
            case PropertyInfo p: p.SetValue(component, value); break;
            case FieldInfo f: f.SetValue(component, value); break;
        }
    }
}
