namespace StateSave.Storage.LogicalUnits;

/// <summary>Whether a sanitize operation runs or failed (SBC-4 §4.11). Thread-safe.</summary>
internal sealed class SanitizeState
{
    private volatile int _state; // 0 idle, 1 in progress, 2 failed
    private int _progress;

    public bool IsInProgress => _state == 1;

    public bool HasFailed => _state == 2;

    /// <summary>PROGRESS INDICATION, a fraction of 65 536.</summary>
    public ushort Progress => (ushort)Volatile.Read(ref _progress);

    public bool TryBegin() => Interlocked.CompareExchange(ref _state, 1, 0) == 0 || Interlocked.CompareExchange(ref _state, 1, 2) == 2;

    public void Report(ulong done, ulong total) => Volatile.Write(ref _progress, total == 0 ? 0 : (int)Math.Min(65535, done * 65536 / total));

    public void Complete(bool success)
    {
        Volatile.Write(ref _progress, 0);
        _state = success ? 0 : 2;
    }

    /// <summary>EXIT FAILURE MODE: the medium is usable again.</summary>
    public void ExitFailureMode() => Interlocked.CompareExchange(ref _state, 0, 2);
}
