using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using StateSave.Initiator.Logging;

namespace StateSave.Initiator.Sessions;

/// <summary>
/// Delivers a session's events on the thread pool, one at a time and in the order they happened, so that a
/// subscriber (the host layer) never sees "LoggedIn" before the "Recovering" that preceded it, and never runs on
/// the read loop.
/// </summary>
internal sealed class EventDispatcher(ILogger logger)
{
    private readonly ConcurrentQueue<Action> _queue = new();
    private int _running;

    public void Post(Action action)
    {
        _queue.Enqueue(action);
        if (Interlocked.CompareExchange(ref _running, 1, 0) == 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static self => self.Drain(), this, preferLocal: false);
        }
    }

    private void Drain()
    {
        while (true)
        {
            while (_queue.TryDequeue(out Action? action))
            {
                try
                {
                    action();
                }
#pragma warning disable CA1031 // A subscriber's failure must not take the session down.
                catch (Exception error)
#pragma warning restore CA1031
                {
                    InitiatorLog.EventHandlerFailed(logger, error);
                }
            }

            Volatile.Write(ref _running, 0);
            if (_queue.IsEmpty || Interlocked.CompareExchange(ref _running, 1, 0) != 0)
            {
                return;
            }
        }
    }
}
