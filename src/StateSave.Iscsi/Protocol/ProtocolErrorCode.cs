namespace StateSave.Iscsi.Protocol;

/// <summary>What was wrong with input received from a peer.</summary>
public enum ProtocolErrorCode
{
    /// <summary>The stream ended inside a PDU.</summary>
    TruncatedPdu,
    /// <summary>The opcode is not one RFC 7143 defines.</summary>
    ReservedOpcode,
    /// <summary>The opcode is valid but not allowed in this direction (an initiator opcode sent by a target or vice versa).</summary>
    UnexpectedOpcode,
    /// <summary>DataSegmentLength exceeds the MaxRecvDataSegmentLength this side declared.</summary>
    DataSegmentTooLong,
    /// <summary>TotalAHSLength describes AHS that run past the PDU or do not tile it exactly.</summary>
    InvalidAdditionalHeaderSegment,
    /// <summary>The header digest did not match.</summary>
    HeaderDigestError,
    /// <summary>The data digest did not match.</summary>
    DataDigestError,
    /// <summary>A field holds a value the RFC does not allow.</summary>
    InvalidField,
    /// <summary>A text segment was malformed (no '=', bad key or value, unterminated pair).</summary>
    MalformedText,
    /// <summary>A text key name exceeds 63 bytes.</summary>
    TextKeyTooLong,
    /// <summary>A text value exceeds the limit for its key.</summary>
    TextValueTooLong,
    /// <summary>The peer sent more negotiation text than this side accepts.</summary>
    TextTooLong,
    /// <summary>A negotiation rule was broken (a key repeated, a value outside its range, a response to a key never offered...).</summary>
    NegotiationFailure,
}

/// <summary>How the connection layer answers a <see cref="ProtocolErrorCode"/>.</summary>
public enum ProtocolErrorAction
{
    /// <summary>Send a Reject PDU with <see cref="IscsiProtocolException.RejectReason"/> carrying the offending header, then go on reading.</summary>
    Reject,
    /// <summary>The stream can no longer be framed (or the RFC requires it): close the connection.</summary>
    CloseConnection,
    /// <summary>During login: answer with a Login Response carrying an initiator-error status, then close.</summary>
    FailLogin,
}
