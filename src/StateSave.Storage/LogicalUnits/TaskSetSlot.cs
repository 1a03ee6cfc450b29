namespace StateSave.Storage.LogicalUnits;

/// <summary>
/// A task's place in a <see cref="TaskSet"/> from the moment it may start. Disposing it, once, when the task has
/// completed lets later tasks in. The default value (HEAD OF QUEUE tasks) holds nothing.
/// </summary>
public readonly struct TaskSetSlot : IDisposable
{
    private readonly TaskSet? _owner;

    internal TaskSetSlot(TaskSet owner, bool ordered, TaskSet.Waiter? aheadOf)
    {
        _owner = owner;
        IsOrdered = ordered;
        AheadOf = aheadOf;
    }

    /// <summary>The slot of an ORDERED task.</summary>
    internal bool IsOrdered { get; }

    /// <summary>For an ACA task that started while others waited: its place in the queue until they have started.</summary>
    internal TaskSet.Waiter? AheadOf { get; }

    public void Dispose() => _owner?.Release(this);
}
