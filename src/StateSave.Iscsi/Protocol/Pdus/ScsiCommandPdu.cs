using System.Buffers;
using System.Buffers.Binary;
using StateSave.Scsi;

namespace StateSave.Iscsi.Protocol.Pdus;

/// <summary>
/// SCSI Command (RFC 7143 §11.3), with the Extended CDB AHS (§11.2.2.4) and the Bidirectional Read Expected
/// Data Transfer Length AHS (§11.2.2.5).
/// <code>
/// Byte/     0       |       1       |       2       |       3       |
///    +---------------+---------------+---------------+---------------+
///   0|.|I| 0x01      |F|R|W|. .|ATTR | Reserved                      |
///    +---------------+---------------+---------------+---------------+
///   4|TotalAHSLength | DataSegmentLength                             |
///    +---------------+---------------+---------------+---------------+
///   8| Logical Unit Number (LUN)                                     |
///    +                                                               +
///  12|                                                               |
///    +---------------+---------------+---------------+---------------+
///  16| Initiator Task Tag                                            |
///    +---------------+---------------+---------------+---------------+
///  20| Expected Data Transfer Length                                 |
///    +---------------+---------------+---------------+---------------+
///  24| CmdSN                                                         |
///    +---------------+---------------+---------------+---------------+
///  28| ExpStatSN                                                     |
///    +---------------+---------------+---------------+---------------+
///  32/ SCSI Command Descriptor Block (CDB)                           /
///   +/                                                               /
///    +---------------+---------------+---------------+---------------+
///  48/ AHS (optional)                                                /
///    +---------------+---------------+---------------+---------------+
///   x/ Header-Digest (optional)                                      /
///    +---------------+---------------+---------------+---------------+
///   y/ (DataSegment, Command Data) (optional)                        /
///   +/                                                               /
///    +---------------+---------------+---------------+---------------+
///   z/ Data-Digest (optional)                                        /
///    +---------------+---------------+---------------+---------------+
/// </code>
/// </summary>
public struct ScsiCommandPdu : IIscsiPdu<ScsiCommandPdu>
{
    private const byte FinalBit = 0x80;
    private const byte ReadBit = 0x40;
    private const byte WriteBit = 0x20;
    private const byte AttributeMask = 0x07;
    private const int ExpectedDataTransferLengthOffset = 20;
    private const int CmdSNOffset = 24;
    private const int ExpStatSNOffset = 28;
    private const int CdbOffset = 32;

    public ScsiCommandPdu()
    {
    }

    public readonly IscsiOpcode Opcode => IscsiOpcode.ScsiCommand;

    public bool Immediate { get; set; }

    /// <summary>F: no unsolicited Data-Out PDUs follow this command (RFC 7143 §11.3.1.1).</summary>
    public bool Final { get; set; } = true;

    /// <summary>R: data is expected from the target (a read).</summary>
    public bool Read { get; set; }

    /// <summary>W: data is expected from the initiator (a write).</summary>
    public bool Write { get; set; }

    /// <summary>ATTR: the task attribute.</summary>
    public TaskAttribute Attribute { get; set; } = TaskAttribute.Simple;

    public ulong Lun { get; set; }

    public uint InitiatorTaskTag { get; set; }

    public uint ExpectedDataTransferLength { get; set; }

    public uint CmdSN { get; set; }

    public uint ExpStatSN { get; set; }

    /// <summary>The CDB; bytes beyond 16 go into an Extended CDB AHS.</summary>
    public ScsiCdb Cdb { get; set; }

    /// <summary>
    /// The Bidirectional Read Expected Data Transfer Length (RFC 7143 §11.2.2.5), sent in its own AHS; required
    /// when both R and W are set.
    /// </summary>
    public uint? BidirectionalReadDataLength { get; set; }

    /// <summary>Immediate data (unsolicited, RFC 7143 §11.3.4 / §13.11).</summary>
    public ReadOnlySequence<byte> DataSegment { get; set; }

    public readonly int AdditionalHeaderSegmentsLength =>
        (Cdb.Extension.IsEmpty ? 0 : AdditionalHeaderSegment.PaddedLength(1 + (int)Cdb.Extension.Length))
        + (BidirectionalReadDataLength.HasValue ? AdditionalHeaderSegment.PaddedLength(AdditionalHeaderSegment.BidirectionalReadDataLengthAhsLength) : 0);

