using StateSave.Target.Connections;

namespace StateSave.Target.Tasks;

/// <summary>
/// The connection's spare <see cref="TargetTask"/> objects: a command takes one and gives it back when it has ended,
/// so the steady state allocates no task. Holds at most <see cref="Capacity"/> spares (the command window bounds the
/// tasks in flight anyway).
/// </summary>
internal sealed class TargetTaskPool(TargetConnection connection)
{
    public const int Capacity = 256;

    private readonly Lock _lock = new();
    private readonly Stack<TargetTask> _spares = new();
    private bool _closed;

    public TargetTask Rent()
    {
        lock (_lock)
        {
            if (_spares.TryPop(out TargetTask? task))
            {
                return task;
            }
        }

        return new TargetTask(connection, this);
    }

    /// <summary>Takes back a task whose command has ended.</summary>
    public void Return(TargetTask task)
    {
        if (task.TryRecycle())
        {
            lock (_lock)
            {
                if (!_closed && _spares.Count < Capacity)
                {
                    _spares.Push(task);
                    return;
                }
            }
        }

        task.Release();
    }

    /// <summary>Releases the spares; later returns are released at once.</summary>
    public void Close()
    {
        TargetTask[] spares;
        lock (_lock)
        {
            _closed = true;
            spares = [.. _spares];
            _spares.Clear();
        }

        foreach (TargetTask task in spares)
        {
            task.Release();
        }
    }
}
