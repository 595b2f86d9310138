using System.Reflection;

namespace FieldForge.Components;

/// <summary>Kinds of parameter value an inspector knows how to edit.</summary>
public enum ParameterKind
{
    /// <summary>true / false.</summary>
    Bool,
    /// <summary>int, uint or long.</summary>
    Int,
    /// <summary>float or double.</summary>
    Float,
    /// <summary>An enum, chosen by name.</summary>
    Enum,
    /// <summary>Text (optionally restricted by [Choices]).</summary>
    String,
    /// <summary>System.Numerics.Vector2.</summary>
    Vector2,
    /// <summary>System.Numerics.Vector3.</summary>
    Vector3,
    /// <summary>System.Numerics.Vector4.</summary>
    Vector4,
    /// <summary>A Vector3/Vector4 marked [Color] (RGB(A) in [0, 1]).</summary>
    Color,
    /// <summary>A string marked [FilePath].</summary>
    FilePath,
}

/// <summary>What an inspector needs to know about one parameter, read from the member and its attributes.</summary>
public sealed record ParameterDescriptor(
    string Name, ParameterKind Kind, Type ClrType, double? Min, double? Max, double Step, string? Tooltip, string? Header,
    IReadOnlyList<string> Choices, string? FileExtensions, MemberInfo Member, LogScaleAttribute? LogScale = null)
{
    /// <summary>The parameter's current value on <paramref name="component"/>.</summary>
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
