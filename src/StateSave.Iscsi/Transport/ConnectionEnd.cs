namespace StateSave.Iscsi.Transport;

/// <summary>The recorded end of a connection: the reason, the caller's or the transport's message, and the exception if any.</summary>
/// <param name="Reason">Why the connection ended.</param>
/// <param name="Message">For <see cref="ConnectionEndReason.Aborted"/>, the reason the caller gave; otherwise a short description, or null.</param>
/// <param name="Exception">The exception that caused the end (a socket error, a protocol error passed to Abort), or null.</param>
public sealed record ConnectionEnd(ConnectionEndReason Reason, string? Message = null, Exception? Exception = null)
{
    public override string ToString() => Message is null ? Reason.ToString() : $"{Reason}: {Message}";
}
