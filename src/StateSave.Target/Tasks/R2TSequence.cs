namespace StateSave.Target.Tasks;

/// <summary>One outstanding R2T (RFC 7143 §11.8) and how much of its solicited Data-Out sequence has arrived.</summary>
internal struct R2TSequence(uint targetTransferTag, uint r2tSN, uint bufferOffset, uint desiredDataTransferLength)
{
    public readonly uint TargetTransferTag => targetTransferTag;

    public readonly uint R2TSN => r2tSN;

    public readonly uint BufferOffset => bufferOffset;

    public readonly uint DesiredDataTransferLength => desiredDataTransferLength;

    public readonly uint End => BufferOffset + DesiredDataTransferLength;

    /// <summary>The DataSN the next Data-Out of this sequence must carry (starts at 0 per R2T).</summary>
    public uint NextDataSN { get; set; }
}
