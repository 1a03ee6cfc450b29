using System.Buffers;
using System.Buffers.Binary;

namespace StateSave.Iscsi.Protocol.Pdus;

/// <summary>
/// Asynchronous Message (RFC 7143 §11.9).
/// <code>
/// Byte/     0       |       1       |       2       |       3       |
///    +---------------+---------------+---------------+---------------+
///   0|.|.| 0x32      |1| Reserved                                    |
///    +---------------+---------------+---------------+---------------+
///   4|TotalAHSLength | DataSegmentLength                             |
///    +---------------+---------------+---------------+---------------+
///   8| LUN or Reserved                                               |
///    +                                                               +
///  12|                                                               |
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
///  36| AsyncEvent    | AsyncVCode    | Parameter1 or Reserved        |
///    +---------------+---------------+---------------+---------------+
///  40| Parameter2 or Reserved        | Parameter3 or Reserved        |
///    +---------------+---------------+---------------+---------------+
///  44| Reserved                                                      |
///    +---------------+---------------+---------------+---------------+
///  48| Header-Digest (optional)                                      |
///    +---------------+---------------+---------------+---------------+
///    / DataSegment - Sense Data and iSCSI Event Data                 /
///   +/                                                               /
///    +---------------+---------------+---------------+---------------+
///    | Data-Digest (optional)                                        |
///    +---------------+---------------+---------------+---------------+
/// </code>
/// </summary>
public struct AsynchronousMessagePdu : IIscsiPdu<AsynchronousMessagePdu>, ITargetSequencedPdu
{
    private const int StatSNOffset = 24;
    private const int ExpCmdSNOffset = 28;
    private const int MaxCmdSNOffset = 32;
    private const int AsyncEventOffset = 36;
    private const int AsyncVCodeOffset = 37;
    private const int Parameter1Offset = 38;
    private const int Parameter2Offset = 40;
    private const int Parameter3Offset = 42;

    public readonly IscsiOpcode Opcode => IscsiOpcode.AsynchronousMessage;

    public ulong Lun { get; set; }

    public uint StatSN { get; set; }

    public uint ExpCmdSN { get; set; }

    public uint MaxCmdSN { get; set; }

    public AsyncEvent AsyncEvent { get; set; }

    /// <summary>Vendor-specific detail code when <see cref="AsyncEvent"/> is <see cref="AsyncEvent.VendorSpecific"/>.</summary>
    public byte AsyncVCode { get; set; }

    public ushort Parameter1 { get; set; }

    public ushort Parameter2 { get; set; }

    public ushort Parameter3 { get; set; }

    /// <summary>SenseLength, sense data (for a SCSI async event) and iSCSI event data.</summary>
    public ReadOnlySequence<byte> DataSegment { get; set; }

    public readonly int AdditionalHeaderSegmentsLength => 0;

    public readonly void EncodeHeader(Span<byte> bhs)
    {
        BasicHeaderSegment.WriteOpcode(bhs, IscsiOpcode.AsynchronousMessage, immediate: false);
        bhs[1] = 0x80;
        BinaryPrimitives.WriteUInt64BigEndian(bhs[BasicHeaderSegment.LunOffset..], Lun);
        BinaryPrimitives.WriteUInt32BigEndian(bhs[BasicHeaderSegment.InitiatorTaskTagOffset..], ReservedTag.Value);
        BinaryPrimitives.WriteUInt32BigEndian(bhs[StatSNOffset..], StatSN);
        BinaryPrimitives.WriteUInt32BigEndian(bhs[ExpCmdSNOffset..], ExpCmdSN);
        BinaryPrimitives.WriteUInt32BigEndian(bhs[MaxCmdSNOffset..], MaxCmdSN);
        bhs[AsyncEventOffset] = (byte)AsyncEvent;
        bhs[AsyncVCodeOffset] = AsyncVCode;
        BinaryPrimitives.WriteUInt16BigEndian(bhs[Parameter1Offset..], Parameter1);
        BinaryPrimitives.WriteUInt16BigEndian(bhs[Parameter2Offset..], Parameter2);
        BinaryPrimitives.WriteUInt16BigEndian(bhs[Parameter3Offset..], Parameter3);
    }

    public readonly void EncodeAdditionalHeaderSegments(Span<byte> destination)
    {
    }

    public static AsynchronousMessagePdu Parse(in IscsiPdu pdu)
    {
        PduParsing.ExpectOpcode(pdu, IscsiOpcode.AsynchronousMessage);
        PduParsing.ExpectNoAhs(pdu);
        BasicHeaderSegment h = pdu.Header;
        return new AsynchronousMessagePdu
        {
            Lun = h.Lun,
            StatSN = h.ReadUInt32(StatSNOffset),
            ExpCmdSN = h.ReadUInt32(ExpCmdSNOffset),
            MaxCmdSN = h.ReadUInt32(MaxCmdSNOffset),
            AsyncEvent = (AsyncEvent)h[AsyncEventOffset],
            AsyncVCode = h[AsyncVCodeOffset],
            Parameter1 = h.ReadUInt16(Parameter1Offset),
            Parameter2 = h.ReadUInt16(Parameter2Offset),
            Parameter3 = h.ReadUInt16(Parameter3Offset),
            DataSegment = pdu.DataSegment,
        };
    }
}
