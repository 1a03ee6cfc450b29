namespace StateSave.Benchmarks.Target;

/// <summary>
/// Waits for a pipe's <see cref="ValueTask{TResult}"/> on the calling thread without allocating: a cached
/// continuation sets a reused event. So the benchmark's client needs no async state machine per command.
/// </summary>
internal sealed class BlockingAwaiter : IDisposable
{
    private readonly ManualResetEventSlim _completed = new();
    private readonly Action _signal;

    public BlockingAwaiter()
    {
        _signal = _completed.Set;
    }

    /// <summary>The result of <paramref name="pending"/>, waiting up to <paramref name="timeout"/> for it.</summary>
    public T Wait<T>(ValueTask<T> pending, TimeSpan timeout)
    {
        if (!pending.IsCompleted)
        {
            _completed.Reset();
            pending.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(_signal);
            if (!_completed.Wait(timeout))
            {
                throw new TimeoutException($"The target did not answer within {timeout}.");
            }
        }

        return pending.GetAwaiter().GetResult();
    }

    public void Dispose() => _completed.Dispose();
}
