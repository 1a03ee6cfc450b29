namespace StateSave.Iscsi.Protocol;

/// <summary>The Reason field of a Reject PDU (RFC 7143 §11.17.1).</summary>
public enum RejectReason : byte
{
    Reserved = 0x01,
    DataDigestError = 0x02,
    SnackReject = 0x03,
    ProtocolError = 0x04,
    CommandNotSupported = 0x05,
    ImmediateCommandReject = 0x06,
    TaskInProgress = 0x07,
    InvalidDataAck = 0x08,
    InvalidPduField = 0x09,
    LongOperationReject = 0x0a,
    DeprecatedNegotiationReset = 0x0b,
    WaitingForLogout = 0x0c,
}
