namespace StateSave.Initiator.Sessions;

/// <summary>A snapshot of a session's counters (all since the session was created, across reinstatements).</summary>
public readonly record struct SessionStatistics
{
    public long Commands { get; init; }

    public long CommandsCompleted { get; init; }

    public long BytesRead { get; init; }

    public long BytesWritten { get; init; }

    /// <summary>Commands that ended without GOOD status (CHECK CONDITION, BUSY, protocol errors, failures).</summary>
    public long Errors { get; init; }

    public long Timeouts { get; init; }

    public long Aborts { get; init; }

    /// <summary>Successful reinstatements after a lost connection.</summary>
    public long Reconnects { get; init; }

    public long ConnectionsLost { get; init; }

    public long ProtocolErrors { get; init; }

    public long PdusSent { get; init; }

    public long PdusReceived { get; init; }

    public long R2TsReceived { get; init; }

    public long PingsAnswered { get; init; }
}

/// <summary>The live counters behind <see cref="SessionStatistics"/>; updated with interlocked increments.</summary>
internal sealed class SessionCounters
{
    public long Commands;
    public long CommandsCompleted;
    public long BytesRead;
    public long BytesWritten;
    public long Errors;
    public long Timeouts;
    public long Aborts;
    public long Reconnects;
    public long ConnectionsLost;
    public long ProtocolErrors;
    public long PdusSent;
    public long PdusReceived;
    public long R2TsReceived;
    public long PingsAnswered;

    public SessionStatistics Snapshot() => new()
    {
        Commands = Volatile.Read(ref Commands),
        CommandsCompleted = Volatile.Read(ref CommandsCompleted),
        BytesRead = Volatile.Read(ref BytesRead),
        BytesWritten = Volatile.Read(ref BytesWritten),
        Errors = Volatile.Read(ref Errors),
        Timeouts = Volatile.Read(ref Timeouts),
        Aborts = Volatile.Read(ref Aborts),
        Reconnects = Volatile.Read(ref Reconnects),
        ConnectionsLost = Volatile.Read(ref ConnectionsLost),
        ProtocolErrors = Volatile.Read(ref ProtocolErrors),
        PdusSent = Volatile.Read(ref PdusSent),
        PdusReceived = Volatile.Read(ref PdusReceived),
        R2TsReceived = Volatile.Read(ref R2TsReceived),
        PingsAnswered = Volatile.Read(ref PingsAnswered),
    };
}
