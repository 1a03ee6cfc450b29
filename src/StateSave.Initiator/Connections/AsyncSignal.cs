using System.Threading.Tasks.Sources;

namespace StateSave.Initiator.Connections;

/// <summary>
/// An auto-reset signal with one waiter that allocates nothing per wait (a reusable value-task source):
/// the send pump waits on it for work queued by the read loop.
/// </summary>
internal sealed class AsyncSignal : IValueTaskSource<bool>
{
    private readonly Lock _lock = new();
    private ManualResetValueTaskSourceCore<bool> _core = new() { RunContinuationsAsynchronously = true };
    private bool _set;
    private bool _waiting;
    private bool _closed;

    /// <summary>Wakes the waiter, or lets the next wait return at once.</summary>
    public void Set()
    {
        lock (_lock)
        {
            if (_waiting)
            {
                _waiting = false;
                _core.SetResult(!_closed);
            }
            else
            {
                _set = true;
            }
        }
    }

    /// <summary>Ends every present and future wait with false.</summary>
    public void Close()
    {
        lock (_lock)
        {
            _closed = true;
        }

        Set();
    }

    /// <summary>Returns true when signalled, false when closed.</summary>
    public ValueTask<bool> WaitAsync()
    {
        lock (_lock)
        {
            if (_closed)
            {
                return new ValueTask<bool>(false);
            }

            if (_set)
            {
                _set = false;
                return new ValueTask<bool>(true);
            }

            _core.Reset();
            _waiting = true;
            return new ValueTask<bool>(this, _core.Version);
        }
    }

    public bool GetResult(short token) => _core.GetResult(token);

    public System.Threading.Tasks.Sources.ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
