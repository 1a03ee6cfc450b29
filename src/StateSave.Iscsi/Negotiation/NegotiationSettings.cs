namespace StateSave.Iscsi.Negotiation;

/// <summary>
/// What this side supports or prefers for each key. Defaults are the RFC 7143 §13 defaults, so an unchanged
/// instance negotiates nothing away from them. Lists are in order of preference.
/// </summary>
public sealed record NegotiationSettings
{
    public static NegotiationSettings Default { get; } = new();

    // Identification (declared, not negotiated).
    public string? InitiatorName { get; init; }
    public string? InitiatorAlias { get; init; }
    public string? TargetName { get; init; }
    public string? TargetAlias { get; init; }
    public ushort? TargetPortalGroupTag { get; init; }
    /// <summary>A TargetAddress to declare (login redirection); usually null.</summary>
    public string? TargetAddress { get; init; }
    /// <summary>The SendTargets value a discovery initiator sends in the Full Feature Phase ("All", a name or empty).</summary>
    public string? SendTargets { get; init; }

    // Security stage.
    public IReadOnlyList<string> AuthMethods { get; init; } = [TextKeyNames.None];

    // Operational stage.
    public IReadOnlyList<DigestType> HeaderDigests { get; init; } = [DigestType.None];
    public IReadOnlyList<DigestType> DataDigests { get; init; } = [DigestType.None];
    public int MaxConnections { get; init; } = 1;
    public bool InitialR2T { get; init; } = true;
    public bool ImmediateData { get; init; } = true;
    /// <summary>The largest data segment this side can receive (declared to the peer).</summary>
    public int MaxRecvDataSegmentLength { get; init; } = 8192;
    public int MaxBurstLength { get; init; } = 262144;
    public int FirstBurstLength { get; init; } = 65536;
    public int DefaultTime2Wait { get; init; } = 2;
    public int DefaultTime2Retain { get; init; } = 20;
    public int MaxOutstandingR2T { get; init; } = 1;
    public bool DataPDUInOrder { get; init; } = true;
    public bool DataSequenceInOrder { get; init; } = true;
    public int ErrorRecoveryLevel { get; init; }
    public IReadOnlyList<string> TaskReporters { get; init; } = ["RFC3720"];
    /// <summary>RFC 7144: an implementation of RFC 7143 is at level 1.</summary>
    public int IscsiProtocolLevel { get; init; } = 1;

    /// <summary>
    /// Accept a key repeated in a later PDU of the same negotiation when it repeats something already settled
    /// (libiscsi repeats its declarations and offers). Off by default: RFC 7143 §6.2 makes a repeat an error.
    /// </summary>
    public bool ToleratesRepeatedKeys { get; init; }

    /// <summary>Values of registered extension keys ("X-..." / "X#..."); a key listed here is offered.</summary>
    public IReadOnlyDictionary<string, string> ExtensionKeys { get; init; } = new Dictionary<string, string>();
}
