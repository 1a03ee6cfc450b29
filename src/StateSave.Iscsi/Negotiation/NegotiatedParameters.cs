namespace StateSave.Iscsi.Negotiation;

/// <summary>
/// The outcome of a negotiation, seen the same way from both sides (directions are named after the initiator and
/// the target, not "local" and "peer"). Keys that were not negotiated hold their RFC 7143 §13 defaults.
/// </summary>
public sealed record NegotiatedParameters
{
    /// <summary>The RFC 7143 §13 (and RFC 7144) defaults.</summary>
    public static NegotiatedParameters Defaults { get; } = new();

    public SessionType SessionType { get; init; } = SessionType.Normal;
    public string? InitiatorName { get; init; }
    public string? InitiatorAlias { get; init; }
    public string? TargetName { get; init; }
    public string? TargetAlias { get; init; }
    public string? TargetAddress { get; init; }
    public ushort? TargetPortalGroupTag { get; init; }
    public string AuthMethod { get; init; } = TextKeyNames.None;

    public DigestType HeaderDigest { get; init; } = DigestType.None;
    public DigestType DataDigest { get; init; } = DigestType.None;
    public int MaxConnections { get; init; } = 1;
    public bool InitialR2T { get; init; } = true;
    public bool ImmediateData { get; init; } = true;
    /// <summary>Declared by the initiator: the largest data segment the target may send it.</summary>
    public int InitiatorMaxRecvDataSegmentLength { get; init; } = 8192;
    /// <summary>Declared by the target: the largest data segment the initiator may send it.</summary>
    public int TargetMaxRecvDataSegmentLength { get; init; } = 8192;
    public int MaxBurstLength { get; init; } = 262144;
    public int FirstBurstLength { get; init; } = 65536;
    public int DefaultTime2Wait { get; init; } = 2;
    public int DefaultTime2Retain { get; init; } = 20;
    public int MaxOutstandingR2T { get; init; } = 1;
    public bool DataPDUInOrder { get; init; } = true;
    public bool DataSequenceInOrder { get; init; } = true;
    public int ErrorRecoveryLevel { get; init; }
    public string TaskReporter { get; init; } = "RFC3720";
    public int IscsiProtocolLevel { get; init; }

    /// <summary>Outcomes of registered extension keys that were negotiated or declared.</summary>
    public ExtensionKeyDictionary ExtensionKeys { get; init; } = ExtensionKeyDictionary.Empty;

    /// <summary>The largest data segment this side may send, given its role.</summary>
    public int MaxSendDataSegmentLength(NegotiationRole role) =>
        role == NegotiationRole.Initiator ? TargetMaxRecvDataSegmentLength : InitiatorMaxRecvDataSegmentLength;
}
