using System.Buffers;
using System.Buffers.Binary;

namespace StateSave.Iscsi.Protocol.Pdus;

/// <summary>
/// Text Response (RFC 7143 §11.11).
/// <code>
/// Byte/     0       |       1       |       2       |       3       |
///    +---------------+---------------+---------------+---------------+
///   0|.|.| 0x24      |F|C| Reserved                                  |
///    +---------------+---------------+---------------+---------------+
///   4|TotalAHSLength | DataSegmentLength                             |
///    +---------------+---------------+---------------+---------------+
///   8| Logical Unit Number (LUN) or Reserved                         |
///    +                                                               +
///  12|                                                               |
///    +---------------+---------------+---------------+---------------+
///  16| Initiator Task Tag                                            |
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
///    / DataSegment (Text)                                            /
///   +/                                                               /
///    +---------------+---------------+---------------+---------------+
///    | Data-Digest (optional)                                        |
///    +---------------+---------------+---------------+---------------+
/// </code>
/// </summary>
public struct TextResponsePdu : IIscsiPdu<TextResponsePdu>, ITargetSequencedPdu
{
    private const int TargetTransferTagOffset = 20;
    private const int StatSNOffset = 24;
    private const int ExpCmdSNOffset = 28;
    private const int MaxCmdSNOffset = 32;

    public TextResponsePdu()
    {
    }

    public readonly IscsiOpcode Opcode => IscsiOpcode.TextResponse;

    public bool Final { get; set; } = true;

    public bool Continue { get; set; }

    public ulong Lun { get; set; }

    public uint InitiatorTaskTag { get; set; }

    /// <summary>0xffffffff on the final response; otherwise a tag the initiator returns to continue.</summary>
    public uint TargetTransferTag { get; set; } = ReservedTag.Value;

    public uint StatSN { get; set; }

    public uint ExpCmdSN { get; set; }

    public uint MaxCmdSN { get; set; }

    public ReadOnlySequence<byte> DataSegment { get; set; }

    public readonly int AdditionalHeaderSegmentsLength => 0;

    public readonly void EncodeHeader(Span<byte> bhs)
    {
        BasicHeaderSegment.WriteOpcode(bhs, IscsiOpcode.TextResponse, immediate: false);
        bhs[1] = TextFlags.Encode(Final, Continue);
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

    public static TextResponsePdu Parse(in IscsiPdu pdu)
    {
        PduParsing.ExpectOpcode(pdu, IscsiOpcode.TextResponse);
        PduParsing.ExpectNoAhs(pdu);
        BasicHeaderSegment h = pdu.Header;
        TextFlags.Decode(pdu, h[1], out bool final, out bool cont);
        return new TextResponsePdu
        {
            Final = final,
            Continue = cont,
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
