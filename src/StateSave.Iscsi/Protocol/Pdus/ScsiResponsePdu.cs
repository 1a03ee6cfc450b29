using System.Buffers;
using System.Buffers.Binary;
using StateSave.Scsi;

namespace StateSave.Iscsi.Protocol.Pdus;

/// <summary>
/// SCSI Response (RFC 7143 §11.4).
/// <code>
/// Byte/     0       |       1       |       2       |       3       |
///    +---------------+---------------+---------------+---------------+
///   0|.|.| 0x21      |1|. .|o|u|O|U|.| Response      | Status        |
///    +---------------+---------------+---------------+---------------+
///   4|TotalAHSLength | DataSegmentLength                             |
///    +---------------+---------------+---------------+---------------+
///   8| Reserved                                                      |
///    +                                                               +
///  12|                                                               |
///    +---------------+---------------+---------------+---------------+
///  16| Initiator Task Tag                                            |
///    +---------------+---------------+---------------+---------------+
///  20| SNACK Tag or Reserved                                         |
///    +---------------+---------------+---------------+---------------+
///  24| StatSN                                                        |
///    +---------------+---------------+---------------+---------------+
///  28| ExpCmdSN                                                      |
///    +---------------+---------------+---------------+---------------+
///  32| MaxCmdSN                                                      |
///    +---------------+---------------+---------------+---------------+
///  36| ExpDataSN or Reserved                                         |
///    +---------------+---------------+---------------+---------------+
///  40| Bidirectional Read Residual Count or Reserved                 |
///    +---------------+---------------+---------------+---------------+
///  44| Residual Count or Reserved                                    |
///    +---------------+---------------+---------------+---------------+
///  48| Header-Digest (optional)                                      |
///    +---------------+---------------+---------------+---------------+
///    / Data Segment (optional): SenseLength, Sense Data, Response Data/
///   +/                                                               /
///    +---------------+---------------+---------------+---------------+
///    | Data-Digest (optional)                                        |
///    +---------------+---------------+---------------+---------------+
/// </code>
/// </summary>
public struct ScsiResponsePdu : IIscsiPdu<ScsiResponsePdu>, ITargetSequencedPdu
{
    private const byte BidirectionalOverflowBit = 0x10;
    private const byte BidirectionalUnderflowBit = 0x08;
    private const byte OverflowBit = 0x04;
    private const byte UnderflowBit = 0x02;
    private const int SnackTagOffset = 20;
    private const int StatSNOffset = 24;
    private const int ExpCmdSNOffset = 28;
    private const int MaxCmdSNOffset = 32;
    private const int ExpDataSNOffset = 36;
    private const int BidirectionalReadResidualCountOffset = 40;
    private const int ResidualCountOffset = 44;

    public ScsiResponsePdu()
    {
    }

    public readonly IscsiOpcode Opcode => IscsiOpcode.ScsiResponse;

    /// <summary>o: bidirectional read residual overflow.</summary>
    public bool BidirectionalReadResidualOverflow { get; set; }

    /// <summary>u: bidirectional read residual underflow.</summary>
    public bool BidirectionalReadResidualUnderflow { get; set; }

    /// <summary>O: residual overflow.</summary>
    public bool ResidualOverflow { get; set; }

    /// <summary>U: residual underflow.</summary>
    public bool ResidualUnderflow { get; set; }

    public ScsiServiceResponse Response { get; set; }

    public ScsiStatus Status { get; set; }

    public uint InitiatorTaskTag { get; set; }

    public uint SnackTag { get; set; }

    public uint StatSN { get; set; }

    public uint ExpCmdSN { get; set; }

    public uint MaxCmdSN { get; set; }

    public uint ExpDataSN { get; set; }

    public uint BidirectionalReadResidualCount { get; set; }

    public uint ResidualCount { get; set; }

    /// <summary>SenseLength (2 bytes), sense data, and response data (RFC 7143 §11.4.7); see <see cref="SenseSegment"/>.</summary>
    public ReadOnlySequence<byte> DataSegment { get; set; }

    public readonly int AdditionalHeaderSegmentsLength => 0;

