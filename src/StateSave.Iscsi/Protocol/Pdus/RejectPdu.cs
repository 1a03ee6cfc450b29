using System.Buffers;
using System.Buffers.Binary;

namespace StateSave.Iscsi.Protocol.Pdus;

/// <summary>
/// Reject (RFC 7143 §11.17). The data segment is the complete header (BHS and AHS) of the rejected PDU.
/// <code>
/// Byte/     0       |       1       |       2       |       3       |
///    +---------------+---------------+---------------+---------------+
///   0|.|.| 0x3f      |1| Reserved    | Reason        | Reserved      |
///    +---------------+---------------+---------------+---------------+
///   4|TotalAHSLength | DataSegmentLength                             |
///    +---------------+---------------+---------------+---------------+
///   8/ Reserved                                                      /
///   +/                                                               /
///    +---------------+---------------+---------------+---------------+
///  16| 0xffffffff                                                    |
///    +---------------+---------------+---------------+---------------+
///  20| Reserved                                                      |
///    +---------------+---------------+---------------+---------------+
///  24| StatSN                                                        |
///    +---------------+---------------+---------------+---------------+
///  28| ExpCmdSN                                                      |
///    +---------------+---------------+---------------+---------------+
///  32| MaxCmdSN                                                      |
///    +---------------+---------------+---------------+---------------+
///  36| DataSN/R2TSN or Reserved                                      |
///    +---------------+---------------+---------------+---------------+
///  40| Reserved                                                      |
///    +---------------+---------------+---------------+---------------+
///  44| Reserved                                                      |
///    +---------------+---------------+---------------+---------------+
///  48| Header-Digest (optional)                                      |
///    +---------------+---------------+---------------+---------------+
///  xx/ Complete Header of Bad PDU                                    /
///   +/                                                               /
///    +---------------+---------------+---------------+---------------+
///  yy| Data-Digest (optional)                                        |
///    +---------------+---------------+---------------+---------------+
/// </code>
/// </summary>
public struct RejectPdu : IIscsiPdu<RejectPdu>, ITargetSequencedPdu
{
    private const int StatSNOffset = 24;
    private const int ExpCmdSNOffset = 28;
    private const int MaxCmdSNOffset = 32;
    private const int DataSNOffset = 36;

    public readonly IscsiOpcode Opcode => IscsiOpcode.Reject;

    public RejectReason Reason { get; set; }

    public uint StatSN { get; set; }

    public uint ExpCmdSN { get; set; }

    public uint MaxCmdSN { get; set; }

    /// <summary>The expected DataSN or R2TSN, for a rejected SNACK (else reserved).</summary>
    public uint DataSN { get; set; }

    /// <summary>The complete header of the rejected PDU (at least its 48-byte BHS).</summary>
    public ReadOnlySequence<byte> DataSegment { get; set; }

    public readonly int AdditionalHeaderSegmentsLength => 0;

    public readonly void EncodeHeader(Span<byte> bhs)
    {
        BasicHeaderSegment.WriteOpcode(bhs, IscsiOpcode.Reject, immediate: false);
        bhs[1] = 0x80;
        bhs[2] = (byte)Reason;
        BinaryPrimitives.WriteUInt32BigEndian(bhs[BasicHeaderSegment.InitiatorTaskTagOffset..], ReservedTag.Value);
        BinaryPrimitives.WriteUInt32BigEndian(bhs[StatSNOffset..], StatSN);
        BinaryPrimitives.WriteUInt32BigEndian(bhs[ExpCmdSNOffset..], ExpCmdSN);
        BinaryPrimitives.WriteUInt32BigEndian(bhs[MaxCmdSNOffset..], MaxCmdSN);
        BinaryPrimitives.WriteUInt32BigEndian(bhs[DataSNOffset..], DataSN);
    }

    public readonly void EncodeAdditionalHeaderSegments(Span<byte> destination)
    {
    }

    public static RejectPdu Parse(in IscsiPdu pdu)
    {
        PduParsing.ExpectOpcode(pdu, IscsiOpcode.Reject);
        PduParsing.ExpectNoAhs(pdu);
        if (pdu.DataSegment.Length < BasicHeaderSegment.Length)
        {
            // RFC 7143 §11.17: the data segment must hold the complete header of the rejected PDU.
            throw PduParsing.InvalidField(pdu, $"Reject carries {pdu.DataSegment.Length} bytes; the rejected PDU's 48-byte header is required.");
        }

        BasicHeaderSegment h = pdu.Header;
        return new RejectPdu
        {
            Reason = (RejectReason)h[2],
            StatSN = h.ReadUInt32(StatSNOffset),
            ExpCmdSN = h.ReadUInt32(ExpCmdSNOffset),
            MaxCmdSN = h.ReadUInt32(MaxCmdSNOffset),
            DataSN = h.ReadUInt32(DataSNOffset),
            DataSegment = pdu.DataSegment,
        };
    }

    /// <summary>The BHS of the rejected PDU.</summary>
    public readonly BasicHeaderSegment RejectedHeader
    {
        get
        {
            Span<byte> bhs = stackalloc byte[BasicHeaderSegment.Length];
            DataSegment.Slice(0, BasicHeaderSegment.Length).CopyTo(bhs);
            return new BasicHeaderSegment(bhs);
        }
    }
}
