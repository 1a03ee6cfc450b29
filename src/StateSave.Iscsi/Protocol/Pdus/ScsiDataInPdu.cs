using System.Buffers;
using System.Buffers.Binary;
using StateSave.Scsi;

namespace StateSave.Iscsi.Protocol.Pdus;

/// <summary>
/// SCSI Data-In (RFC 7143 §11.7). With S set it also carries the command's status (§11.7.4).
/// <code>
/// Byte/     0       |       1       |       2       |       3       |
///    +---------------+---------------+---------------+---------------+
///   0|.|.| 0x25      |F|A|0 0 0|O|U|S| Reserved      |Status or Rsvd |
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
///  24| StatSN or Reserved                                            |
///    +---------------+---------------+---------------+---------------+
///  28| ExpCmdSN                                                      |
///    +---------------+---------------+---------------+---------------+
///  32| MaxCmdSN                                                      |
///    +---------------+---------------+---------------+---------------+
///  36| DataSN                                                        |
///    +---------------+---------------+---------------+---------------+
///  40| Buffer Offset                                                 |
///    +---------------+---------------+---------------+---------------+
///  44| Residual Count                                                |
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
public struct ScsiDataInPdu : IIscsiPdu<ScsiDataInPdu>, ITargetSequencedPdu
{
    private const byte FinalBit = 0x80;
    private const byte AcknowledgeBit = 0x40;
    private const byte OverflowBit = 0x04;
    private const byte UnderflowBit = 0x02;
    private const byte StatusBit = 0x01;
    private const int TargetTransferTagOffset = 20;
    private const int StatSNOffset = 24;
    private const int ExpCmdSNOffset = 28;
    private const int MaxCmdSNOffset = 32;
    private const int DataSNOffset = 36;
    private const int BufferOffsetOffset = 40;
    private const int ResidualCountOffset = 44;

    public ScsiDataInPdu()
    {
    }

    public readonly IscsiOpcode Opcode => IscsiOpcode.ScsiDataIn;

    /// <summary>F: the last PDU of this sequence.</summary>
    public bool Final { get; set; }

    /// <summary>A: the target asks for a DataACK SNACK (ErrorRecoveryLevel 1 and up).</summary>
    public bool Acknowledge { get; set; }

    public bool ResidualOverflow { get; set; }

    public bool ResidualUnderflow { get; set; }

    /// <summary>S: this PDU carries the status (and F must be set).</summary>
    public bool HasStatus { get; set; }

    /// <summary>Valid when <see cref="HasStatus"/> is set.</summary>
    public ScsiStatus Status { get; set; }

    public ulong Lun { get; set; }

    public uint InitiatorTaskTag { get; set; }

    public uint TargetTransferTag { get; set; } = ReservedTag.Value;

    public uint StatSN { get; set; }

    public uint ExpCmdSN { get; set; }

    public uint MaxCmdSN { get; set; }

    public uint DataSN { get; set; }

    public uint BufferOffset { get; set; }

    public uint ResidualCount { get; set; }

    public ReadOnlySequence<byte> DataSegment { get; set; }

    public readonly int AdditionalHeaderSegmentsLength => 0;

    public readonly void EncodeHeader(Span<byte> bhs)
    {
        BasicHeaderSegment.WriteOpcode(bhs, IscsiOpcode.ScsiDataIn, immediate: false);
        bhs[1] = (byte)((Final ? FinalBit : 0) | (Acknowledge ? AcknowledgeBit : 0) | (ResidualOverflow ? OverflowBit : 0)
            | (ResidualUnderflow ? UnderflowBit : 0) | (HasStatus ? StatusBit : 0));
        bhs[3] = HasStatus ? (byte)Status : (byte)0;
        BinaryPrimitives.WriteUInt64BigEndian(bhs[BasicHeaderSegment.LunOffset..], Lun);
        BinaryPrimitives.WriteUInt32BigEndian(bhs[BasicHeaderSegment.InitiatorTaskTagOffset..], InitiatorTaskTag);
        BinaryPrimitives.WriteUInt32BigEndian(bhs[TargetTransferTagOffset..], TargetTransferTag);
        BinaryPrimitives.WriteUInt32BigEndian(bhs[StatSNOffset..], StatSN);
        BinaryPrimitives.WriteUInt32BigEndian(bhs[ExpCmdSNOffset..], ExpCmdSN);
        BinaryPrimitives.WriteUInt32BigEndian(bhs[MaxCmdSNOffset..], MaxCmdSN);
        BinaryPrimitives.WriteUInt32BigEndian(bhs[DataSNOffset..], DataSN);
        BinaryPrimitives.WriteUInt32BigEndian(bhs[BufferOffsetOffset..], BufferOffset);
        BinaryPrimitives.WriteUInt32BigEndian(bhs[ResidualCountOffset..], ResidualCount);
    }

    public readonly void EncodeAdditionalHeaderSegments(Span<byte> destination)
    {
    }

    public static ScsiDataInPdu Parse(in IscsiPdu pdu)
    {
        PduParsing.ExpectOpcode(pdu, IscsiOpcode.ScsiDataIn);
        PduParsing.ExpectNoAhs(pdu);
        BasicHeaderSegment h = pdu.Header;
        byte flags = h[1];
        bool hasStatus = (flags & StatusBit) != 0;
        if (hasStatus && (flags & FinalBit) == 0)
        {
            // RFC 7143 §11.7.4: when S is set, F must be set too.
            throw PduParsing.InvalidField(pdu, "SCSI Data-In has the S bit set without the F bit.");
        }

        if ((flags & OverflowBit) != 0 && (flags & UnderflowBit) != 0)
        {
            throw PduParsing.InvalidField(pdu, "SCSI Data-In has both residual overflow and underflow set.");
        }

        return new ScsiDataInPdu
        {
            Final = (flags & FinalBit) != 0,
            Acknowledge = (flags & AcknowledgeBit) != 0,
            ResidualOverflow = (flags & OverflowBit) != 0,
            ResidualUnderflow = (flags & UnderflowBit) != 0,
            HasStatus = hasStatus,
            Status = hasStatus ? (ScsiStatus)h[3] : ScsiStatus.Good,
            Lun = h.Lun,
            InitiatorTaskTag = h.InitiatorTaskTag,
            TargetTransferTag = h.ReadUInt32(TargetTransferTagOffset),
            StatSN = h.ReadUInt32(StatSNOffset),
            ExpCmdSN = h.ReadUInt32(ExpCmdSNOffset),
            MaxCmdSN = h.ReadUInt32(MaxCmdSNOffset),
            DataSN = h.ReadUInt32(DataSNOffset),
            BufferOffset = h.ReadUInt32(BufferOffsetOffset),
            ResidualCount = h.ReadUInt32(ResidualCountOffset),
            DataSegment = pdu.DataSegment,
        };
    }
}
