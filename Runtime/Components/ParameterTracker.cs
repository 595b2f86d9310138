using System.Collections.Concurrent;
using System.Linq.Expressions;
using System.Reflection;

namespace FieldForge.Components;

/// <summary>
/// Detects parameter changes of one component without allocating: one typed getter per parameter (compiled once per
/// component type) and the last seen value kept unboxed, compared with <see cref="EqualityComparer{T}.Default"/>.
/// Replaces a per-frame snapshot dictionary, which boxed every value every frame.
/// </summary>
internal sealed class ParameterTracker
{
    private static readonly ConcurrentDictionary<Type, Func<Slot>[]> Factories = new();
    private readonly Slot[] _slots;

    internal ParameterTracker(Type componentType) =>
        _slots = Array.ConvertAll(Factories.GetOrAdd(componentType, BuildFactories), f => f());

    /// <summary>True when any parameter differs from the previous call (or on the first call after <see cref="Reset"/>).</summary>
    internal bool Changed(Component component)
    {
        bool changed = false;
        foreach (var slot in _slots) changed |= slot.Changed(component); // no short-circuit: every slot remembers its value
        return changed;
    }

    internal void Reset()
    {
        foreach (var slot in _slots) slot.Reset();
    }

    private static Func<Slot>[] BuildFactories(Type type) =>
        ComponentParameters.Describe(type).Select(p =>
        {
            var slotType = typeof(Slot<>).MakeGenericType(p.ClrType);
            var getter = Getter(type, p.Member, p.ClrType);
            return (Func<Slot>)(() => (Slot)Activator.CreateInstance(slotType, getter)!);
        }).ToArray();

    private static Delegate Getter(Type componentType, MemberInfo member, Type valueType)
    {
        var component = Expression.Parameter(typeof(Component), "component");
        var typed = Expression.Convert(component, componentType);
        Expression read = member is PropertyInfo p ? Expression.Property(typed, p) : Expression.Field(typed, (FieldInfo)member);
        return Expression.Lambda(typeof(Func<,>).MakeGenericType(typeof(Component), valueType), read, component).Compile();
    }

    private abstract class Slot
    {
        public abstract bool Changed(Component component);
        public abstract void Reset();
    }

    private sealed class Slot<T>(Func<Component, T> get) : Slot
    {
        private T _last = default!;
        private bool _seen;

        public override bool Changed(Component component)
        {
            T now = get(component);
            if (_seen && EqualityComparer<T>.Default.Equals(now, _last)) return false;
            _last = now;
            _seen = true;
            return true;
        }

        public override void Reset() => _seen = false;
    }
}
