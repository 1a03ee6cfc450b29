namespace StateSave.Target.Tasks;

/// <summary>One outstanding R2T (RFC 7143 §11.8) and how much of its solicited Data-Out sequence has arrived.</summary>
internal sealed class R2TSequence(uint targetTransferTag, uint r2tSN, uint bufferOffset, uint desiredDataTransferLength)
{
    public uint TargetTransferTag { get; } = targetTransferTag;

    public uint R2TSN { get; } = r2tSN;

    public uint BufferOffset { get; } = bufferOffset;

    public uint DesiredDataTransferLength { get; } = desiredDataTransferLength;

    public uint End => BufferOffset + DesiredDataTransferLength;

    /// <summary>The DataSN the next Data-Out of this sequence must carry (starts at 0 per R2T).</summary>
    public uint NextDataSN { get; set; }
}
