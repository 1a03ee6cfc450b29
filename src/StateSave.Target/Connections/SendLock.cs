using System.Threading.Tasks.Sources;

namespace StateSave.Target.Connections;

/// <summary>
/// The connection's send lock: one writer at a time into the output pipe, so PDUs get their StatSN in the order they
/// are written. Taking a free lock completes synchronously; a contended wait uses a pooled waiter, so neither path
/// allocates in steady state (a semaphore allocates a task per contended wait). Waiters are served in arrival order
/// and resumed on the thread pool, never inside the releaser.
/// </summary>
internal sealed class SendLock
{
    private readonly Lock _gate = new();
    private readonly LinkedList<Waiter> _queue = new();
    private readonly Stack<Waiter> _spares = new();
    private bool _held;

    /// <summary>Takes the lock; cancelling <paramref name="cancellationToken"/> ends a wait with <see cref="OperationCanceledException"/>.</summary>
    public ValueTask WaitAsync(CancellationToken cancellationToken)
    {
        Waiter waiter;
        lock (_gate)
        {
            if (!_held)
            {
                _held = true;
                return ValueTask.CompletedTask;
            }

            if (cancellationToken.IsCancellationRequested)
            {
                return ValueTask.FromCanceled(cancellationToken);
            }

            waiter = _spares.TryPop(out Waiter? spare) ? spare : new Waiter(this);
            waiter.Arm();
            _queue.AddLast(waiter.Node);
        }

        waiter.CancelWith(cancellationToken);
        return new ValueTask(waiter, waiter.Version);
    }

    /// <summary>Hands the lock to the first waiter, or frees it.</summary>
    public void Release()
    {
        Waiter? next;
        lock (_gate)
        {
            if (_queue.First is { } first)
            {
                _queue.RemoveFirst();
                next = first.Value; // the lock passes to it: _held stays true
            }
            else
            {
                _held = false;
                next = null;
            }
        }

        next?.Grant();
    }

    private void Cancel(Waiter waiter)
    {
        lock (_gate)
        {
            if (waiter.Node.List is null)
            {
                return; // already granted
            }

            _queue.Remove(waiter.Node);
        }

        waiter.Fail();
    }

    private void Recycle(Waiter waiter)
    {
        lock (_gate)
        {
            if (_spares.Count < 64)
            {
                _spares.Push(waiter);
            }
        }
    }

    private sealed class Waiter : IValueTaskSource
    {
        private readonly SendLock _owner;
        private ManualResetValueTaskSourceCore<bool> _core = new() { RunContinuationsAsynchronously = true };
        private CancellationToken _token;
        private CancellationTokenRegistration _registration;

        public Waiter(SendLock owner)
        {
            _owner = owner;
            Node = new LinkedListNode<Waiter>(this);
        }

        public LinkedListNode<Waiter> Node { get; }

        public short Version => _core.Version;

        public void Arm() => _core.Reset();

        public void CancelWith(CancellationToken token)
        {
            _token = token;
            if (token.CanBeCanceled)
            {
                _registration = token.UnsafeRegister(static state => { var w = (Waiter)state!; w._owner.Cancel(w); }, this);
            }
        }

        public void Grant() => _core.SetResult(true);

        public void Fail() => _core.SetException(new OperationCanceledException(_token));

        public void GetResult(short token)
        {
            _registration.Unregister();
            _registration = default;
            try
            {
                _core.GetResult(token);
            }
            finally
            {
                _token = default;
                _owner.Recycle(this);
            }
        }

        public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

        public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
            _core.OnCompleted(continuation, state, token, flags);
    }
}
