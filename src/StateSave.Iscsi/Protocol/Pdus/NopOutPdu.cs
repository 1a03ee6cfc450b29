using System.Buffers;
using System.Buffers.Binary;

namespace StateSave.Iscsi.Protocol.Pdus;

/// <summary>
/// NOP-Out (RFC 7143 §11.18).
/// <code>
/// Byte/     0       |       1       |       2       |       3       |
///    +---------------+---------------+---------------+---------------+
///   0|.|I| 0x00      |1| Reserved                                    |
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
///  24| CmdSN                                                         |
///    +---------------+---------------+---------------+---------------+
///  28| ExpStatSN                                                     |
///    +---------------+---------------+---------------+---------------+
///  32/ Reserved                                                      /
///   +/                                                               /
///    +---------------+---------------+---------------+---------------+
///  48| Header-Digest (optional)                                      |
///    +---------------+---------------+---------------+---------------+
///    / DataSegment - Ping Data (optional)                            /
///   +/                                                               /
///    +---------------+---------------+---------------+---------------+
///    | Data-Digest (optional)                                        |
///    +---------------+---------------+---------------+---------------+
/// </code>
/// </summary>
public struct NopOutPdu : IIscsiPdu<NopOutPdu>
{
    private const int TargetTransferTagOffset = 20;
    private const int CmdSNOffset = 24;
    private const int ExpStatSNOffset = 28;

    public NopOutPdu()
    {
    }

    public readonly IscsiOpcode Opcode => IscsiOpcode.NopOut;

    public bool Immediate { get; set; }

    public ulong Lun { get; set; }

    /// <summary>0xffffffff when the NOP-Out answers a NOP-In and no response is wanted (RFC 7143 §11.18.1).</summary>
    public uint InitiatorTaskTag { get; set; } = ReservedTag.Value;

    /// <summary>The TTT of the NOP-In being answered, else 0xffffffff.</summary>
    public uint TargetTransferTag { get; set; } = ReservedTag.Value;

    public uint CmdSN { get; set; }

    public uint ExpStatSN { get; set; }

    /// <summary>Ping data, echoed by the target in its NOP-In.</summary>
    public ReadOnlySequence<byte> DataSegment { get; set; }

    public readonly int AdditionalHeaderSegmentsLength => 0;

    public readonly void EncodeHeader(Span<byte> bhs)
    {
        BasicHeaderSegment.WriteOpcode(bhs, IscsiOpcode.NopOut, Immediate);
        bhs[1] = 0x80;
        BinaryPrimitives.WriteUInt64BigEndian(bhs[BasicHeaderSegment.LunOffset..], Lun);
        BinaryPrimitives.WriteUInt32BigEndian(bhs[BasicHeaderSegment.InitiatorTaskTagOffset..], InitiatorTaskTag);
        BinaryPrimitives.WriteUInt32BigEndian(bhs[TargetTransferTagOffset..], TargetTransferTag);
        BinaryPrimitives.WriteUInt32BigEndian(bhs[CmdSNOffset..], CmdSN);
        BinaryPrimitives.WriteUInt32BigEndian(bhs[ExpStatSNOffset..], ExpStatSN);
    }

    public readonly void EncodeAdditionalHeaderSegments(Span<byte> destination)
    {
    }

    public static NopOutPdu Parse(in IscsiPdu pdu)
    {
        PduParsing.ExpectOpcode(pdu, IscsiOpcode.NopOut);
        PduParsing.ExpectNoAhs(pdu);
        PduParsing.ExpectFinal(pdu);
        BasicHeaderSegment h = pdu.Header;
        return new NopOutPdu
        {
            Immediate = h.Immediate,
            Lun = h.Lun,
            InitiatorTaskTag = h.InitiatorTaskTag,
            TargetTransferTag = h.ReadUInt32(TargetTransferTagOffset),
            CmdSN = h.ReadUInt32(CmdSNOffset),
            ExpStatSN = h.ReadUInt32(ExpStatSNOffset),
            DataSegment = pdu.DataSegment,
        };
    }
}
