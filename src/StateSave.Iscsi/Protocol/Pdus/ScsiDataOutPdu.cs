using System.Buffers;
using System.Buffers.Binary;

namespace StateSave.Iscsi.Protocol.Pdus;

/// <summary>
/// SCSI Data-Out (RFC 7143 §11.7).
/// <code>
/// Byte/     0       |       1       |       2       |       3       |
///    +---------------+---------------+---------------+---------------+
///   0|.|.| 0x05      |F| Reserved                                    |
///    +---------------+---------------+---------------+---------------+
///   4|TotalAHSLength | DataSegmentLength                             |
///    +---------------+---------------+---------------+---------------+
///   8| LUN or Reserved                                               |
///    +                                                               +
///  12|                                                               |
///    +---------------+---------------+---------------+---------------+
///  16| Initiator Task Tag                                            |
///    +---------------+---------------+---------------+---------------+
///  20| Target Transfer Tag or 0xffffffff                             |
///    +---------------+---------------+---------------+---------------+
///  24| Reserved                                                      |
///    +---------------+---------------+---------------+---------------+
///  28| ExpStatSN                                                     |
///    +---------------+---------------+---------------+---------------+
///  32| Reserved                                                      |
///    +---------------+---------------+---------------+---------------+
///  36| DataSN                                                        |
///    +---------------+---------------+---------------+---------------+
///  40| Buffer Offset                                                 |
///    +---------------+---------------+---------------+---------------+
///  44| Reserved                                                      |
///    +---------------+---------------+---------------+---------------+
///  48| Header-Digest (optional)                                      |
///    +---------------+---------------+---------------+---------------+
///    / DataSegment                                                   /
///   +/                                                               /
///    +---------------+---------------+---------------+---------------+
///    | Data-Digest (optional)                                        |
///    +---------------+---------------+---------------+---------------+
/// </code>
/// </summary>
public struct ScsiDataOutPdu : IIscsiPdu<ScsiDataOutPdu>
{
    private const byte FinalBit = 0x80;
    private const int TargetTransferTagOffset = 20;
    private const int ExpStatSNOffset = 28;
    private const int DataSNOffset = 36;
    private const int BufferOffsetOffset = 40;

    public ScsiDataOutPdu()
    {
    }

    public readonly IscsiOpcode Opcode => IscsiOpcode.ScsiDataOut;

    /// <summary>F: the last PDU of this sequence (unsolicited burst or R2T answer).</summary>
    public bool Final { get; set; }

    public ulong Lun { get; set; }

    public uint InitiatorTaskTag { get; set; }

    /// <summary>The TTT of the R2T being answered, or 0xffffffff for unsolicited data.</summary>
    public uint TargetTransferTag { get; set; } = ReservedTag.Value;

    public uint ExpStatSN { get; set; }

    public uint DataSN { get; set; }

    public uint BufferOffset { get; set; }

    public ReadOnlySequence<byte> DataSegment { get; set; }

    public readonly int AdditionalHeaderSegmentsLength => 0;

    public readonly void EncodeHeader(Span<byte> bhs)
    {
        BasicHeaderSegment.WriteOpcode(bhs, IscsiOpcode.ScsiDataOut, immediate: false);
        bhs[1] = Final ? FinalBit : (byte)0;
        BinaryPrimitives.WriteUInt64BigEndian(bhs[BasicHeaderSegment.LunOffset..], Lun);
        BinaryPrimitives.WriteUInt32BigEndian(bhs[BasicHeaderSegment.InitiatorTaskTagOffset..], InitiatorTaskTag);
        BinaryPrimitives.WriteUInt32BigEndian(bhs[TargetTransferTagOffset..], TargetTransferTag);
        BinaryPrimitives.WriteUInt32BigEndian(bhs[ExpStatSNOffset..], ExpStatSN);
        BinaryPrimitives.WriteUInt32BigEndian(bhs[DataSNOffset..], DataSN);
        BinaryPrimitives.WriteUInt32BigEndian(bhs[BufferOffsetOffset..], BufferOffset);
    }

    public readonly void EncodeAdditionalHeaderSegments(Span<byte> destination)
    {
    }

    public static ScsiDataOutPdu Parse(in IscsiPdu pdu)
    {
        PduParsing.ExpectOpcode(pdu, IscsiOpcode.ScsiDataOut);
        PduParsing.ExpectNoAhs(pdu);
        BasicHeaderSegment h = pdu.Header;
        return new ScsiDataOutPdu
        {
            Final = h.Final,
            Lun = h.Lun,
            InitiatorTaskTag = h.InitiatorTaskTag,
            TargetTransferTag = h.ReadUInt32(TargetTransferTagOffset),
            ExpStatSN = h.ReadUInt32(ExpStatSNOffset),
            DataSN = h.ReadUInt32(DataSNOffset),
            BufferOffset = h.ReadUInt32(BufferOffsetOffset),
            DataSegment = pdu.DataSegment,
        };
    }
}
