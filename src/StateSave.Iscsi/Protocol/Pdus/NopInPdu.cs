using System.Buffers;
using System.Buffers.Binary;

namespace StateSave.Iscsi.Protocol.Pdus;

/// <summary>
/// NOP-In (RFC 7143 §11.19).
/// <code>
/// Byte/     0       |       1       |       2       |       3       |
///    +---------------+---------------+---------------+---------------+
///   0|.|.| 0x20      |1| Reserved                                    |
///    +---------------+---------------+---------------+---------------+
///   4|TotalAHSLength | DataSegmentLength                             |
///    +---------------+---------------+---------------+---------------+
///   8| LUN or Reserved                                               |
///    +                                                               +
///  12|                                                               |
///    +---------------+---------------+---------------+---------------+
///  16| Initiator Task Tag or 0xffffffff                              |
///    +---------------+---------------+---------------+---------------+
///  20| Target Transfer Tag or 0xffffffff                             |
///    +---------------+---------------+---------------+---------------+
///  24| StatSN                                                        |
///    +---------------+---------------+---------------+---------------+
///  28| ExpCmdSN                                                      |
///    +---------------+---------------+---------------+---------------+
///  32| MaxCmdSN                                                      |
///    +---------------+---------------+---------------+---------------+
///  36/ Reserved                                                      /
///   +/                                                               /
///    +---------------+---------------+---------------+---------------+
///  48| Header-Digest (optional)                                      |
///    +---------------+---------------+---------------+---------------+
///    / DataSegment - Return Ping Data                                /
///   +/                                                               /
///    +---------------+---------------+---------------+---------------+
///    | Data-Digest (optional)                                        |
///    +---------------+---------------+---------------+---------------+
/// </code>
/// </summary>
public struct NopInPdu : IIscsiPdu<NopInPdu>, ITargetSequencedPdu
{
    private const int TargetTransferTagOffset = 20;
    private const int StatSNOffset = 24;
    private const int ExpCmdSNOffset = 28;
    private const int MaxCmdSNOffset = 32;

    public NopInPdu()
    {
    }

    public readonly IscsiOpcode Opcode => IscsiOpcode.NopIn;

    public ulong Lun { get; set; }

    /// <summary>The ITT of the NOP-Out answered, or 0xffffffff for a target-initiated ping.</summary>
    public uint InitiatorTaskTag { get; set; } = ReservedTag.Value;

    /// <summary>A tag the initiator echoes when the target wants an answer, else 0xffffffff.</summary>
    public uint TargetTransferTag { get; set; } = ReservedTag.Value;

    public uint StatSN { get; set; }

    public uint ExpCmdSN { get; set; }

    public uint MaxCmdSN { get; set; }

    public ReadOnlySequence<byte> DataSegment { get; set; }

    public readonly int AdditionalHeaderSegmentsLength => 0;

    public readonly void EncodeHeader(Span<byte> bhs)
    {
        BasicHeaderSegment.WriteOpcode(bhs, IscsiOpcode.NopIn, immediate: false);
        bhs[1] = 0x80;
        BinaryPrimitives.WriteUInt64BigEndian(bhs[BasicHeaderSegment.LunOffset..], Lun);
        BinaryPrimitives.WriteUInt32BigEndian(bhs[BasicHeaderSegment.InitiatorTaskTagOffset..], InitiatorTaskTag);
        BinaryPrimitives.WriteUInt32BigEndian(bhs[TargetTransferTagOffset..], TargetTransferTag);
        BinaryPrimitives.WriteUInt32BigEndian(bhs[StatSNOffset..], StatSN);
        BinaryPrimitives.WriteUInt32BigEndian(bhs[ExpCmdSNOffset..], ExpCmdSN);
        BinaryPrimitives.WriteUInt32BigEndian(bhs[MaxCmdSNOffset..], MaxCmdSN);
    }

    public readonly void EncodeAdditionalHeaderSegments(Span<byte> destination)
    {
    }

    public static NopInPdu Parse(in IscsiPdu pdu)
    {
        PduParsing.ExpectOpcode(pdu, IscsiOpcode.NopIn);
        PduParsing.ExpectNoAhs(pdu);
        BasicHeaderSegment h = pdu.Header;
        return new NopInPdu
        {
            Lun = h.Lun,
            InitiatorTaskTag = h.InitiatorTaskTag,
            TargetTransferTag = h.ReadUInt32(TargetTransferTagOffset),
            StatSN = h.ReadUInt32(StatSNOffset),
            ExpCmdSN = h.ReadUInt32(ExpCmdSNOffset),
            MaxCmdSN = h.ReadUInt32(MaxCmdSNOffset),
            DataSegment = pdu.DataSegment,
        };
    }
}
