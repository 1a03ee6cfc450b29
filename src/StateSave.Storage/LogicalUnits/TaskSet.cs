using StateSave.Scsi;

namespace StateSave.Storage.LogicalUnits;

/// <summary>
/// Task attribute ordering of one logical unit's task set (SAM-5 §8.6, queue algorithm modifier 1 for
/// SIMPLE tasks): SIMPLE tasks run concurrently but not before an earlier ORDERED task has completed;
/// an ORDERED task waits for every earlier task and holds back later ones; HEAD OF QUEUE runs at once.
/// Reusable by any <see cref="ILogicalUnit"/>. Thread-safe.
/// </summary>
public sealed class TaskSet
{
    private readonly Lock _lock = new();
    private readonly LinkedList<Entry> _entries = new();

    /// <summary>Waits until the task may start; dispose the result when it has completed.</summary>
    public async ValueTask<IDisposable> EnterAsync(TaskAttribute attribute, CancellationToken cancellationToken)
    {
        var entry = new Entry(this, attribute);
        Task[] waitFor;
        lock (_lock)
        {
            waitFor = attribute switch
            {
                TaskAttribute.HeadOfQueue or TaskAttribute.Aca => [],
                TaskAttribute.Ordered => [.. _entries.Select(static e => e.Completed.Task)],
                _ => [.. _entries.Where(static e => e.Attribute == TaskAttribute.Ordered).Select(static e => e.Completed.Task)],
            };
            if (attribute != TaskAttribute.HeadOfQueue)
            {
                entry.Node = _entries.AddLast(entry);
            }
        }

        if (waitFor.Length > 0)
        {
            try
            {
                await Task.WhenAll(waitFor).WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                entry.Dispose();
                throw;
            }
        }

        return entry;
    }

    private sealed class Entry(TaskSet owner, TaskAttribute attribute) : IDisposable
    {
        public TaskAttribute Attribute { get; } = attribute;

        public TaskCompletionSource Completed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public LinkedListNode<Entry>? Node { get; set; }

        public void Dispose()
        {
            lock (owner._lock)
            {
                if (Node is { List: not null })
                {
                    owner._entries.Remove(Node);
                }
            }

            Completed.TrySetResult();
        }
    }
}
