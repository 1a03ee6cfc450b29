using System.Buffers;
using System.Buffers.Binary;

namespace StateSave.Iscsi.Protocol.Pdus;

/// <summary>
/// Ready To Transfer, R2T (RFC 7143 §11.8).
/// <code>
/// Byte/     0       |       1       |       2       |       3       |
///    +---------------+---------------+---------------+---------------+
///   0|.|.| 0x31      |1| Reserved                                    |
///    +---------------+---------------+---------------+---------------+
///   4|TotalAHSLength | DataSegmentLength                             |
///    +---------------+---------------+---------------+---------------+
///   8| LUN                                                           |
///    +                                                               +
///  12|                                                               |
///    +---------------+---------------+---------------+---------------+
///  16| Initiator Task Tag                                            |
///    +---------------+---------------+---------------+---------------+
///  20| Target Transfer Tag                                           |
///    +---------------+---------------+---------------+---------------+
///  24| StatSN                                                        |
///    +---------------+---------------+---------------+---------------+
///  28| ExpCmdSN                                                      |
///    +---------------+---------------+---------------+---------------+
///  32| MaxCmdSN                                                      |
///    +---------------+---------------+---------------+---------------+
///  36| R2TSN                                                         |
///    +---------------+---------------+---------------+---------------+
///  40| Buffer Offset                                                 |
///    +---------------+---------------+---------------+---------------+
///  44| Desired Data Transfer Length                                  |
///    +---------------------------------------------------------------+
///  48| Header-Digest (optional)                                      |
///    +---------------+---------------+---------------+---------------+
/// </code>
/// </summary>
public struct ReadyToTransferPdu : IIscsiPdu<ReadyToTransferPdu>, ITargetSequencedPdu
{
    private const int TargetTransferTagOffset = 20;
    private const int StatSNOffset = 24;
    private const int ExpCmdSNOffset = 28;
    private const int MaxCmdSNOffset = 32;
    private const int R2TSNOffset = 36;
    private const int BufferOffsetOffset = 40;
    private const int DesiredDataTransferLengthOffset = 44;

    public readonly IscsiOpcode Opcode => IscsiOpcode.ReadyToTransfer;

    public ulong Lun { get; set; }

    public uint InitiatorTaskTag { get; set; }

    public uint TargetTransferTag { get; set; }

    /// <summary>Not advanced by R2T; carries the next StatSN (RFC 7143 §11.8.3).</summary>
    public uint StatSN { get; set; }

    public uint ExpCmdSN { get; set; }

    public uint MaxCmdSN { get; set; }

    public uint R2TSN { get; set; }

    public uint BufferOffset { get; set; }

    public uint DesiredDataTransferLength { get; set; }

    public readonly ReadOnlySequence<byte> DataSegment => ReadOnlySequence<byte>.Empty;

    public readonly int AdditionalHeaderSegmentsLength => 0;

    public readonly void EncodeHeader(Span<byte> bhs)
    {
        BasicHeaderSegment.WriteOpcode(bhs, IscsiOpcode.ReadyToTransfer, immediate: false);
        bhs[1] = 0x80;
        BinaryPrimitives.WriteUInt64BigEndian(bhs[BasicHeaderSegment.LunOffset..], Lun);
        BinaryPrimitives.WriteUInt32BigEndian(bhs[BasicHeaderSegment.InitiatorTaskTagOffset..], InitiatorTaskTag);
        BinaryPrimitives.WriteUInt32BigEndian(bhs[TargetTransferTagOffset..], TargetTransferTag);
        BinaryPrimitives.WriteUInt32BigEndian(bhs[StatSNOffset..], StatSN);
        BinaryPrimitives.WriteUInt32BigEndian(bhs[ExpCmdSNOffset..], ExpCmdSN);
        BinaryPrimitives.WriteUInt32BigEndian(bhs[MaxCmdSNOffset..], MaxCmdSN);
        BinaryPrimitives.WriteUInt32BigEndian(bhs[R2TSNOffset..], R2TSN);
        BinaryPrimitives.WriteUInt32BigEndian(bhs[BufferOffsetOffset..], BufferOffset);
        BinaryPrimitives.WriteUInt32BigEndian(bhs[DesiredDataTransferLengthOffset..], DesiredDataTransferLength);
    }

    public readonly void EncodeAdditionalHeaderSegments(Span<byte> destination)
    {
    }

    public static ReadyToTransferPdu Parse(in IscsiPdu pdu)
    {
        PduParsing.ExpectOpcode(pdu, IscsiOpcode.ReadyToTransfer);
        PduParsing.ExpectNoAhs(pdu);
        PduParsing.ExpectNoData(pdu);
        BasicHeaderSegment h = pdu.Header;
        uint desired = h.ReadUInt32(DesiredDataTransferLengthOffset);
        if (desired == 0)
        {
            // RFC 7143 §11.8.4: the Desired Data Transfer Length must be greater than 0.
            throw PduParsing.InvalidField(pdu, "R2T has Desired Data Transfer Length 0.");
        }

        return new ReadyToTransferPdu
        {
            Lun = h.Lun,
            InitiatorTaskTag = h.InitiatorTaskTag,
            TargetTransferTag = h.ReadUInt32(TargetTransferTagOffset),
            StatSN = h.ReadUInt32(StatSNOffset),
            ExpCmdSN = h.ReadUInt32(ExpCmdSNOffset),
            MaxCmdSN = h.ReadUInt32(MaxCmdSNOffset),
            R2TSN = h.ReadUInt32(R2TSNOffset),
            BufferOffset = h.ReadUInt32(BufferOffsetOffset),
            DesiredDataTransferLength = desired,
        };
    }
}
