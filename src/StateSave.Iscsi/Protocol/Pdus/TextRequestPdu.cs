using System.Buffers;
using System.Buffers.Binary;

namespace StateSave.Iscsi.Protocol.Pdus;

/// <summary>
/// Text Request (RFC 7143 §11.10).
/// <code>
/// Byte/     0       |       1       |       2       |       3       |
///    +---------------+---------------+---------------+---------------+
///   0|.|I| 0x04      |F|C| Reserved                                  |
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
///  24| CmdSN                                                         |
///    +---------------+---------------+---------------+---------------+
///  28| ExpStatSN                                                     |
///    +---------------+---------------+---------------+---------------+
///  32/ Reserved                                                      /
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
public struct TextRequestPdu : IIscsiPdu<TextRequestPdu>
{
    private const int TargetTransferTagOffset = 20;
    private const int CmdSNOffset = 24;
    private const int ExpStatSNOffset = 28;

    public TextRequestPdu()
    {
    }

    public readonly IscsiOpcode Opcode => IscsiOpcode.TextRequest;

    public bool Immediate { get; set; }

    /// <summary>F: the last PDU of this text request.</summary>
    public bool Final { get; set; } = true;

    /// <summary>C: the text continues in the next PDU.</summary>
    public bool Continue { get; set; }

    public ulong Lun { get; set; }

    public uint InitiatorTaskTag { get; set; }

    /// <summary>0xffffffff for a new request; the target's TTT when continuing one.</summary>
    public uint TargetTransferTag { get; set; } = ReservedTag.Value;

    public uint CmdSN { get; set; }

    public uint ExpStatSN { get; set; }

    public ReadOnlySequence<byte> DataSegment { get; set; }

    public readonly int AdditionalHeaderSegmentsLength => 0;

    public readonly void EncodeHeader(Span<byte> bhs)
    {
        BasicHeaderSegment.WriteOpcode(bhs, IscsiOpcode.TextRequest, Immediate);
        bhs[1] = TextFlags.Encode(Final, Continue);
        BinaryPrimitives.WriteUInt64BigEndian(bhs[BasicHeaderSegment.LunOffset..], Lun);
        BinaryPrimitives.WriteUInt32BigEndian(bhs[BasicHeaderSegment.InitiatorTaskTagOffset..], InitiatorTaskTag);
        BinaryPrimitives.WriteUInt32BigEndian(bhs[TargetTransferTagOffset..], TargetTransferTag);
        BinaryPrimitives.WriteUInt32BigEndian(bhs[CmdSNOffset..], CmdSN);
        BinaryPrimitives.WriteUInt32BigEndian(bhs[ExpStatSNOffset..], ExpStatSN);
    }

    public readonly void EncodeAdditionalHeaderSegments(Span<byte> destination)
    {
    }

    public static TextRequestPdu Parse(in IscsiPdu pdu)
    {
        PduParsing.ExpectOpcode(pdu, IscsiOpcode.TextRequest);
        PduParsing.ExpectNoAhs(pdu);
        BasicHeaderSegment h = pdu.Header;
        TextFlags.Decode(pdu, h[1], out bool final, out bool cont);
        return new TextRequestPdu
        {
            Immediate = h.Immediate,
            Final = final,
            Continue = cont,
            Lun = h.Lun,
            InitiatorTaskTag = h.InitiatorTaskTag,
            TargetTransferTag = h.ReadUInt32(TargetTransferTagOffset),
            CmdSN = h.ReadUInt32(CmdSNOffset),
            ExpStatSN = h.ReadUInt32(ExpStatSNOffset),
            DataSegment = pdu.DataSegment,
        };
    }
}
