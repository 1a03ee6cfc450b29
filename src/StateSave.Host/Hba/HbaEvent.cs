namespace StateSave.Host.Hba;

/// <summary>What happened on an initiator port or session (an entry of the HBA driver's recent-event ring).</summary>
public enum HbaEventKind
{
    Discovery,
    Login,
    LoginFailed,
    Logout,
    StateChanged,
    ConnectionLost,
    Recovered,
    SessionFailed,
    Reconnect,
    Timeout,
    Abort,
    AsyncMessage,
    Error,

    /// <summary>The storage controller sent a State Save Request (in-band state save).</summary>
    StateSaveRequest,
}

/// <summary>One entry of the HBA driver's recent-event ring.</summary>
/// <param name="Time">When it happened (UTC).</param>
/// <param name="Kind">What happened.</param>
/// <param name="Port">The initiator port's name.</param>
/// <param name="Session">The session's identifier, or null for a port event.</param>
/// <param name="Detail">A short human-readable detail.</param>
public sealed record HbaEvent(DateTimeOffset Time, HbaEventKind Kind, string Port, string? Session, string Detail);
