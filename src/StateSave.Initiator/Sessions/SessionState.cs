namespace StateSave.Initiator.Sessions;

/// <summary>The life of an initiator session as the host layer sees it.</summary>
public enum SessionState
{
    /// <summary>Full feature phase: commands flow.</summary>
    LoggedIn,

    /// <summary>The connection was lost; the session is being reinstated. Commands wait and are re-issued.</summary>
    Recovering,

    /// <summary>The target asked for a logout or renegotiation; in-flight commands drain, then the session is renewed.</summary>
    Renewing,

    /// <summary>A logout is in progress.</summary>
    LoggingOut,

    /// <summary>Logged out or disposed.</summary>
    Closed,

    /// <summary>Recovery was disabled or exhausted; every command not completed has failed.</summary>
    Failed,
}
