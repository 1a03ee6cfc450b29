using StateSave.Scsi;

namespace StateSave.Storage.LogicalUnits;

/// <summary>
/// Task attribute ordering of one logical unit's task set (SAM-5 §8.6, queue algorithm modifier 1 for
/// SIMPLE tasks): SIMPLE tasks run concurrently but not before an earlier ORDERED task has completed;
/// an ORDERED task waits for every earlier task and holds back later ones; HEAD OF QUEUE runs at once.
/// An ACA task runs at once too, and an ORDERED task that arrives after it waits for it.
/// Reusable by any <see cref="ILogicalUnit"/>. Thread-safe.
/// </summary>
/// <remarks>
/// Running tasks are counted, not listed: a SIMPLE task with no ORDERED task running or waiting only counts itself
/// in and out, allocating nothing. Tasks that must wait queue in arrival order and are let in head first whenever
/// a task leaves: SIMPLE ones while no ORDERED task runs, an ORDERED one once nothing runs.
/// </remarks>
public sealed partial class TaskSet
{
    private readonly Lock _lock = new();

    // Waiting SIMPLE and ORDERED tasks in arrival order, and the ACA tasks that started behind them. Empty unless
    // an ORDERED task runs or waits.
    private readonly LinkedList<Waiter> _queue = new();

    // SIMPLE and ACA tasks running and counted in (an ORDERED task waits for them all).
    private int _running;

    // The ORDERED task running: at most one, as each waits for every earlier task.
    private bool _orderedRunning;

    /// <summary>Waits until the task may start; dispose the slot, once, when the task has completed.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired while the task waited.</exception>
    public ValueTask<TaskSetSlot> EnterAsync(TaskAttribute attribute, CancellationToken cancellationToken)
    {
        if (attribute == TaskAttribute.HeadOfQueue)
        {
            return new(default(TaskSetSlot));
        }

        Waiter waiter;
        lock (_lock)
        {
            if (_queue.Count == 0)
            {
                if (attribute == TaskAttribute.Ordered ? !_orderedRunning && _running == 0 : attribute == TaskAttribute.Aca || !_orderedRunning)
                {
                    return new(CountIn(attribute == TaskAttribute.Ordered));
                }
            }
            else if (attribute == TaskAttribute.Aca)
            {
                // Runs now, but only counts for ORDERED tasks queued after it: it joins the count when it reaches the head.
                waiter = new Waiter(this, attribute);
                waiter.Node = _queue.AddLast(waiter);
                return new(new TaskSetSlot(this, ordered: false, waiter));
            }

            if (cancellationToken.IsCancellationRequested)
            {
                return ValueTask.FromCanceled<TaskSetSlot>(cancellationToken);
            }

            waiter = new Waiter(this, attribute);
            waiter.Node = _queue.AddLast(waiter);
        }

        waiter.CancelWith(cancellationToken);
        return waiter.Wait;
    }

    internal void Release(in TaskSetSlot slot)
    {
        QueuedWaiter<TaskSetSlot>? granted;
        lock (_lock)
        {
            if (slot.AheadOf is { Node.List: not null } marker)
            {
                // An ACA task that ended before the tasks queued ahead of it started: nobody counted it.
                _queue.Remove(marker.Node);
                return;
            }

            if (slot.IsOrdered)
            {
                _orderedRunning = false;
            }
            else
            {
                _running--;
            }

            granted = LetIn();
        }

        QueuedWaiter<TaskSetSlot>.CompleteAll(granted);
    }

    private TaskSetSlot CountIn(bool ordered)
    {
        if (ordered)
        {
            _orderedRunning = true;
        }
        else
        {
            _running++;
        }

        return new TaskSetSlot(this, ordered, aheadOf: null);
    }

    /// <summary>Lets queued tasks in from the head while they may start; returns them chained, to complete outside the lock.</summary>
    private QueuedWaiter<TaskSetSlot>? LetIn()
    {
        QueuedWaiter<TaskSetSlot>? first = null;
        QueuedWaiter<TaskSetSlot>? last = null;
        while (_queue.First is { } node)
        {
            Waiter head = node.Value;
            if (head.Attribute == TaskAttribute.Aca)
            {
                // Every task ahead of it has started: from now on it counts like any running task.
                _queue.RemoveFirst();
                _running++;
                continue;
            }

            bool ordered = head.Attribute == TaskAttribute.Ordered;
            if (_orderedRunning || (ordered && _running > 0))
            {
                break;
            }

            _queue.RemoveFirst();
            head.Granted = CountIn(ordered);
            if (last is null)
            {
                first = head;
            }
            else
            {
                last.NextGranted = head;
            }

            last = head;
        }

        return first;
    }

    private void Cancel(Waiter waiter)
    {
        QueuedWaiter<TaskSetSlot>? granted;
        lock (_lock)
        {
            if (waiter.Node is not { List: not null } node)
            {
                return;
            }

            // Tasks queued behind a cancelled ORDERED task may now start.
            _queue.Remove(node);
            granted = LetIn();
        }

        waiter.Cancelled();
        QueuedWaiter<TaskSetSlot>.CompleteAll(granted);
    }

    /// <summary>A task waiting to start, or an ACA task that started while others waited.</summary>
    internal sealed class Waiter(TaskSet owner, TaskAttribute attribute) : QueuedWaiter<TaskSetSlot>
    {
        public TaskAttribute Attribute { get; } = attribute;

        public LinkedListNode<Waiter>? Node { get; set; }

        public void Cancelled() => CompleteCancelled();

        protected override void OnCancellationRequested() => owner.Cancel(this);
    }
}
