using System.Buffers;
using System.Buffers.Binary;

namespace StateSave.Iscsi.Protocol.Pdus;

/// <summary>
/// Login Response (RFC 7143 §11.13).
/// <code>
/// Byte/     0       |       1       |       2       |       3       |
///    +---------------+---------------+---------------+---------------+
///   0|.|.| 0x23      |T|C|.|.|CSG|NSG| Version-max   |Version-active |
///    +---------------+---------------+---------------+---------------+
///   4|TotalAHSLength | DataSegmentLength                             |
///    +---------------+---------------+---------------+---------------+
///   8| ISID                                                          |
///    +                               +---------------+---------------+
///  12|                               | TSIH                          |
///    +---------------+---------------+---------------+---------------+
///  16| Initiator Task Tag                                            |
///    +---------------+---------------+---------------+---------------+
///  20| Reserved                                                      |
///    +---------------+---------------+---------------+---------------+
///  24| StatSN                                                        |
///    +---------------+---------------+---------------+---------------+
///  28| ExpCmdSN                                                      |
///    +---------------+---------------+---------------+---------------+
///  32| MaxCmdSN                                                      |
///    +---------------+---------------+---------------+---------------+
///  36| Status-Class  | Status-Detail | Reserved                      |
///    +---------------+---------------+---------------+---------------+
///  40/ Reserved                                                      /
///   +/                                                               /
///    +---------------+---------------+---------------+---------------+
///  48/ DataSegment - Login Parameters in Text Request Format         /
///   +/                                                               /
///    +---------------+---------------+---------------+---------------+
/// </code>
/// </summary>
public struct LoginResponsePdu : IIscsiPdu<LoginResponsePdu>, ITargetSequencedPdu
{
    private const int IsidOffset = 8;
    private const int TsihOffset = 14;
    private const int StatSNOffset = 24;
    private const int ExpCmdSNOffset = 28;
    private const int MaxCmdSNOffset = 32;
    private const int StatusClassOffset = 36;
    private const int StatusDetailOffset = 37;

    public readonly IscsiOpcode Opcode => IscsiOpcode.LoginResponse;

    public bool Transit { get; set; }

    public bool Continue { get; set; }

    public LoginStage CurrentStage { get; set; }

    public LoginStage NextStage { get; set; }

    public byte VersionMax { get; set; }

    public byte VersionActive { get; set; }

    public Isid Isid { get; set; }

    public ushort Tsih { get; set; }

    public uint InitiatorTaskTag { get; set; }

    public uint StatSN { get; set; }

    public uint ExpCmdSN { get; set; }

    public uint MaxCmdSN { get; set; }

    public LoginStatus Status { get; set; }

    public ReadOnlySequence<byte> DataSegment { get; set; }

    public readonly int AdditionalHeaderSegmentsLength => 0;

    public readonly void EncodeHeader(Span<byte> bhs)
    {
        BasicHeaderSegment.WriteOpcode(bhs, IscsiOpcode.LoginResponse, immediate: false);
        bhs[1] = LoginFlags.Encode(Transit, Continue, CurrentStage, NextStage);
        bhs[2] = VersionMax;
        bhs[3] = VersionActive;
        Isid.Write(bhs[IsidOffset..]);
        BinaryPrimitives.WriteUInt16BigEndian(bhs[TsihOffset..], Tsih);
        BinaryPrimitives.WriteUInt32BigEndian(bhs[BasicHeaderSegment.InitiatorTaskTagOffset..], InitiatorTaskTag);
        BinaryPrimitives.WriteUInt32BigEndian(bhs[StatSNOffset..], StatSN);
        BinaryPrimitives.WriteUInt32BigEndian(bhs[ExpCmdSNOffset..], ExpCmdSN);
        BinaryPrimitives.WriteUInt32BigEndian(bhs[MaxCmdSNOffset..], MaxCmdSN);
        bhs[StatusClassOffset] = (byte)Status.StatusClass;
        bhs[StatusDetailOffset] = Status.StatusDetail;
    }

    public readonly void EncodeAdditionalHeaderSegments(Span<byte> destination)
    {
    }

    public static LoginResponsePdu Parse(in IscsiPdu pdu)
    {
        PduParsing.ExpectOpcode(pdu, IscsiOpcode.LoginResponse);
        PduParsing.ExpectNoAhs(pdu);
        BasicHeaderSegment h = pdu.Header;
        LoginFlags.Decode(pdu, h[1], out bool transit, out bool cont, out LoginStage csg, out LoginStage nsg);
        Span<byte> isid = stackalloc byte[Isid.Length];
        h.CopyTo(IsidOffset, Isid.Length, isid);
        return new LoginResponsePdu
        {
            Transit = transit,
            Continue = cont,
            CurrentStage = csg,
            NextStage = nsg,
            VersionMax = h[2],
            VersionActive = h[3],
            Isid = Isid.Read(isid),
            Tsih = h.ReadUInt16(TsihOffset),
            InitiatorTaskTag = h.InitiatorTaskTag,
            StatSN = h.ReadUInt32(StatSNOffset),
            ExpCmdSN = h.ReadUInt32(ExpCmdSNOffset),
            MaxCmdSN = h.ReadUInt32(MaxCmdSNOffset),
            Status = new LoginStatus((LoginStatusClass)h[StatusClassOffset], h[StatusDetailOffset]),
            DataSegment = pdu.DataSegment,
        };
    }
}
