namespace StateSave.Initiator.Configuration;

/// <summary>Session recovery at ErrorRecoveryLevel 0 (RFC 7143 §7.1.4.3 / §6.3.5 session reinstatement).</summary>
public sealed record RecoveryOptions
{
    public static RecoveryOptions Default { get; } = new();

    /// <summary>False: a lost connection fails the session and every command not completed.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>Login attempts after a connection is lost before the session is declared failed.</summary>
    public int MaxAttempts { get; init; } = 8;

    /// <summary>Delay before the first reinstatement attempt; doubled after each failed attempt.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Upper bound of the backoff.</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The delay before attempt <paramref name="attempt"/> (0-based): exponential, capped.</summary>
    public TimeSpan BackoffFor(int attempt)
    {
        double factor = Math.Pow(2, Math.Min(attempt, 30));
        double ticks = Math.Min(InitialBackoff.Ticks * factor, MaxBackoff.Ticks);
        return TimeSpan.FromTicks((long)ticks);
    }
}
