namespace StateSave.Storage.LogicalUnits;

/// <summary>
/// Exclusive locks on ranges of logical blocks: writers of overlapping ranges run one after the other,
/// which makes COMPARE AND WRITE (SBC-4 §5.3) and WRITE ATOMIC atomic against concurrent writers.
/// Non-overlapping writers proceed in parallel. Thread-safe.
/// </summary>
internal sealed class LbaRangeLock
{
    private readonly Lock _lock = new();
    private readonly List<Holder> _holders = [];

    public async ValueTask<IDisposable> AcquireAsync(ulong logicalBlockAddress, ulong blockCount, CancellationToken cancellationToken)
    {
        ulong end = logicalBlockAddress + Math.Max(1, blockCount);
        while (true)
        {
            Task? conflict = null;
            lock (_lock)
            {
                foreach (Holder holder in _holders)
                {
                    if (holder.Start < end && logicalBlockAddress < holder.End)
                    {
                        conflict = holder.Released.Task;
                        break;
                    }
                }

                if (conflict is null)
                {
                    var mine = new Holder(this, logicalBlockAddress, end);
                    _holders.Add(mine);
                    return mine;
                }
            }

            await conflict.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private sealed class Holder(LbaRangeLock owner, ulong start, ulong end) : IDisposable
    {
        public ulong Start { get; } = start;

        public ulong End { get; } = end;

        public TaskCompletionSource Released { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Dispose()
        {
            lock (owner._lock)
            {
                owner._holders.Remove(this);
            }

            Released.TrySetResult();
        }
    }
}
