namespace FieldForge.Components;

/// <summary>A component threw during a lifecycle call; names the component and the phase so a host or editor can
/// disable exactly that one and show why.</summary>
public sealed class ComponentException(Component component, string phase, Exception inner)
    : Exception($"{component.Name}.{phase} failed: {inner.Message}", inner)
{
    /// <summary>The component whose lifecycle call failed.</summary>
    public Component Component { get; } = component;
    /// <summary>OnEnable, Update, OnFrameCompleted or OnDisable.</summary>
    public string Phase { get; } = phase;
}
