namespace StateSave.Target.Sessions;

/// <summary>Per-session counters of the target (read by the storage system's state save), updated without locks.</summary>
internal sealed class SessionCounters
{
    private long _commands;
    private long _bytesRead;
    private long _bytesWritten;
    private long _checkConditions;
    private long _aborted;

    public void Record(long dataInBytes, long dataOutBytes, bool checkCondition, bool aborted)
    {
        Interlocked.Increment(ref _commands);
        Interlocked.Add(ref _bytesRead, dataInBytes);
        Interlocked.Add(ref _bytesWritten, dataOutBytes);
        if (checkCondition)
        {
            Interlocked.Increment(ref _checkConditions);
        }

        if (aborted)
        {
            Interlocked.Increment(ref _aborted);
        }
    }

    public TargetSessionStatistics Snapshot() => new(Interlocked.Read(ref _commands), Interlocked.Read(ref _bytesRead),
        Interlocked.Read(ref _bytesWritten), Interlocked.Read(ref _checkConditions), Interlocked.Read(ref _aborted));
}

/// <summary>A session's counters at one instant: commands ended, Data-In and Data-Out bytes, CHECK CONDITIONs, aborted tasks.</summary>
public sealed record TargetSessionStatistics(long Commands, long BytesRead, long BytesWritten, long CheckConditions, long Aborted);