    public readonly void EncodeHeader(Span<byte> bhs)
    {
        BasicHeaderSegment.WriteOpcode(bhs, IscsiOpcode.ScsiResponse, immediate: false);
        bhs[1] = (byte)(0x80
            | (BidirectionalReadResidualOverflow ? BidirectionalOverflowBit : 0)
            | (BidirectionalReadResidualUnderflow ? BidirectionalUnderflowBit : 0)
            | (ResidualOverflow ? OverflowBit : 0)
            | (ResidualUnderflow ? UnderflowBit : 0));
        bhs[2] = (byte)Response;
        bhs[3] = (byte)Status;
        BinaryPrimitives.WriteUInt32BigEndian(bhs[BasicHeaderSegment.InitiatorTaskTagOffset..], InitiatorTaskTag);
        BinaryPrimitives.WriteUInt32BigEndian(bhs[SnackTagOffset..], SnackTag);
        BinaryPrimitives.WriteUInt32BigEndian(bhs[StatSNOffset..], StatSN);
        BinaryPrimitives.WriteUInt32BigEndian(bhs[ExpCmdSNOffset..], ExpCmdSN);
        BinaryPrimitives.WriteUInt32BigEndian(bhs[MaxCmdSNOffset..], MaxCmdSN);
        BinaryPrimitives.WriteUInt32BigEndian(bhs[ExpDataSNOffset..], ExpDataSN);
        BinaryPrimitives.WriteUInt32BigEndian(bhs[BidirectionalReadResidualCountOffset..], BidirectionalReadResidualCount);
        BinaryPrimitives.WriteUInt32BigEndian(bhs[ResidualCountOffset..], ResidualCount);
    }

    public readonly void EncodeAdditionalHeaderSegments(Span<byte> destination)
    {
    }

    public static ScsiResponsePdu Parse(in IscsiPdu pdu)
    {
        PduParsing.ExpectOpcode(pdu, IscsiOpcode.ScsiResponse);
        PduParsing.ExpectNoAhs(pdu);
        BasicHeaderSegment h = pdu.Header;
        byte flags = h[1];
        if ((flags & OverflowBit) != 0 && (flags & UnderflowBit) != 0)
        {
            // RFC 7143 §11.4.1: O and U are mutually exclusive, as are o and u.
            throw PduParsing.InvalidField(pdu, "SCSI Response has both residual overflow and underflow set.");
        }

        if ((flags & BidirectionalOverflowBit) != 0 && (flags & BidirectionalUnderflowBit) != 0)
        {
            throw PduParsing.InvalidField(pdu, "SCSI Response has both bidirectional residual overflow and underflow set.");
        }

        return new ScsiResponsePdu
        {
            BidirectionalReadResidualOverflow = (flags & BidirectionalOverflowBit) != 0,
            BidirectionalReadResidualUnderflow = (flags & BidirectionalUnderflowBit) != 0,
            ResidualOverflow = (flags & OverflowBit) != 0,
            ResidualUnderflow = (flags & UnderflowBit) != 0,
            Response = (ScsiServiceResponse)h[2],
            Status = (ScsiStatus)h[3],
            InitiatorTaskTag = h.InitiatorTaskTag,
            SnackTag = h.ReadUInt32(SnackTagOffset),
            StatSN = h.ReadUInt32(StatSNOffset),
            ExpCmdSN = h.ReadUInt32(ExpCmdSNOffset),
            MaxCmdSN = h.ReadUInt32(MaxCmdSNOffset),
            ExpDataSN = h.ReadUInt32(ExpDataSNOffset),
            BidirectionalReadResidualCount = h.ReadUInt32(BidirectionalReadResidualCountOffset),
            ResidualCount = h.ReadUInt32(ResidualCountOffset),
            DataSegment = pdu.DataSegment,
        };
    }

    /// <summary>
    /// Splits the data segment into sense data and response data (RFC 7143 §11.4.7: a 2-byte SenseLength, then
    /// SenseLength bytes of sense data, then response data). Returns false when SenseLength runs past the segment.
    /// </summary>
    public readonly bool TryGetSenseData(out ReadOnlySequence<byte> senseData, out ReadOnlySequence<byte> responseData) =>
        SenseSegment.TrySplit(DataSegment, out senseData, out responseData);
}
