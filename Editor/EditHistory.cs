namespace FieldForge.Editor;

/// <summary>
/// Undo/redo command stack. A slider drag sends many edits of one parameter; while an edit is "open" (not final)
/// the next edit of the same parameter merges into it, so one drag is one undo step. A drag whose final edit never
/// arrives (the page was closed mid-drag, a request was lost) closes by itself after <see cref="DragTimeout"/>
/// without edits, so it cannot swallow a later, separate edit.
/// </summary>
public sealed class EditHistory(int capacity = 256, TimeSpan? dragTimeout = null, TimeProvider? clock = null)
{
    private readonly LinkedList<EditCommand> _undo = new();
    private readonly Stack<EditCommand> _redo = new();
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;
    private bool _topOpen;
    private long _lastEdit;

    /// <summary>Silence after which an open drag is closed.</summary>
    public TimeSpan DragTimeout { get; } = dragTimeout ?? TimeSpan.FromSeconds(1);

    /// <summary>Most undo steps kept; older ones are forgotten.</summary>
    public int Capacity { get; } = capacity > 0 ? capacity : throw new ArgumentOutOfRangeException(nameof(capacity), $"capacity must be > 0, got {capacity}");
    /// <summary>Steps that can be undone.</summary>
    public int UndoCount => _undo.Count;
    /// <summary>Undone steps that can be redone (cleared by any new edit).</summary>
    public int RedoCount => _redo.Count;

    /// <summary>Records a step that has already been applied; clears the redo stack. <paramref name="final"/> false
    /// keeps the step open for merging with the next edit of the same single parameter.</summary>
    public void Record(EditCommand command, bool final = true)
    {
        ArgumentNullException.ThrowIfNull(command);
        _redo.Clear();
        if (TopOpen() && _undo.Last is { } last && IsSameParameter(last.Value, command))
        {
            var merged = last.Value.Changes[0] with { After = command.Changes[0].After };
            last.Value = last.Value with { Changes = new[] { merged } };
        }
        else
        {
            _undo.AddLast(command);
            if (_undo.Count > Capacity) _undo.RemoveFirst();
        }
        _topOpen = !final && command.Changes.Count == 1;
        _lastEdit = _clock.GetTimestamp();
    }

    /// <summary>True while a drag of this parameter is open (its next edit would merge into the newest step).</summary>
    public bool IsOpenFor(string componentId, string parameter) =>
        TopOpen() && _undo.Last is { } last && last.Value.Changes.Count == 1 &&
        last.Value.Changes[0].ComponentId == componentId && last.Value.Changes[0].Parameter == parameter;

    private bool TopOpen() => _topOpen && _clock.GetElapsedTime(_lastEdit) <= DragTimeout;

    /// <summary>Takes the newest step for undoing (moved to the redo stack), or null when there is none.</summary>
    public EditCommand? TakeUndo()
    {
        if (_undo.Last is not { } last) return null;
        _undo.RemoveLast();
        _redo.Push(last.Value);
        _topOpen = false;
        return last.Value;
    }

    /// <summary>Takes the newest undone step for redoing (moved back to the undo stack), or null when there is none.</summary>
    public EditCommand? TakeRedo()
    {
        if (!_redo.TryPop(out var command)) return null;
        _undo.AddLast(command);
        _topOpen = false;
        return command;
    }

    private static bool IsSameParameter(EditCommand a, EditCommand b) =>
        a.Changes.Count == 1 && b.Changes.Count == 1 &&
        a.Changes[0].ComponentId == b.Changes[0].ComponentId && a.Changes[0].Parameter == b.Changes[0].Parameter;
}
