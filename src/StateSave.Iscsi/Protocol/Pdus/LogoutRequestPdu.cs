using System.Buffers;
using System.Buffers.Binary;

namespace StateSave.Iscsi.Protocol.Pdus;

/// <summary>
/// Logout Request (RFC 7143 §11.14).
/// <code>
/// Byte/     0       |       1       |       2       |       3       |
///    +---------------+---------------+---------------+---------------+
///   0|.|I| 0x06      |1| Reason Code | Reserved                      |
///    +---------------+---------------+---------------+---------------+
///   4|TotalAHSLength | DataSegmentLength                             |
///    +---------------+---------------+---------------+---------------+
///   8/ Reserved                                                      /
///   +/                                                               /
///    +---------------+---------------+---------------+---------------+
///  16| Initiator Task Tag                                            |
///    +---------------+---------------+---------------+---------------+
///  20| CID or Reserved               | Reserved                      |
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
/// </code>
/// </summary>
public struct LogoutRequestPdu : IIscsiPdu<LogoutRequestPdu>
{
    private const byte ReasonMask = 0x7F;
    private const int CidOffset = 20;
    private const int CmdSNOffset = 24;
    private const int ExpStatSNOffset = 28;

    public readonly IscsiOpcode Opcode => IscsiOpcode.LogoutRequest;

    public bool Immediate { get; set; }

    public LogoutReason Reason { get; set; }

    public uint InitiatorTaskTag { get; set; }

    /// <summary>The connection to close (reserved when closing the session).</summary>
    public ushort Cid { get; set; }

    public uint CmdSN { get; set; }

    public uint ExpStatSN { get; set; }

    public readonly ReadOnlySequence<byte> DataSegment => ReadOnlySequence<byte>.Empty;

    public readonly int AdditionalHeaderSegmentsLength => 0;

    public readonly void EncodeHeader(Span<byte> bhs)
    {
        BasicHeaderSegment.WriteOpcode(bhs, IscsiOpcode.LogoutRequest, Immediate);
        bhs[1] = (byte)(0x80 | ((byte)Reason & ReasonMask));
        BinaryPrimitives.WriteUInt32BigEndian(bhs[BasicHeaderSegment.InitiatorTaskTagOffset..], InitiatorTaskTag);
        BinaryPrimitives.WriteUInt16BigEndian(bhs[CidOffset..], Cid);
        BinaryPrimitives.WriteUInt32BigEndian(bhs[CmdSNOffset..], CmdSN);
        BinaryPrimitives.WriteUInt32BigEndian(bhs[ExpStatSNOffset..], ExpStatSN);
    }

    public readonly void EncodeAdditionalHeaderSegments(Span<byte> destination)
    {
    }

    public static LogoutRequestPdu Parse(in IscsiPdu pdu)
    {
        PduParsing.ExpectOpcode(pdu, IscsiOpcode.LogoutRequest);
        PduParsing.ExpectNoAhs(pdu);
        PduParsing.ExpectNoData(pdu);
        PduParsing.ExpectFinal(pdu);
        BasicHeaderSegment h = pdu.Header;
        byte reason = (byte)(h[1] & ReasonMask);
        if (reason > (byte)LogoutReason.RemoveConnectionForRecovery)
        {
            throw PduParsing.InvalidField(pdu, $"Logout Request has reserved Reason Code {reason}.");
        }

        return new LogoutRequestPdu
        {
            Immediate = h.Immediate,
            Reason = (LogoutReason)reason,
            InitiatorTaskTag = h.InitiatorTaskTag,
            Cid = h.ReadUInt16(CidOffset),
            CmdSN = h.ReadUInt32(CmdSNOffset),
            ExpStatSN = h.ReadUInt32(ExpStatSNOffset),
        };
    }
}
