namespace StateSave.Target.Configuration;

/// <summary>
/// What one session may hold, so that no peer can exhaust the server (and the values the target offers
/// in operational negotiation, RFC 7143 §13).
/// </summary>
public sealed class SessionLimits
{
    /// <summary>Commands the session may have outstanding: the CmdSN window (MaxCmdSN - ExpCmdSN + 1) is this minus those in progress.</summary>
    public int CommandWindow { get; init; } = 128;

    /// <summary>The largest data segment the target accepts (its MaxRecvDataSegmentLength declaration).</summary>
    public int MaxRecvDataSegmentLength { get; init; } = 262144;

    /// <summary>The MaxBurstLength the target offers (the result is the minimum of both sides).</summary>
    public int MaxBurstLength { get; init; } = 1048576;

    /// <summary>The FirstBurstLength the target offers (the result is the minimum of both sides).</summary>
    public int FirstBurstLength { get; init; } = 262144;

    /// <summary>The MaxOutstandingR2T the target offers (the result is the minimum of both sides).</summary>
    public int MaxOutstandingR2T { get; init; } = 4;

    /// <summary>Sessions the whole server accepts at once.</summary>
    public int MaxSessions { get; init; } = 256;

    /// <summary>How long a login may take before the connection is dropped.</summary>
    public TimeSpan LoginTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Idle time after which the target pings with a NOP-In (RFC 7143 §11.19); zero turns pings off.</summary>
    public TimeSpan NopInInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the target waits for the NOP-Out answering its ping before dropping the connection.</summary>
    public TimeSpan NopInTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
