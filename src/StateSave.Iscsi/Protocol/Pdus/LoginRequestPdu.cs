using System.Buffers;
using System.Buffers.Binary;

namespace StateSave.Iscsi.Protocol.Pdus;

/// <summary>
/// Login Request (RFC 7143 §11.12). The I bit is always 1.
/// <code>
/// Byte/     0       |       1       |       2       |       3       |
///    +---------------+---------------+---------------+---------------+
///   0|.|1| 0x03      |T|C|.|.|CSG|NSG| Version-max   | Version-min   |
///    +---------------+---------------+---------------+---------------+
///   4|TotalAHSLength | DataSegmentLength                             |
///    +---------------+---------------+---------------+---------------+
///   8| ISID                                                          |
///    +                               +---------------+---------------+
///  12|                               | TSIH                          |
///    +---------------+---------------+---------------+---------------+
///  16| Initiator Task Tag                                            |
///    +---------------+---------------+---------------+---------------+
///  20| CID                           | Reserved                      |
///    +---------------+---------------+---------------+---------------+
///  24| CmdSN                                                         |
///    +---------------+---------------+---------------+---------------+
///  28| ExpStatSN or Reserved                                         |
///    +---------------+---------------+---------------+---------------+
///  32| Reserved                                                      |
///    +---------------+---------------+---------------+---------------+
///  36| Reserved                                                      |
///    +---------------+---------------+---------------+---------------+
///  40/ Reserved                                                      /
///   +/                                                               /
///    +---------------+---------------+---------------+---------------+
///  48/ DataSegment - Login Parameters in Text Request Format         /
///   +/                                                               /
///    +---------------+---------------+---------------+---------------+
/// </code>
/// </summary>
public struct LoginRequestPdu : IIscsiPdu<LoginRequestPdu>
{
    private const int IsidOffset = 8;
    private const int TsihOffset = 14;
    private const int CidOffset = 20;
    private const int CmdSNOffset = 24;
    private const int ExpStatSNOffset = 28;

    public readonly IscsiOpcode Opcode => IscsiOpcode.LoginRequest;

    /// <summary>T: the initiator is ready to move to <see cref="NextStage"/>.</summary>
    public bool Transit { get; set; }

    /// <summary>C: the text is continued in the next Login Request.</summary>
    public bool Continue { get; set; }

    /// <summary>CSG.</summary>
    public LoginStage CurrentStage { get; set; }

    /// <summary>NSG (meaningful only when <see cref="Transit"/> is set).</summary>
    public LoginStage NextStage { get; set; }

    public byte VersionMax { get; set; }

    public byte VersionMin { get; set; }

    public Isid Isid { get; set; }

    /// <summary>TSIH: 0 for a new session, else the session being joined or reinstated.</summary>
    public ushort Tsih { get; set; }

    public uint InitiatorTaskTag { get; set; }

    /// <summary>CID: the connection ID.</summary>
    public ushort Cid { get; set; }

    public uint CmdSN { get; set; }

    public uint ExpStatSN { get; set; }

    /// <summary>Login parameters as text key=value pairs.</summary>
    public ReadOnlySequence<byte> DataSegment { get; set; }

    public readonly int AdditionalHeaderSegmentsLength => 0;

    public readonly void EncodeHeader(Span<byte> bhs)
    {
        BasicHeaderSegment.WriteOpcode(bhs, IscsiOpcode.LoginRequest, immediate: true);
        bhs[1] = LoginFlags.Encode(Transit, Continue, CurrentStage, NextStage);
        bhs[2] = VersionMax;
        bhs[3] = VersionMin;
        Isid.Write(bhs[IsidOffset..]);
        BinaryPrimitives.WriteUInt16BigEndian(bhs[TsihOffset..], Tsih);
        BinaryPrimitives.WriteUInt32BigEndian(bhs[BasicHeaderSegment.InitiatorTaskTagOffset..], InitiatorTaskTag);
        BinaryPrimitives.WriteUInt16BigEndian(bhs[CidOffset..], Cid);
        BinaryPrimitives.WriteUInt32BigEndian(bhs[CmdSNOffset..], CmdSN);
        BinaryPrimitives.WriteUInt32BigEndian(bhs[ExpStatSNOffset..], ExpStatSN);
    }

    public readonly void EncodeAdditionalHeaderSegments(Span<byte> destination)
    {
    }

    public static LoginRequestPdu Parse(in IscsiPdu pdu)
    {
        PduParsing.ExpectOpcode(pdu, IscsiOpcode.LoginRequest);
        PduParsing.ExpectNoAhs(pdu);
        BasicHeaderSegment h = pdu.Header;
        LoginFlags.Decode(pdu, h[1], out bool transit, out bool cont, out LoginStage csg, out LoginStage nsg);
        Span<byte> isid = stackalloc byte[Isid.Length];
        h.CopyTo(IsidOffset, Isid.Length, isid);
        return new LoginRequestPdu
        {
            Transit = transit,
            Continue = cont,
            CurrentStage = csg,
            NextStage = nsg,
            VersionMax = h[2],
            VersionMin = h[3],
            Isid = Isid.Read(isid),
            Tsih = h.ReadUInt16(TsihOffset),
            InitiatorTaskTag = h.InitiatorTaskTag,
            Cid = h.ReadUInt16(CidOffset),
            CmdSN = h.ReadUInt32(CmdSNOffset),
            ExpStatSN = h.ReadUInt32(ExpStatSNOffset),
            DataSegment = pdu.DataSegment,
        };
    }
}
