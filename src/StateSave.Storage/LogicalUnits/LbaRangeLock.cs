namespace StateSave.Storage.LogicalUnits;

/// <summary>
/// Exclusive locks on ranges of logical blocks: writers of overlapping ranges run one after the other,
/// which makes COMPARE AND WRITE (SBC-4 §5.3) and WRITE ATOMIC atomic against concurrent writers.
/// Non-overlapping writers proceed in parallel. Thread-safe.
/// </summary>
/// <remarks>
/// Held ranges are kept as values and handed out as <see cref="LbaRangeLease"/> values, so taking a free range
/// allocates nothing; only a writer that must wait gets a queued waiter. Waiters are let in in arrival order among
/// overlapping ranges, and a newcomer does not pass a waiter whose range it overlaps.
/// </remarks>
internal sealed class LbaRangeLock
{
    private readonly Lock _lock = new();
    private readonly List<HeldRange> _held = [];
    private readonly LinkedList<Waiter> _waiters = new();
    private long _nextId;

    public ValueTask<LbaRangeLease> AcquireAsync(ulong logicalBlockAddress, ulong blockCount, CancellationToken cancellationToken)
    {
        ulong end = logicalBlockAddress + Math.Max(1, blockCount);
        Waiter waiter;
        lock (_lock)
        {
            if (!OverlapsHeld(logicalBlockAddress, end) && !OverlapsWaiting(logicalBlockAddress, end, before: null))
            {
                return new(Hold(logicalBlockAddress, end));
            }

            if (cancellationToken.IsCancellationRequested)
            {
                return ValueTask.FromCanceled<LbaRangeLease>(cancellationToken);
            }

            waiter = new Waiter(this, logicalBlockAddress, end);
            waiter.Node = _waiters.AddLast(waiter);
        }

        waiter.CancelWith(cancellationToken);
        return waiter.Wait;
    }

    internal void Release(long id)
    {
        QueuedWaiter<LbaRangeLease>? granted;
        lock (_lock)
        {
            int index = IndexOfHeld(id);
            if (index < 0)
            {
                return;
            }

            _held[index] = _held[^1];
            _held.RemoveAt(_held.Count - 1);
            granted = _waiters.Count == 0 ? null : LetIn();
        }

        QueuedWaiter<LbaRangeLease>.CompleteAll(granted);
    }

    private LbaRangeLease Hold(ulong start, ulong end)
    {
        long id = ++_nextId;
        _held.Add(new HeldRange(id, start, end));
        return new LbaRangeLease(this, id);
    }

    private int IndexOfHeld(long id)
    {
        for (int i = 0; i < _held.Count; i++)
        {
            if (_held[i].Id == id)
            {
                return i;
            }
        }

        return -1;
    }

    private bool OverlapsHeld(ulong start, ulong end)
    {
        foreach (HeldRange range in _held)
        {
            if (range.Start < end && start < range.End)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True when a waiter queued before <paramref name="before"/> (all of them when null) wants an overlapping range.</summary>
    private bool OverlapsWaiting(ulong start, ulong end, Waiter? before)
    {
        for (LinkedListNode<Waiter>? node = _waiters.First; node is not null && node.Value != before; node = node.Next)
        {
            if (node.Value.Start < end && start < node.Value.End)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Gives every waiter whose range is now free, and wanted by no earlier waiter, its range; returns them chained.</summary>
    private QueuedWaiter<LbaRangeLease>? LetIn()
    {
        QueuedWaiter<LbaRangeLease>? first = null;
        QueuedWaiter<LbaRangeLease>? last = null;
        LinkedListNode<Waiter>? node = _waiters.First;
        while (node is not null)
        {
            LinkedListNode<Waiter>? next = node.Next;
            Waiter waiter = node.Value;
            if (!OverlapsHeld(waiter.Start, waiter.End) && !OverlapsWaiting(waiter.Start, waiter.End, before: waiter))
            {
                _waiters.Remove(node);
                waiter.Granted = Hold(waiter.Start, waiter.End);
                if (last is null)
                {
                    first = waiter;
                }
                else
                {
                    last.NextGranted = waiter;
                }

                last = waiter;
            }

            node = next;
        }

        return first;
    }

    private void Cancel(Waiter waiter)
    {
        QueuedWaiter<LbaRangeLease>? granted;
        lock (_lock)
        {
            if (waiter.Node is not { List: not null } node)
            {
                return;
            }

            // Waiters behind it that it alone held back may now go.
            _waiters.Remove(node);
            granted = LetIn();
        }

        waiter.Cancelled();
        QueuedWaiter<LbaRangeLease>.CompleteAll(granted);
    }

    private readonly record struct HeldRange(long Id, ulong Start, ulong End);

    private sealed class Waiter(LbaRangeLock owner, ulong start, ulong end) : QueuedWaiter<LbaRangeLease>
    {
        public ulong Start { get; } = start;

        public ulong End { get; } = end;

        public LinkedListNode<Waiter>? Node { get; set; }

        public void Cancelled() => CompleteCancelled();

        protected override void OnCancellationRequested() => owner.Cancel(this);
    }
}
