using System.Buffers;
using System.Text;
using StateSave.Iscsi.InBand;
using StateSave.Iscsi.Protocol;
using StateSave.Iscsi.Protocol.Pdus;
using StateSave.Iscsi.Tests.TestSupport;
using StateSave.Scsi;
using StateSave.Scsi.InBand;

namespace StateSave.Iscsi.Tests.Protocol;

/// <summary>
/// One byte-exact vector: a typed PDU and the bytes RFC 7143 says it is on the wire (without digests; digest
/// variants are derived with the independent <see cref="ReferenceCrc32C"/>). Each expected BHS is written one
/// 4-byte row per line, in the order of the RFC's byte diagrams.
/// </summary>
public abstract class PduVector
{
    protected PduVector(string name, string bhsAndAhsHex, byte[] dataSegment)
    {
        Name = name;
        HeaderBytes = Hex.Parse(bhsAndAhsHex);
        DataSegmentBytes = dataSegment;
    }

    public string Name { get; }

    /// <summary>BHS followed by AHS.</summary>
    public byte[] HeaderBytes { get; }

    /// <summary>The data segment without padding.</summary>
    public byte[] DataSegmentBytes { get; }

    public abstract IscsiOpcode Opcode { get; }

    /// <summary>Expected wire bytes with the given digests, built from the RFC layout rules alone.</summary>
    public byte[] ExpectedWire(DigestOptions digests)
    {
        var wire = new List<byte>(HeaderBytes);
        if ((digests & DigestOptions.HeaderDigest) != 0)
        {
            wire.AddRange(ReferenceCrc32C.WireBytes(HeaderBytes));
        }

        if (DataSegmentBytes.Length > 0)
        {
            byte[] padded = new byte[(DataSegmentBytes.Length + 3) & ~3];
            DataSegmentBytes.CopyTo(padded, 0);
            wire.AddRange(padded);
            if ((digests & DigestOptions.DataDigest) != 0)
            {
                wire.AddRange(ReferenceCrc32C.WireBytes(padded));
            }
        }

        return wire.ToArray();
    }

    /// <summary>Encodes the typed PDU.</summary>
    public abstract byte[] Encode(DigestOptions digests);

    /// <summary>Decodes a framed PDU as this vector's type and encodes it again (decode→encode must be the identity).</summary>
    public abstract byte[] DecodeAndReencode(in IscsiPdu pdu, DigestOptions digests);

    /// <summary>Checks that the decoded typed fields equal the vector's (beyond byte equality).</summary>
    public abstract void AssertDecodedFields(in IscsiPdu pdu);

    public override string ToString() => Name;
}

/// <summary>A vector for PDU type <typeparamref name="TPdu"/>.</summary>
public sealed class PduVector<TPdu> : PduVector where TPdu : struct, IIscsiPdu<TPdu>
{
    private readonly TPdu _pdu;
    private readonly Action<TPdu>? _checkFields;

    public PduVector(string name, TPdu pdu, string bhsAndAhsHex, byte[]? dataSegment = null, Action<TPdu>? checkFields = null)
        : base(name, bhsAndAhsHex, dataSegment ?? [])
    {
        _pdu = pdu;
        _checkFields = checkFields;
    }

    public override IscsiOpcode Opcode => _pdu.Opcode;

    public override byte[] Encode(DigestOptions digests) => EncodeTyped(_pdu, digests);

    public override byte[] DecodeAndReencode(in IscsiPdu pdu, DigestOptions digests) => EncodeTyped(pdu.As<TPdu>(), digests);

    public override void AssertDecodedFields(in IscsiPdu pdu)
    {
        TPdu decoded = pdu.As<TPdu>();
        Assert.That(decoded.DataSegment.ToArray(), Is.EqualTo(DataSegmentBytes));
        _checkFields?.Invoke(decoded);
    }

    private static byte[] EncodeTyped(in TPdu pdu, DigestOptions digests)
    {
        var writer = new ArrayBufferWriter<byte>();
        int written = IscsiPduWriter.Write(writer, pdu, digests);
        Assert.That(written, Is.EqualTo(writer.WrittenCount), "Write returned the wrong byte count");
        return writer.WrittenSpan.ToArray();
    }
}

