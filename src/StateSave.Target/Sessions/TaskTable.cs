using StateSave.Target.Tasks;

namespace StateSave.Target.Sessions;

/// <summary>
/// A session's tasks in progress, by Initiator Task Tag. A dictionary under a short lock: unlike a concurrent
/// dictionary it allocates nothing per command once grown. Outside views are snapshots of one generation each.
/// </summary>
internal sealed class TaskTable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<uint, TargetTask> _tasks = [];

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _tasks.Count;
            }
        }
    }

    /// <summary>Adds the task under its tag; false when the tag is in use (RFC 7143 §11.2.1.8: tags are unique in the session).</summary>
    public bool TryAdd(TargetTask task)
    {
        lock (_lock)
        {
            return _tasks.TryAdd(task.InitiatorTaskTag, task);
        }
    }

    public bool TryGetValue(uint initiatorTaskTag, out TargetTask task)
    {
        lock (_lock)
        {
            return _tasks.TryGetValue(initiatorTaskTag, out task!);
        }
    }

    /// <summary>Removes the task if its tag still maps to it.</summary>
    public void Remove(TargetTask task)
    {
        lock (_lock)
        {
            if (_tasks.TryGetValue(task.InitiatorTaskTag, out TargetTask? current) && ReferenceEquals(current, task))
            {
                _tasks.Remove(task.InitiatorTaskTag);
            }
        }
    }

    /// <summary>The task with this tag as a snapshot, if any.</summary>
    public bool TryGetSnapshot(uint initiatorTaskTag, out TaskSnapshot snapshot)
    {
        lock (_lock)
        {
            if (_tasks.TryGetValue(initiatorTaskTag, out TargetTask? task))
            {
                snapshot = task.Snapshot();
                return true;
            }
        }

        snapshot = default;
        return false;
    }

    /// <summary>Every task in progress, each as the generation it is now.</summary>
    public TaskSnapshot[] Snapshot()
    {
        lock (_lock)
        {
            var snapshots = new TaskSnapshot[_tasks.Count];
            int i = 0;
            foreach (TargetTask task in _tasks.Values)
            {
                snapshots[i++] = task.Snapshot();
            }

            return snapshots;
        }
    }
}
