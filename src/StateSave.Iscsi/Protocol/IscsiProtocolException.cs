namespace StateSave.Iscsi.Protocol;

/// <summary>
/// Bad input from a peer. Carries everything the connection layer needs to give the RFC's answer:
/// the error, the action (Reject, close, fail the login), the Reject reason and a copy of the offending
/// Basic Header Segment (a Reject's data segment is that header, RFC 7143 §11.17).
/// </summary>
public sealed class IscsiProtocolException : Exception
{
    public IscsiProtocolException(ProtocolErrorCode error, ProtocolErrorAction action, string message,
        RejectReason? rejectReason = null, ReadOnlySpan<byte> offendingHeader = default, long bytesToSkip = 0)
        : base(message)
    {
        Error = error;
        Action = action;
        RejectReason = rejectReason;
        OffendingHeader = offendingHeader.IsEmpty ? ReadOnlyMemory<byte>.Empty : offendingHeader.ToArray();
        BytesToSkip = bytesToSkip;
    }

    public IscsiProtocolException() : this(ProtocolErrorCode.InvalidField, ProtocolErrorAction.CloseConnection, "iSCSI protocol error") { }

    public IscsiProtocolException(string message) : this(ProtocolErrorCode.InvalidField, ProtocolErrorAction.CloseConnection, message) { }

    public IscsiProtocolException(string message, Exception innerException) : base(message, innerException)
    {
        Error = ProtocolErrorCode.InvalidField;
        Action = ProtocolErrorAction.CloseConnection;
    }

    /// <summary>What was wrong.</summary>
    public ProtocolErrorCode Error { get; }

    /// <summary>How the connection layer answers.</summary>
    public ProtocolErrorAction Action { get; }

    /// <summary>The Reject reason when <see cref="Action"/> is <see cref="ProtocolErrorAction.Reject"/>.</summary>
    public RejectReason? RejectReason { get; }

    /// <summary>The 48-byte BHS of the PDU in error, when it could be read (empty otherwise).</summary>
    public ReadOnlyMemory<byte> OffendingHeader { get; }

    /// <summary>
    /// For errors that leave the stream framed (the whole PDU length was known and trusted), how many bytes the
    /// reader has already skipped so that reading can go on after the Reject; 0 otherwise.
    /// </summary>
    public long BytesToSkip { get; }
}
