using System.Reflection;

namespace FieldForge.Components;

/// <summary>Kinds of parameter value an inspector knows how to edit.</summary>
public enum ParameterKind { Bool, Int, Float, Enum, String, Vector2, Vector3, Vector4, Color, FilePath }

/// <summary>What an inspector needs to know about one parameter, read from the member and its attributes.</summary>
public sealed record ParameterDescriptor(
    string Name, ParameterKind Kind, Type ClrType, double? Min, double? Max, double Step, string? Tooltip, string? Header,
    IReadOnlyList<string> Choices, string? FileExtensions, MemberInfo Member)
{
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
