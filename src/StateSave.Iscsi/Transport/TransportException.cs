namespace StateSave.Iscsi.Transport;

/// <summary>
/// A transport failure. Thrown by <c>ConnectAsync</c> when a connection cannot be established, and used to
/// complete a connection's input when the peer reset it or the transport failed, so a pending read sees why.
/// </summary>
public sealed class TransportException : IOException
{
    public TransportException()
    {
    }

    public TransportException(string message)
        : base(message)
    {
    }

    public TransportException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    public TransportException(ConnectionEndReason endReason, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        EndReason = endReason;
    }

    /// <summary>The connection's end reason when this exception reports the end of a connection; null for connect failures.</summary>
    public ConnectionEndReason? EndReason { get; }
}
