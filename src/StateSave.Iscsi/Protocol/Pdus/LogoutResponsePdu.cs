using System.Buffers;
using System.Buffers.Binary;

namespace StateSave.Iscsi.Protocol.Pdus;

/// <summary>
/// Logout Response (RFC 7143 §11.15).
/// <code>
/// Byte/     0       |       1       |       2       |       3       |
///    +---------------+---------------+---------------+---------------+
///   0|.|.| 0x26      |1| Reserved    | Response      | Reserved      |
///    +---------------+---------------+---------------+---------------+
///   4|TotalAHSLength | DataSegmentLength                             |
///    +---------------+---------------+---------------+---------------+
///   8/ Reserved                                                      /
///   +/                                                               /
///    +---------------+---------------+---------------+---------------+
///  16| Initiator Task Tag                                            |
///    +---------------+---------------+---------------+---------------+
///  20| Reserved                                                      |
///    +---------------------------------------------------------------+
///  24| StatSN                                                        |
///    +---------------------------------------------------------------+
///  28| ExpCmdSN                                                      |
///    +---------------------------------------------------------------+
///  32| MaxCmdSN                                                      |
///    +---------------------------------------------------------------+
///  36| Reserved                                                      |
///    +---------------------------------------------------------------+
///  40| Time2Wait                     | Time2Retain                   |
///    +---------------+---------------+---------------+---------------+
///  44| Reserved                                                      |
///    +---------------+---------------+---------------+---------------+
///  48| Header-Digest (optional)                                      |
///    +---------------+---------------+---------------+---------------+
/// </code>
/// </summary>
public struct LogoutResponsePdu : IIscsiPdu<LogoutResponsePdu>, ITargetSequencedPdu
{
    private const int StatSNOffset = 24;
    private const int ExpCmdSNOffset = 28;
    private const int MaxCmdSNOffset = 32;
    private const int Time2WaitOffset = 40;
    private const int Time2RetainOffset = 42;

    public readonly IscsiOpcode Opcode => IscsiOpcode.LogoutResponse;

    public LogoutResponseCode Response { get; set; }

    public uint InitiatorTaskTag { get; set; }

    public uint StatSN { get; set; }

    public uint ExpCmdSN { get; set; }

    public uint MaxCmdSN { get; set; }

    /// <summary>Seconds to wait before reconnecting for recovery.</summary>
    public ushort Time2Wait { get; set; }

    /// <summary>Seconds the target keeps the connection's state for recovery.</summary>
    public ushort Time2Retain { get; set; }

    public readonly ReadOnlySequence<byte> DataSegment => ReadOnlySequence<byte>.Empty;

    public readonly int AdditionalHeaderSegmentsLength => 0;

    public readonly void EncodeHeader(Span<byte> bhs)
    {
        BasicHeaderSegment.WriteOpcode(bhs, IscsiOpcode.LogoutResponse, immediate: false);
        bhs[1] = 0x80;
        bhs[2] = (byte)Response;
        BinaryPrimitives.WriteUInt32BigEndian(bhs[BasicHeaderSegment.InitiatorTaskTagOffset..], InitiatorTaskTag);
        BinaryPrimitives.WriteUInt32BigEndian(bhs[StatSNOffset..], StatSN);
        BinaryPrimitives.WriteUInt32BigEndian(bhs[ExpCmdSNOffset..], ExpCmdSN);
        BinaryPrimitives.WriteUInt32BigEndian(bhs[MaxCmdSNOffset..], MaxCmdSN);
        BinaryPrimitives.WriteUInt16BigEndian(bhs[Time2WaitOffset..], Time2Wait);
        BinaryPrimitives.WriteUInt16BigEndian(bhs[Time2RetainOffset..], Time2Retain);
    }

    public readonly void EncodeAdditionalHeaderSegments(Span<byte> destination)
    {
    }

    public static LogoutResponsePdu Parse(in IscsiPdu pdu)
    {
        PduParsing.ExpectOpcode(pdu, IscsiOpcode.LogoutResponse);
        PduParsing.ExpectNoAhs(pdu);
        PduParsing.ExpectNoData(pdu);
        BasicHeaderSegment h = pdu.Header;
        return new LogoutResponsePdu
        {
            Response = (LogoutResponseCode)h[2],
            InitiatorTaskTag = h.InitiatorTaskTag,
            StatSN = h.ReadUInt32(StatSNOffset),
            ExpCmdSN = h.ReadUInt32(ExpCmdSNOffset),
            MaxCmdSN = h.ReadUInt32(MaxCmdSNOffset),
            Time2Wait = h.ReadUInt16(Time2WaitOffset),
            Time2Retain = h.ReadUInt16(Time2RetainOffset),
        };
    }
}
