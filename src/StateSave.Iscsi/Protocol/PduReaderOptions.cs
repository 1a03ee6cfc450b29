namespace StateSave.Iscsi.Protocol;

/// <summary>What the reader checks each PDU against: the digests in force and the limits this side declared.</summary>
public readonly record struct PduReaderOptions
{
    /// <summary>RFC 7143 §13.12 default MaxRecvDataSegmentLength (8192), in force until negotiated.</summary>
    public const int DefaultMaxRecvDataSegmentLength = 8192;

    public PduReaderOptions()
    {
    }

    /// <summary>Digests in force (none during login, RFC 7143 §13.1).</summary>
    public DigestOptions Digests { get; init; }

    /// <summary>
    /// The MaxRecvDataSegmentLength this side declared (RFC 7143 §13.12); a larger DataSegmentLength is refused
    /// before any of its data is waited for.
    /// </summary>
    public int MaxRecvDataSegmentLength { get; init; } = DefaultMaxRecvDataSegmentLength;

    /// <summary>Opcodes accepted.</summary>
    public PduDirection Direction { get; init; } = PduDirection.Any;

    /// <summary>Largest PDU the reader ever waits for with these options (for sizing pipe thresholds).</summary>
    public long MaxPduLength => BasicHeaderSegment.Length + AdditionalHeaderSegment.MaxTotalLength + 4
        + ((MaxRecvDataSegmentLength + 3L) & ~3L) + 4;
}
