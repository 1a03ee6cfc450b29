using System.Buffers;
using System.Buffers.Binary;

namespace StateSave.Iscsi.Protocol.Pdus;

/// <summary>
/// SNACK Request (RFC 7143 §11.16).
/// <code>
/// Byte/     0       |       1       |       2       |       3       |
///    +---------------+---------------+---------------+---------------+
///   0|.|.| 0x10      |1|.|.|.| Type  | Reserved                      |
///    +---------------+---------------+---------------+---------------+
///   4|TotalAHSLength | DataSegmentLength                             |
///    +---------------+---------------+---------------+---------------+
///   8| LUN or Reserved                                               |
///    +                                                               +
///  12|                                                               |
///    +---------------+---------------+---------------+---------------+
///  16| Initiator Task Tag or 0xffffffff                              |
///    +---------------+---------------+---------------+---------------+
///  20| Target Transfer Tag or SNACK Tag or 0xffffffff                |
///    +---------------+---------------+---------------+---------------+
///  24| Reserved                                                      |
///    +---------------+---------------+---------------+---------------+
///  28| ExpStatSN                                                     |
///    +---------------+---------------+---------------+---------------+
///  32/ Reserved                                                      /
///   +/                                                               /
///    +---------------+---------------+---------------+---------------+
///  40| BegRun                                                        |
///    +---------------------------------------------------------------+
///  44| RunLength                                                     |
///    +---------------------------------------------------------------+
///  48| Header-Digest (optional)                                      |
///    +---------------+---------------+---------------+---------------+
/// </code>
/// </summary>
public struct SnackRequestPdu : IIscsiPdu<SnackRequestPdu>
{
    private const byte TypeMask = 0x0F;
    private const int TargetTransferTagOffset = 20;
    private const int ExpStatSNOffset = 28;
    private const int BegRunOffset = 40;
    private const int RunLengthOffset = 44;

    public SnackRequestPdu()
    {
    }

    public readonly IscsiOpcode Opcode => IscsiOpcode.SnackRequest;

    public SnackType Type { get; set; }

    public ulong Lun { get; set; }

    public uint InitiatorTaskTag { get; set; } = ReservedTag.Value;

    /// <summary>The TTT (DataACK) or SNACK Tag (R-Data), else 0xffffffff.</summary>
    public uint TargetTransferTag { get; set; } = ReservedTag.Value;

    public uint ExpStatSN { get; set; }

    /// <summary>The first DataSN, R2TSN or StatSN asked for again.</summary>
    public uint BegRun { get; set; }

    /// <summary>How many; 0 means all from <see cref="BegRun"/> on.</summary>
    public uint RunLength { get; set; }

    public readonly ReadOnlySequence<byte> DataSegment => ReadOnlySequence<byte>.Empty;

    public readonly int AdditionalHeaderSegmentsLength => 0;

    public readonly void EncodeHeader(Span<byte> bhs)
    {
        BasicHeaderSegment.WriteOpcode(bhs, IscsiOpcode.SnackRequest, immediate: false);
        bhs[1] = (byte)(0x80 | ((byte)Type & TypeMask));
        BinaryPrimitives.WriteUInt64BigEndian(bhs[BasicHeaderSegment.LunOffset..], Lun);
        BinaryPrimitives.WriteUInt32BigEndian(bhs[BasicHeaderSegment.InitiatorTaskTagOffset..], InitiatorTaskTag);
        BinaryPrimitives.WriteUInt32BigEndian(bhs[TargetTransferTagOffset..], TargetTransferTag);
        BinaryPrimitives.WriteUInt32BigEndian(bhs[ExpStatSNOffset..], ExpStatSN);
        BinaryPrimitives.WriteUInt32BigEndian(bhs[BegRunOffset..], BegRun);
        BinaryPrimitives.WriteUInt32BigEndian(bhs[RunLengthOffset..], RunLength);
    }

    public readonly void EncodeAdditionalHeaderSegments(Span<byte> destination)
    {
    }

    public static SnackRequestPdu Parse(in IscsiPdu pdu)
    {
        PduParsing.ExpectOpcode(pdu, IscsiOpcode.SnackRequest);
        PduParsing.ExpectNoAhs(pdu);
        PduParsing.ExpectNoData(pdu);
        BasicHeaderSegment h = pdu.Header;
        byte type = (byte)(h[1] & TypeMask);
        if (type > (byte)SnackType.RData)
        {
            throw PduParsing.InvalidField(pdu, $"SNACK Request has reserved Type {type}.");
        }

        return new SnackRequestPdu
        {
            Type = (SnackType)type,
            Lun = h.Lun,
            InitiatorTaskTag = h.InitiatorTaskTag,
            TargetTransferTag = h.ReadUInt32(TargetTransferTagOffset),
            ExpStatSN = h.ReadUInt32(ExpStatSNOffset),
            BegRun = h.ReadUInt32(BegRunOffset),
            RunLength = h.ReadUInt32(RunLengthOffset),
        };
    }
}