    public readonly void EncodeHeader(Span<byte> bhs)
    {
        BasicHeaderSegment.WriteOpcode(bhs, IscsiOpcode.ScsiCommand, Immediate);
        bhs[1] = (byte)((Final ? FinalBit : 0) | (Read ? ReadBit : 0) | (Write ? WriteBit : 0) | ((byte)Attribute & AttributeMask));
        BinaryPrimitives.WriteUInt64BigEndian(bhs[BasicHeaderSegment.LunOffset..], Lun);
        BinaryPrimitives.WriteUInt32BigEndian(bhs[BasicHeaderSegment.InitiatorTaskTagOffset..], InitiatorTaskTag);
        BinaryPrimitives.WriteUInt32BigEndian(bhs[ExpectedDataTransferLengthOffset..], ExpectedDataTransferLength);
        BinaryPrimitives.WriteUInt32BigEndian(bhs[CmdSNOffset..], CmdSN);
        BinaryPrimitives.WriteUInt32BigEndian(bhs[ExpStatSNOffset..], ExpStatSN);
        Cdb.CopyHeaderPartTo(bhs.Slice(CdbOffset, ScsiCdb.HeaderLength));
    }

    public readonly void EncodeAdditionalHeaderSegments(Span<byte> destination)
    {
        destination.Clear();
        ReadOnlySequence<byte> extension = Cdb.Extension;
        if (!extension.IsEmpty)
        {
            // AHSLength counts the reserved byte plus the extended CDB bytes (CDBLength - 15).
            int ahsLength = 1 + (int)extension.Length;
            BinaryPrimitives.WriteUInt16BigEndian(destination, (ushort)ahsLength);
            destination[2] = (byte)AhsType.ExtendedCdb;
            extension.CopyTo(destination[4..]);
            destination = destination[AdditionalHeaderSegment.PaddedLength(ahsLength)..];
        }

        if (BidirectionalReadDataLength is uint bidirectional)
        {
            BinaryPrimitives.WriteUInt16BigEndian(destination, AdditionalHeaderSegment.BidirectionalReadDataLengthAhsLength);
            destination[2] = (byte)AhsType.BidirectionalReadDataLength;
            BinaryPrimitives.WriteUInt32BigEndian(destination[4..], bidirectional);
        }
    }

    public static ScsiCommandPdu Parse(in IscsiPdu pdu)
    {
        PduParsing.ExpectOpcode(pdu, IscsiOpcode.ScsiCommand);
        BasicHeaderSegment h = pdu.Header;
        Span<byte> cdb = stackalloc byte[ScsiCdb.HeaderLength];
        h.CopyTo(CdbOffset, ScsiCdb.HeaderLength, cdb);

        ReadOnlySequence<byte> extension = default;
        if (AdditionalHeaderSegment.TryFind(pdu.AdditionalHeaderSegments, AhsType.ExtendedCdb, out ReadOnlySequence<byte> extended))
        {
            if (extended.Length < 2)
            {
                throw PduParsing.InvalidField(pdu, "The Extended CDB AHS holds no CDB bytes.");
            }

            extension = extended.Slice(1); // skip the reserved byte
        }

        uint? bidirectional = null;
        if (AdditionalHeaderSegment.TryFind(pdu.AdditionalHeaderSegments, AhsType.BidirectionalReadDataLength, out ReadOnlySequence<byte> bidi))
        {
            if (bidi.Length != AdditionalHeaderSegment.BidirectionalReadDataLengthAhsLength)
            {
                throw PduParsing.InvalidField(pdu, $"The Bidirectional Read Data Length AHS has AHSLength {bidi.Length}, not 5.");
            }

            Span<byte> value = stackalloc byte[4];
            bidi.Slice(1, 4).CopyTo(value);
            bidirectional = BinaryPrimitives.ReadUInt32BigEndian(value);
        }

        byte flags = h[1];
        return new ScsiCommandPdu
        {
            Immediate = h.Immediate,
            Final = (flags & FinalBit) != 0,
            Read = (flags & ReadBit) != 0,
            Write = (flags & WriteBit) != 0,
            Attribute = (TaskAttribute)(flags & AttributeMask),
            Lun = h.Lun,
            InitiatorTaskTag = h.InitiatorTaskTag,
            ExpectedDataTransferLength = h.ReadUInt32(ExpectedDataTransferLengthOffset),
            CmdSN = h.ReadUInt32(CmdSNOffset),
            ExpStatSN = h.ReadUInt32(ExpStatSNOffset),
            Cdb = new ScsiCdb(cdb, extension),
            BidirectionalReadDataLength = bidirectional,
            DataSegment = pdu.DataSegment,
        };
    }
}