/// <summary>The vectors: at least one for every PDU type of RFC 7143, including AHS and vendor opcodes.</summary>
public static class PduVectors
{
    private static readonly byte[] Hello = "hello"u8.ToArray();

    // RFC 3720 Appendix B.4's SCSI Read (10) command PDU, whose header digest is published as 56 3a 96 d9.
    public const string Rfc3720ReadCommandHex = """
        01 c0 00 00
        00 00 00 00
        00 00 00 00 00 00 00 00
        14 00 00 00
        00 00 04 00
        00 00 00 14
        00 00 00 18
        28 00 00 00 00 00 00 00 02 00 00 00 00 00 00 00
        """;

    public static IEnumerable<PduVector> All()
    {
        yield return new PduVector<NopOutPdu>("NOP-Out with ping data",
            new NopOutPdu { Immediate = true, InitiatorTaskTag = 1, CmdSN = 0x10, ExpStatSN = 0x20, DataSegment = new(Hello) },
            """
            40 80 00 00
            00 00 00 05
            00 00 00 00 00 00 00 00
            00 00 00 01
            ff ff ff ff
            00 00 00 10
            00 00 00 20
            00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
            """, Hello,
            p => Assert.That((p.Immediate, p.InitiatorTaskTag, p.TargetTransferTag, p.CmdSN, p.ExpStatSN), Is.EqualTo((true, 1u, 0xFFFFFFFFu, 0x10u, 0x20u))));

        yield return new PduVector<ScsiCommandPdu>("SCSI Command READ(10) (RFC 3720 B.4)",
            new ScsiCommandPdu
            {
                Final = true, Read = true, Attribute = TaskAttribute.Untagged, InitiatorTaskTag = 0x14000000,
                ExpectedDataTransferLength = 0x400, CmdSN = 0x14, ExpStatSN = 0x18,
                Cdb = new ScsiCdb([0x28, 0, 0, 0, 0, 0, 0, 0, 0x02, 0]),
            },
            Rfc3720ReadCommandHex, null,
            p => Assert.That((p.Read, p.Write, p.ExpectedDataTransferLength, p.Cdb.OperationCode, p.Cdb[8], p.Cdb.Length), Is.EqualTo((true, false, 0x400u, (byte)0x28, (byte)2, 16))));

        byte[] longCdb = Enumerable.Range(0, 32).Select(i => i == 0 ? (byte)0x7F : (byte)i).ToArray();
        yield return new PduVector<ScsiCommandPdu>("SCSI Command bidirectional, 32-byte CDB, both AHS, immediate data",
            new ScsiCommandPdu
            {
                Immediate = false, Final = false, Read = true, Write = true, Attribute = TaskAttribute.Simple,
                Lun = 0x0001_0000_0000_0000, InitiatorTaskTag = 0x0A0B0C0D, ExpectedDataTransferLength = 0x2000,
                CmdSN = 7, ExpStatSN = 9,
                Cdb = new ScsiCdb(longCdb.AsSpan(0, 16), new ReadOnlySequence<byte>(longCdb.AsMemory(16))),
                BidirectionalReadDataLength = 0x1000,
                DataSegment = new(Hello),
            },
            """
            01 61 00 00
            07 00 00 05
            00 01 00 00 00 00 00 00
            0a 0b 0c 0d
            00 00 20 00
            00 00 00 07
            00 00 00 09
            7f 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f
            00 11 01 00
            10 11 12 13 14 15 16 17 18 19 1a 1b 1c 1d 1e 1f
            00 05 02 00
            00 00 10 00
            """, Hello,
            p =>
            {
                byte[] cdb = new byte[p.Cdb.Length];
                p.Cdb.CopyTo(cdb);
                Assert.That(cdb, Is.EqualTo(longCdb));
                Assert.That(p.BidirectionalReadDataLength, Is.EqualTo(0x1000u));
                Assert.That((p.Read, p.Write, p.Final, p.Attribute), Is.EqualTo((true, true, false, TaskAttribute.Simple)));
            });

        byte[] senseSegment = Hex.Parse("00 12  70 00 05 00 00 00 00 0a 00 00 00 00 24 00 00 00 00 00");
        yield return new PduVector<ScsiResponsePdu>("SCSI Response CHECK CONDITION with sense, underflow",
            new ScsiResponsePdu
            {
                ResidualUnderflow = true, Response = ScsiServiceResponse.CommandCompletedAtTarget, Status = ScsiStatus.CheckCondition,
                InitiatorTaskTag = 0x11223344, StatSN = 5, ExpCmdSN = 6, MaxCmdSN = 0x26, ResidualCount = 0x200,
                DataSegment = new(senseSegment),
            },
            """
            21 82 00 02
            00 00 00 14
            00 00 00 00 00 00 00 00
            11 22 33 44
            00 00 00 00
            00 00 00 05
            00 00 00 06
            00 00 00 26
            00 00 00 00
            00 00 00 00
            00 00 02 00
            """, senseSegment,
            p =>
            {
                Assert.That(p.TryGetSenseData(out ReadOnlySequence<byte> sense, out ReadOnlySequence<byte> response), Is.True);
                Assert.That(sense.Length, Is.EqualTo(18));
                Assert.That(response.IsEmpty, Is.True);
                Assert.That((p.Status, p.ResidualUnderflow, p.ResidualCount), Is.EqualTo((ScsiStatus.CheckCondition, true, 0x200u)));
            });

        yield return new PduVector<TaskManagementFunctionRequestPdu>("Task Management Function Request ABORT TASK",
            new TaskManagementFunctionRequestPdu
            {
                Immediate = true, Function = TaskManagementFunction.AbortTask, Lun = 0x0001_0000_0000_0000,
                InitiatorTaskTag = 7, ReferencedTaskTag = 3, CmdSN = 0x100, ExpStatSN = 0x55, RefCmdSN = 0xFF,
            },
            """
            42 81 00 00
            00 00 00 00
            00 01 00 00 00 00 00 00
            00 00 00 07
            00 00 00 03
            00 00 01 00
            00 00 00 55
            00 00 00 ff
            00 00 00 00
            00 00 00 00 00 00 00 00
            """, null,
            p => Assert.That((p.Function, p.ReferencedTaskTag, p.RefCmdSN), Is.EqualTo((TaskManagementFunction.AbortTask, 3u, 0xFFu))));

        yield return new PduVector<TaskManagementFunctionResponsePdu>("Task Management Function Response",
            new TaskManagementFunctionResponsePdu
            {
                Response = TaskManagementResponse.TaskDoesNotExist, InitiatorTaskTag = 7, StatSN = 0x56, ExpCmdSN = 0x101, MaxCmdSN = 0x120,
            },
            """
            22 80 01 00
            00 00 00 00
            00 00 00 00 00 00 00 00
            00 00 00 07
            00 00 00 00
            00 00 00 56
            00 00 01 01
            00 00 01 20
            00 00 00 00 00 00 00 00 00 00 00 00
            """);

        byte[] loginText = "HeaderDigest=None\0"u8.ToArray();
        yield return new PduVector<LoginRequestPdu>("Login Request operational -> full feature",
            new LoginRequestPdu
            {
                Transit = true, CurrentStage = LoginStage.LoginOperationalNegotiation, NextStage = LoginStage.FullFeaturePhase,
                Isid = new Isid(0x4000_0137_0000), Tsih = 0, InitiatorTaskTag = 0, Cid = 1, CmdSN = 1, ExpStatSN = 0,
                DataSegment = new(loginText),
            },
            """
            43 87 00 00
            00 00 00 12
            40 00 01 37 00 00 00 00
            00 00 00 00
            00 01 00 00
            00 00 00 01
            00 00 00 00
            00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
            """, loginText,
            p => Assert.That((p.Transit, p.CurrentStage, p.NextStage, p.Isid.Type, p.Isid.D, p.Cid), Is.EqualTo((true, LoginStage.LoginOperationalNegotiation, LoginStage.FullFeaturePhase, (byte)1, (ushort)0, (ushort)1))));

        yield return new PduVector<LoginResponsePdu>("Login Response success",
            new LoginResponsePdu
            {
                Transit = true, CurrentStage = LoginStage.LoginOperationalNegotiation, NextStage = LoginStage.FullFeaturePhase,
                Isid = new Isid(0x4000_0137_0000), Tsih = 0x0102, StatSN = 0x1000, ExpCmdSN = 1, MaxCmdSN = 0x20,
                Status = LoginStatus.Success,
            },
            """
            23 87 00 00
            00 00 00 00
            40 00 01 37 00 00 01 02
            00 00 00 00
            00 00 00 00
            00 00 10 00
            00 00 00 01
            00 00 00 20
            00 00 00 00
            00 00 00 00 00 00 00 00
            """);

        yield return new PduVector<LoginResponsePdu>("Login Response authentication failure",
            new LoginResponsePdu
            {
                CurrentStage = LoginStage.SecurityNegotiation, VersionMax = 0, Isid = new Isid(0x0002_3D00_0001),
                InitiatorTaskTag = 0x10, StatSN = 0, ExpCmdSN = 1, MaxCmdSN = 1, Status = LoginStatus.AuthenticationFailure,
            },
            """
            23 00 00 00
            00 00 00 00
            00 02 3d 00 00 01 00 00
            00 00 00 10
            00 00 00 00
            00 00 00 00
            00 00 00 01
            00 00 00 01
            02 01 00 00
            00 00 00 00 00 00 00 00
            """, null,
            p => Assert.That(p.Status, Is.EqualTo(LoginStatus.AuthenticationFailure)));

        byte[] sendTargets = "SendTargets=All\0"u8.ToArray();
        yield return new PduVector<TextRequestPdu>("Text Request SendTargets",
            new TextRequestPdu { InitiatorTaskTag = 9, CmdSN = 2, ExpStatSN = 0x1001, DataSegment = new(sendTargets) },
            """
            04 80 00 00
            00 00 00 10
            00 00 00 00 00 00 00 00
            00 00 00 09
            ff ff ff ff
            00 00 00 02
            00 00 10 01
            00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
            """, sendTargets);

        byte[] targetName = "TargetName=iqn.2026-11.io.statesave:t1\0"u8.ToArray();
        yield return new PduVector<TextResponsePdu>("Text Response continued (C bit)",
            new TextResponsePdu
            {
                Final = false, Continue = true, InitiatorTaskTag = 9, TargetTransferTag = 0xABC, StatSN = 0x1001, ExpCmdSN = 3, MaxCmdSN = 0x22,
                DataSegment = new(targetName),
            },
            """
            24 40 00 00
            00 00 00 27
            00 00 00 00 00 00 00 00
            00 00 00 09
            00 00 0a bc
            00 00 10 01
            00 00 00 03
            00 00 00 22
            00 00 00 00 00 00 00 00 00 00 00 00
            """, targetName,
            p => Assert.That((p.Final, p.Continue, p.TargetTransferTag), Is.EqualTo((false, true, 0xABCu))));

        byte[] block = Enumerable.Range(0, 512).Select(i => (byte)(i * 7)).ToArray();
        yield return new PduVector<ScsiDataOutPdu>("SCSI Data-Out 512 bytes",
            new ScsiDataOutPdu
            {
                Final = true, Lun = 0x0001_0000_0000_0000, InitiatorTaskTag = 0x20, TargetTransferTag = 0x30, ExpStatSN = 0x40,
                DataSN = 2, BufferOffset = 0x2000, DataSegment = new(block),
            },
            """
            05 80 00 00
            00 00 02 00
            00 01 00 00 00 00 00 00
            00 00 00 20
            00 00 00 30
            00 00 00 00
            00 00 00 40
            00 00 00 00
            00 00 00 02
            00 00 20 00
            00 00 00 00
            """, block,
            p => Assert.That((p.Final, p.DataSN, p.BufferOffset), Is.EqualTo((true, 2u, 0x2000u))));

        byte[] three = [0xAA, 0xBB, 0xCC];
        yield return new PduVector<ScsiDataInPdu>("SCSI Data-In with status and underflow",
            new ScsiDataInPdu
            {
                Final = true, HasStatus = true, Status = ScsiStatus.Good, ResidualUnderflow = true, InitiatorTaskTag = 0x20,
                StatSN = 0x41, ExpCmdSN = 0x50, MaxCmdSN = 0x70, DataSN = 0, BufferOffset = 0, ResidualCount = 0x100,
                DataSegment = new(three),
            },
            """
            25 83 00 00
            00 00 00 03
            00 00 00 00 00 00 00 00
            00 00 00 20
            ff ff ff ff
            00 00 00 41
            00 00 00 50
            00 00 00 70
            00 00 00 00
            00 00 00 00
            00 00 01 00
            """, three,
            p => Assert.That((p.Final, p.HasStatus, p.ResidualUnderflow, p.ResidualCount), Is.EqualTo((true, true, true, 0x100u))));

        yield return new PduVector<ScsiDataInPdu>("SCSI Data-In without status",
            new ScsiDataInPdu
            {
                Final = false, InitiatorTaskTag = 0x21, TargetTransferTag = ReservedTag.Value, ExpCmdSN = 0x50, MaxCmdSN = 0x70,
                DataSN = 3, BufferOffset = 0x6000, DataSegment = new(block),
            },
            """
            25 00 00 00
            00 00 02 00
            00 00 00 00 00 00 00 00
            00 00 00 21
            ff ff ff ff
            00 00 00 00
            00 00 00 50
            00 00 00 70
            00 00 00 03
            00 00 60 00
            00 00 00 00
            """, block);

        yield return new PduVector<LogoutRequestPdu>("Logout Request close session",
            new LogoutRequestPdu { Immediate = true, Reason = LogoutReason.CloseSession, InitiatorTaskTag = 0x77, CmdSN = 0x33, ExpStatSN = 0x44 },
            """
            46 80 00 00
            00 00 00 00
            00 00 00 00 00 00 00 00
            00 00 00 77
            00 00 00 00
            00 00 00 33
            00 00 00 44
            00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
            """);

        yield return new PduVector<LogoutRequestPdu>("Logout Request close connection 2",
            new LogoutRequestPdu { Reason = LogoutReason.CloseConnection, InitiatorTaskTag = 0x78, Cid = 2, CmdSN = 0x34, ExpStatSN = 0x44 },
            """
            06 81 00 00
            00 00 00 00
            00 00 00 00 00 00 00 00
            00 00 00 78
            00 02 00 00
            00 00 00 34
            00 00 00 44
            00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
            """, null,
            p => Assert.That((p.Reason, p.Cid), Is.EqualTo((LogoutReason.CloseConnection, (ushort)2))));

        yield return new PduVector<LogoutResponsePdu>("Logout Response",
            new LogoutResponsePdu { InitiatorTaskTag = 0x77, StatSN = 0x45, ExpCmdSN = 0x34, MaxCmdSN = 0x50, Time2Wait = 2, Time2Retain = 20 },
            """
            26 80 00 00
            00 00 00 00
            00 00 00 00 00 00 00 00
            00 00 00 77
            00 00 00 00
            00 00 00 45
            00 00 00 34
            00 00 00 50
            00 00 00 00
            00 02 00 14
            00 00 00 00
            """, null,
            p => Assert.That((p.Time2Wait, p.Time2Retain), Is.EqualTo(((ushort)2, (ushort)20))));

        yield return new PduVector<SnackRequestPdu>("SNACK Request status",
            new SnackRequestPdu { Type = SnackType.Status, ExpStatSN = 0x10, BegRun = 5, RunLength = 2 },
            """
            10 81 00 00
            00 00 00 00
            00 00 00 00 00 00 00 00
            ff ff ff ff
            ff ff ff ff
            00 00 00 00
            00 00 00 10
            00 00 00 00 00 00 00 00
            00 00 00 05
            00 00 00 02
            """, null,
            p => Assert.That((p.Type, p.BegRun, p.RunLength), Is.EqualTo((SnackType.Status, 5u, 2u))));

        yield return new PduVector<ReadyToTransferPdu>("R2T",
            new ReadyToTransferPdu
            {
                Lun = 0x0001_0000_0000_0000, InitiatorTaskTag = 0x20, TargetTransferTag = 0x1234, StatSN = 0x42, ExpCmdSN = 0x51,
                MaxCmdSN = 0x71, R2TSN = 1, BufferOffset = 0x10000, DesiredDataTransferLength = 0x40000,
            },
            """
            31 80 00 00
            00 00 00 00
            00 01 00 00 00 00 00 00
            00 00 00 20
            00 00 12 34
            00 00 00 42
            00 00 00 51
            00 00 00 71
            00 00 00 01
            00 01 00 00
            00 04 00 00
            """, null,
            p => Assert.That((p.R2TSN, p.BufferOffset, p.DesiredDataTransferLength), Is.EqualTo((1u, 0x10000u, 0x40000u))));

        yield return new PduVector<AsynchronousMessagePdu>("Asynchronous Message logout request",
            new AsynchronousMessagePdu { StatSN = 0x90, ExpCmdSN = 0x91, MaxCmdSN = 0x92, AsyncEvent = AsyncEvent.LogoutRequest, Parameter3 = 5 },
            """
            32 80 00 00
            00 00 00 00
            00 00 00 00 00 00 00 00
            ff ff ff ff
            00 00 00 00
            00 00 00 90
            00 00 00 91
            00 00 00 92
            01 00 00 00
            00 00 00 05
            00 00 00 00
            """, null,
            p => Assert.That((p.AsyncEvent, p.Parameter3), Is.EqualTo((AsyncEvent.LogoutRequest, (ushort)5))));

        byte[] unitAttention = Hex.Parse("00 12  70 00 06 00 00 00 00 0a 00 00 00 00 3f 0e 00 00 00 00");
        yield return new PduVector<AsynchronousMessagePdu>("Asynchronous Message SCSI event (unit attention sense)",
            new AsynchronousMessagePdu
            {
                Lun = 0x0001_0000_0000_0000, StatSN = 0x93, ExpCmdSN = 0x91, MaxCmdSN = 0x92, AsyncEvent = AsyncEvent.ScsiAsyncEvent,
                DataSegment = new(unitAttention),
            },
            """
            32 80 00 00
            00 00 00 14
            00 01 00 00 00 00 00 00
            ff ff ff ff
            00 00 00 00
            00 00 00 93
            00 00 00 91
            00 00 00 92
            00 00 00 00
            00 00 00 00
            00 00 00 00
            """, unitAttention);

        yield return new PduVector<NopInPdu>("NOP-In target ping",
            new NopInPdu { TargetTransferTag = 5, StatSN = 0x10, ExpCmdSN = 0x11, MaxCmdSN = 0x30 },
            """
            20 80 00 00
            00 00 00 00
            00 00 00 00 00 00 00 00
            ff ff ff ff
            00 00 00 05
            00 00 00 10
            00 00 00 11
            00 00 00 30
            00 00 00 00 00 00 00 00 00 00 00 00
            """);

        byte[] rejectedHeader = Hex.Parse("""
            40 80 00 00 00 00 00 05 00 00 00 00 00 00 00 00 00 00 00 01 ff ff ff ff 00 00 00 10 00 00 00 20
            00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
            """);
        yield return new PduVector<RejectPdu>("Reject protocol error",
            new RejectPdu { Reason = RejectReason.ProtocolError, StatSN = 0x12, ExpCmdSN = 0x13, MaxCmdSN = 0x33, DataSegment = new(rejectedHeader) },
            """
            3f 80 04 00
            00 00 00 30
            00 00 00 00 00 00 00 00
            ff ff ff ff
            00 00 00 00
            00 00 00 12
            00 00 00 13
            00 00 00 33
            00 00 00 00
            00 00 00 00 00 00 00 00
            """, rejectedHeader,
            p => Assert.That((p.Reason, p.RejectedHeader.Opcode, p.RejectedHeader.InitiatorTaskTag), Is.EqualTo((RejectReason.ProtocolError, IscsiOpcode.NopOut, 1u))));

        byte[] vendorData = "vendor"u8.ToArray();
        var vendor = new VendorSpecificPdu(IscsiOpcode.VendorSpecificInitiator1C)
        {
            Immediate = true, Flags = 0x80, Byte2And3 = 0x0102, InitiatorTaskTag = 0xABCDEF01,
            AdditionalHeaderSegments = new(Hex.Parse("00 05 3c 00 de ad be ef")), DataSegment = new(vendorData),
        };
        vendor.SetUInt32(20, 0x11111111);
        vendor.SetUInt32(44, 0x22222222);
        yield return new PduVector<VendorSpecificPdu>("Vendor-specific 0x1c with AHS",
            vendor,
            """
            5c 80 01 02
            02 00 00 06
            00 00 00 00 00 00 00 00
            ab cd ef 01
            11 11 11 11
            00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
            22 22 22 22
            00 05 3c 00 de ad be ef
            """, vendorData,
            p => Assert.That((p.Opcode, p.GetUInt32(20), p.GetUInt32(44), p.Flags), Is.EqualTo((IscsiOpcode.VendorSpecificInitiator1C, 0x11111111u, 0x22222222u, (byte)0x80))));

        // In-band state save (specs/in-band-state-save.md §2): a STATE SAVE request and a final data PDU with sense.
        byte[] stateSaveParameters = Hex.Parse("00 00 01 9a 00 00 00 00 00 07 64 72 69 76 65 20 33 00 00");
        var stateSaveRequest = new StateSaveRequestPdu
        {
            Lun = 0x0001000000000000, VendorTaskTag = 0x10, FailureId = 0x0102030405060708,
            ParameterList = new(stateSaveParameters),
        };
        stateSaveRequest.SetCdb(new StateSaveCdb(StateSaveScope.All, 0x0102030405060708, (uint)stateSaveParameters.Length).ToArray());
        yield return new PduVector<VendorSpecificPdu>("State Save Request 0x3c (STATE SAVE)",
            stateSaveRequest.ToVendorSpecificPdu(),
            """
            3c 80 00 00
            00 00 00 13
            00 01 00 00 00 00 00 00
            00 00 00 10
            01 02 03 04 05 06 07 08
            00 00 00 00
            c5 00 07 00 01 02 03 04 05 06 07 08 00 00 00 13
            """, stateSaveParameters,
            p =>
            {
                Assert.That(StateSaveRequestPdu.TryParse(p, out StateSaveRequestPdu parsed, out string? error), Is.True, error);
                byte[] cdb = new byte[16];
                parsed.CopyCdbTo(cdb);
                Assert.That((parsed.VendorTaskTag, parsed.FailureId, cdb[0], cdb[2]), Is.EqualTo((0x10u, 0x0102030405060708ul, (byte)0xc5, (byte)0x07)));
            });

        byte[] stateSaveSense = Hex.Parse("00 12 70 00 05 00 00 00 00 0a 00 00 00 00 24 00 00 c0 00 02");
        var stateSaveData = new StateSaveDataPdu
        {
            Final = true, StatusPresent = true, Status = ScsiStatus.CheckCondition, VendorTaskTag = 0x11, DataSN = 3,
            BufferOffset = 0x1_0000_0000, ResidualCount = 0x400, DataSegment = new(stateSaveSense),
        };
        yield return new PduVector<VendorSpecificPdu>("State Save Data 0x1c (final, CHECK CONDITION)",
            stateSaveData.ToVendorSpecificPdu(),
            """
            5c 81 00 02
            00 00 00 14
            00 00 00 00 00 00 00 00
            00 00 00 11
            00 00 00 03
            00 00 00 01 00 00 00 00
            00 00 04 00
            00 00 00 00 00 00 00 00 00 00 00 00
            """, stateSaveSense,
            p =>
            {
                Assert.That(StateSaveDataPdu.TryParse(p, out StateSaveDataPdu parsed, out string? error), Is.True, error);
                Assert.That((parsed.Final, parsed.StatusPresent, parsed.Status, parsed.DataSN, parsed.BufferOffset, parsed.ResidualCount),
                    Is.EqualTo((true, true, ScsiStatus.CheckCondition, 3u, 0x1_0000_0000ul, 0x400u)));
            });

        foreach (IscsiOpcode opcode in new[] { IscsiOpcode.VendorSpecificInitiator1D, IscsiOpcode.VendorSpecificInitiator1E,
                     IscsiOpcode.VendorSpecificTarget3C, IscsiOpcode.VendorSpecificTarget3D, IscsiOpcode.VendorSpecificTarget3E })
        {
            var pdu = new VendorSpecificPdu(opcode) { Lun = 0x0102030405060708, InitiatorTaskTag = 0x42 };
            pdu.SetUInt32(24, 0xCAFEBABE);
            yield return new PduVector<VendorSpecificPdu>($"Vendor-specific 0x{(byte)opcode:x2}",
                pdu,
                $"""
                {(byte)opcode:x2} 00 00 00
                00 00 00 00
                01 02 03 04 05 06 07 08
                00 00 00 42
                00 00 00 00
                ca fe ba be
                00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
                """, null,
                p => Assert.That((p.Opcode, p.GetUInt32(24)), Is.EqualTo((opcode, 0xCAFEBABEu))));
        }
    }
}
