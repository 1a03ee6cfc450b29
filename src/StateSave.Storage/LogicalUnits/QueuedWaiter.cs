using System.Threading.Tasks.Sources;

namespace StateSave.Storage.LogicalUnits;

/// <summary>
/// A caller queued behind others for something they release (a task set slot, a range of logical blocks). One
/// object per wait, made only when the caller really has to wait, so the uncontended path allocates nothing. The
/// owner queues it, grants it under its lock and completes it after leaving the lock; the caller's token cancels it.
/// </summary>
internal abstract class QueuedWaiter<TResult> : IValueTaskSource<TResult>
{
    // Continuations run on the thread pool, never inside the releasing caller (as TaskCompletionSource with
    // RunContinuationsAsynchronously): a release completes one wait after another without recursing into them.
    private ManualResetValueTaskSourceCore<TResult> _core = new() { RunContinuationsAsynchronously = true };
    private CancellationToken _cancellationToken;
    private CancellationTokenRegistration _registration;

    /// <summary>What the caller gets once granted; set under the owner's lock, delivered by <see cref="CompleteAll"/>.</summary>
    public TResult? Granted { get; set; }

    /// <summary>The next waiter granted by the same release, completed once the owner's lock is left.</summary>
    public QueuedWaiter<TResult>? NextGranted { get; set; }

    /// <summary>The wait as the caller awaits it.</summary>
    public ValueTask<TResult> Wait => new(this, _core.Version);

    /// <summary>Lets <paramref name="cancellationToken"/> end the wait; called once queued, outside the owner's lock.</summary>
    public void CancelWith(CancellationToken cancellationToken)
    {
        _cancellationToken = cancellationToken;
        _registration = cancellationToken.UnsafeRegister(static state => ((QueuedWaiter<TResult>)state!).OnCancellationRequested(), this);
    }

    /// <summary>Completes every waiter of a chain built with <see cref="NextGranted"/>.</summary>
    public static void CompleteAll(QueuedWaiter<TResult>? first)
    {
        while (first is not null)
        {
            QueuedWaiter<TResult>? next = first.NextGranted;
            first.NextGranted = null;
            first._core.SetResult(first.Granted!);
            first = next;
        }
    }

    /// <summary>Ends the wait with <see cref="OperationCanceledException"/> (the owner has taken it out of its queue).</summary>
    protected void CompleteCancelled() => _core.SetException(new OperationCanceledException(_cancellationToken));

    /// <summary>The token fired: the owner takes the waiter out of its queue if it is still there, and cancels it.</summary>
    protected abstract void OnCancellationRequested();

    TResult IValueTaskSource<TResult>.GetResult(short token)
    {
        // The wait is over either way; a cancellation racing with the grant finds the waiter gone from the queue.
        _registration.Unregister();
        return _core.GetResult(token);
    }

    ValueTaskSourceStatus IValueTaskSource<TResult>.GetStatus(short token) => _core.GetStatus(token);

    void IValueTaskSource<TResult>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
