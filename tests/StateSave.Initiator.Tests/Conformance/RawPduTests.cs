using System.Buffers;
using StateSave.Initiator.Configuration;
using StateSave.Initiator.Connections;
using StateSave.Initiator.Tests.TestSupport;
using StateSave.Iscsi.Protocol;
using StateSave.Iscsi.Protocol.Pdus;
using StateSave.Scsi;

namespace StateSave.Initiator.Tests.Conformance;

/// <summary>Hand-built PDUs on a raw connection, and exactly what the target answers.</summary>
public sealed class RawPduTests
{
    private static readonly TimeSpan Answer = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Silence = TimeSpan.FromMilliseconds(400);

    private static ScsiCommandPdu TestUnitReady(RawIscsiConnection raw, uint itt, uint cmdSN) => new()
    {
        InitiatorTaskTag = itt,
        CmdSN = cmdSN,
        ExpStatSN = raw.ExpStatSN,
        Cdb = new ScsiCdb([0x00, 0, 0, 0, 0, 0]),
    };

    [Test]
    public async Task A_command_with_a_CmdSN_outside_the_window_is_ignored()
    {
        await using TestTarget target = await TestTarget.StartAsync();
        await using RawIscsiConnection raw = await target.Initiator().ConnectRawAsync(target.Portal, TestTarget.TargetName);
        uint cmdSN = raw.CmdSN;
        await raw.SendAsync(TestUnitReady(raw, 0x10, raw.MaxCmdSN + 1000));
        RawPdu? ignored = await raw.ReceiveAsync(Silence);

        await raw.SendAsync(TestUnitReady(raw, 0x11, cmdSN));
        RawPdu? answered = await raw.ReceiveAsync(Answer);
        Assert.Multiple(() =>
        {
            Assert.That(ignored, Is.Null, "RFC 7143 §4.2.2.1: a command outside the window is silently ignored");
            Assert.That(answered?.Opcode, Is.EqualTo(IscsiOpcode.ScsiResponse));
            Assert.That(answered?.InitiatorTaskTag, Is.EqualTo(0x11u));
        });
    }

    [Test]
    public async Task A_Data_Out_with_the_wrong_DataSN_ends_the_command_with_DATA_PHASE_ERROR()
    {
        await using TestTarget target = await TestTarget.StartAsync();
        var options = new InitiatorOptions { InitialR2T = true, ImmediateData = false };
        await using RawIscsiConnection raw = await target.Initiator(options).ConnectRawAsync(target.Portal, TestTarget.TargetName);

        // Take the power-on unit attention first.
        await raw.SendAsync(TestUnitReady(raw, 1, raw.CmdSN++));
        Assert.That((await raw.ReceiveAsync(IscsiOpcode.ScsiResponse, Answer))?.InitiatorTaskTag, Is.EqualTo(1u));

        await raw.SendAsync(new ScsiCommandPdu
        {
            InitiatorTaskTag = 2, CmdSN = raw.CmdSN++, ExpStatSN = raw.ExpStatSN, Write = true, Final = true, ExpectedDataTransferLength = 512,
            Cdb = new ScsiCdb([0x2a, 0, 0, 0, 0, 9, 0, 0, 1, 0]),
        });
        RawPdu? r2tPdu = await raw.ReceiveAsync(Answer);
        Assert.That(r2tPdu?.Opcode, Is.EqualTo(IscsiOpcode.ReadyToTransfer));
        ReadyToTransferPdu r2t = r2tPdu!.As<ReadyToTransferPdu>();
        await raw.SendAsync(new ScsiDataOutPdu
        {
            Final = true, InitiatorTaskTag = 2, TargetTransferTag = r2t.TargetTransferTag, ExpStatSN = raw.ExpStatSN, DataSN = 5, BufferOffset = 0,
            DataSegment = new ReadOnlySequence<byte>(new byte[512]),
        });
        RawPdu? responsePdu = await raw.ReceiveAsync(Answer);
        Assert.That(responsePdu?.Opcode, Is.EqualTo(IscsiOpcode.ScsiResponse));
        ScsiResponsePdu response = responsePdu!.As<ScsiResponsePdu>();
        Assert.That(response.TryGetSenseData(out ReadOnlySequence<byte> sense, out _), Is.True);
        Assert.That(SenseData.TryDecode(sense.ToArray(), out SenseData decoded), Is.True);
        Assert.Multiple(() =>
        {
            Assert.That(response.InitiatorTaskTag, Is.EqualTo(2u));
            Assert.That(response.Status, Is.EqualTo(ScsiStatus.CheckCondition));
            Assert.That(decoded.SenseKey, Is.EqualTo(SenseKey.AbortedCommand));
            Assert.That(decoded.AdditionalSenseCode, Is.EqualTo(AdditionalSenseCode.DataPhaseError));
        });
    }

    [Test]
    public async Task A_data_segment_over_the_targets_MaxRecvDataSegmentLength_is_rejected_and_skipped()
    {
        await using TestTarget target = await TestTarget.StartAsync();
        await using RawIscsiConnection raw = await target.Initiator().ConnectRawAsync(target.Portal, TestTarget.TargetName);
        int tooLong = raw.Parameters.TargetMaxRecvDataSegmentLength + 4;
        await raw.SendAsync(new NopOutPdu
        {
            Immediate = true, InitiatorTaskTag = 0x21, CmdSN = raw.CmdSN, ExpStatSN = raw.ExpStatSN, DataSegment = new ReadOnlySequence<byte>(new byte[tooLong]),
        });
        RawPdu? reject = await raw.ReceiveAsync(Answer);
        await raw.SendAsync(new NopOutPdu { Immediate = true, InitiatorTaskTag = 0x22, CmdSN = raw.CmdSN, ExpStatSN = raw.ExpStatSN });
        RawPdu? pong = await raw.ReceiveAsync(Answer);
        Assert.Multiple(() =>
        {
            Assert.That(reject?.Opcode, Is.EqualTo(IscsiOpcode.Reject));
            Assert.That(reject!.As<RejectPdu>().Reason, Is.EqualTo(RejectReason.ProtocolError));
            Assert.That(reject.As<RejectPdu>().RejectedHeader.InitiatorTaskTag, Is.EqualTo(0x21u));
            Assert.That(pong?.Opcode, Is.EqualTo(IscsiOpcode.NopIn), "the stream stays framed after the skipped PDU");
            Assert.That(pong?.InitiatorTaskTag, Is.EqualTo(0x22u));
        });
    }

    [Test]
    public async Task Hand_built_bytes_are_sent_as_given()
    {
        await using TestTarget target = await TestTarget.StartAsync();
        await using RawIscsiConnection raw = await target.Initiator().ConnectRawAsync(target.Portal, TestTarget.TargetName);
        byte[] nop = new byte[48];
        nop[0] = 0x40; // immediate NOP-Out
        nop[1] = 0x80;
        nop[16] = 0x00; nop[17] = 0x00; nop[18] = 0x00; nop[19] = 0x33;
        nop[20] = 0xff; nop[21] = 0xff; nop[22] = 0xff; nop[23] = 0xff;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(nop.AsSpan(24), raw.CmdSN);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(nop.AsSpan(28), raw.ExpStatSN);
        await raw.SendBytesAsync(nop);
        RawPdu? pong = await raw.ReceiveAsync(Answer);
        Assert.Multiple(() =>
        {
            Assert.That(pong?.Opcode, Is.EqualTo(IscsiOpcode.NopIn));
            Assert.That(pong?.InitiatorTaskTag, Is.EqualTo(0x33u));
        });
    }
}
