using System.Buffers;
using StateSave.Initiator.Commands;
using StateSave.Initiator.Configuration;
using StateSave.Initiator.Connections;
using StateSave.Initiator.Scsi;
using StateSave.Initiator.Sessions;
using StateSave.Initiator.Tests.TestSupport;
using StateSave.Iscsi.Protocol;
using StateSave.Iscsi.Protocol.Pdus;
using StateSave.Scsi;

namespace StateSave.Initiator.Tests.Sessions;

/// <summary>The initiator against a scripted target: asynchronous messages, rejects, windows, and bad input.</summary>
public sealed class ScriptedTargetTests
{
    private static InitiatorOptions Options(ScriptedTarget target, InitiatorOptions? options = null) => (options ?? new InitiatorOptions()) with
    {
        Transport = target.Network,
        LoginTimeout = TimeSpan.FromSeconds(3),
        LogoutDrainTimeout = TimeSpan.FromSeconds(1),
        Recovery = options?.Recovery ?? new RecoveryOptions { InitialBackoff = TimeSpan.FromMilliseconds(10), MaxAttempts = 4 },
    };

    private static Task<IscsiSession> LoginAsync(ScriptedTarget target, InitiatorOptions? options = null) =>
        new IscsiInitiator(Options(target, options)).LoginAsync(target.Portal, "iqn.2026-11.org.statesave:scripted");

    private static async Task WaitUntil(Func<bool> condition, string what)
    {
        for (int i = 0; i < 500 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        Assert.That(condition(), Is.True, "timed out waiting for " + what);
    }

    private static byte[] SenseSegment(byte key, byte asc, byte ascq)
    {
        byte[] sense = [0x70, 0, key, 0, 0, 0, 0, 10, 0, 0, 0, 0, asc, ascq, 0, 0, 0, 0];
        return [0, (byte)sense.Length, .. sense];
    }

    [Test]
    public async Task A_SCSI_async_event_surfaces_its_sense_to_subscribers()
    {
        await using var target = new ScriptedTarget(async c =>
        {
            await c.LoginAsync();
            await c.SendAsync(new AsynchronousMessagePdu
            {
                Lun = LogicalUnitNumber.FromSingleLevel(2).Value, AsyncEvent = AsyncEvent.ScsiAsyncEvent, StatSN = c.StatSN++, ExpCmdSN = c.ExpCmdSN,
                MaxCmdSN = c.MaxCmdSN, DataSegment = new ReadOnlySequence<byte>(SenseSegment(0x06, 0x2a, 0x09)),
            });
            await c.SendAsync(new AsynchronousMessagePdu
            {
                AsyncEvent = AsyncEvent.VendorSpecific, AsyncVCode = 0x42, StatSN = c.StatSN++, ExpCmdSN = c.ExpCmdSN, MaxCmdSN = c.MaxCmdSN,
                DataSegment = new ReadOnlySequence<byte>(new byte[] { 9, 8, 7 }),
            });
            await c.ServeAsync();
        });
        var events = new List<AsyncMessageEventArgs>();
        await using IscsiSession session = await LoginAsync(target);
        session.AsyncMessageReceived += (_, e) => { lock (events) { events.Add(e); } };
        await WaitUntil(() => { lock (events) { return events.Count == 2; } }, "two async events");
        AsyncMessageEventArgs scsi = events.Single(e => e.AsyncEvent == AsyncEvent.ScsiAsyncEvent);
        AsyncMessageEventArgs vendor = events.Single(e => e.AsyncEvent == AsyncEvent.VendorSpecific);
        Assert.Multiple(() =>
        {
            Assert.That(scsi.Lun, Is.EqualTo(LogicalUnitNumber.FromSingleLevel(2)));
            Assert.That(scsi.Sense?.SenseKey, Is.EqualTo(SenseKey.UnitAttention));
            Assert.That(scsi.Sense?.AdditionalSenseCode, Is.EqualTo(new AdditionalSenseCode(0x2a, 0x09)));
            Assert.That(vendor.VendorCode, Is.EqualTo(0x42));
            Assert.That(vendor.Data.ToArray(), Is.EqualTo(new byte[] { 9, 8, 7 }));
            Assert.That(session.SequenceNumbers.ExpStatSN, Is.EqualTo(104u), "two login responses (100, 101) and two async messages");
        });
    }

    [TestCase(AsyncEvent.LogoutRequest)]
    [TestCase(AsyncEvent.ParameterNegotiationRequest)]
    public async Task An_async_logout_or_renegotiation_request_is_answered_by_logout_then_a_new_login(AsyncEvent asyncEvent)
    {
        LogoutReason? reason = null;
        await using var target = new ScriptedTarget(async c =>
        {
            await c.LoginAsync();
            if (c.Index == 1)
            {
                await c.SendAsync(new AsynchronousMessagePdu
                {
                    AsyncEvent = asyncEvent, Parameter3 = 2, StatSN = c.StatSN++, ExpCmdSN = c.ExpCmdSN, MaxCmdSN = c.MaxCmdSN,
                });
                RawPdu logout = await c.ReceiveAsync(IscsiOpcode.LogoutRequest);
                reason = logout.As<LogoutRequestPdu>().Reason;
                await c.SendAsync(new LogoutResponsePdu
                {
                    InitiatorTaskTag = logout.InitiatorTaskTag, StatSN = c.StatSN++, ExpCmdSN = c.ExpCmdSN, MaxCmdSN = c.MaxCmdSN,
                });
                await c.Closed;
                return;
            }

            await c.ServeAsync();
        });
        await using IscsiSession session = await LoginAsync(target);
        await WaitUntil(() => target.Connections == 2 && session.State == SessionState.LoggedIn, "the second login");
        ScsiCommandResponse r = await new ScsiClient(session, LogicalUnitNumber.Zero).TestUnitReadyAsync();
        Assert.Multiple(() =>
        {
            Assert.That(reason, Is.EqualTo(LogoutReason.CloseSession));
            Assert.That(r.IsGood, Is.True);
            Assert.That(target.Errors, Is.Empty);
        });
    }

    [TestCase(AsyncEvent.DropConnection)]
    [TestCase(AsyncEvent.DropAllConnections)]
    public async Task An_async_drop_connection_leads_to_a_reinstatement(AsyncEvent asyncEvent)
    {
        await using var target = new ScriptedTarget(async c =>
        {
            await c.LoginAsync();
            if (c.Index == 1)
            {
                await c.SendAsync(new AsynchronousMessagePdu
                {
                    AsyncEvent = asyncEvent, Parameter2 = 0, StatSN = c.StatSN++, ExpCmdSN = c.ExpCmdSN, MaxCmdSN = c.MaxCmdSN,
                });
                await c.Closed;
                return;
            }

            await c.ServeAsync();
        });
        await using IscsiSession session = await LoginAsync(target);
        await WaitUntil(() => target.Connections == 2 && session.State == SessionState.LoggedIn, "the reinstatement");
        Assert.That(session.Statistics.Reconnects, Is.EqualTo(1));
    }

    [Test]
    public async Task A_rejected_command_completes_with_a_typed_protocol_error()
    {
        await using var target = new ScriptedTarget(async c =>
        {
            await c.LoginAsync();
            await c.ServeAsync(async pdu =>
            {
                if (pdu.Opcode != IscsiOpcode.ScsiCommand)
                {
                    return false;
                }

                await c.SendAsync(new RejectPdu
                {
                    Reason = RejectReason.InvalidPduField, StatSN = c.StatSN++, ExpCmdSN = c.ExpCmdSN, MaxCmdSN = c.MaxCmdSN,
                    DataSegment = new ReadOnlySequence<byte>(pdu.HeaderBytes),
                });
                return true;
            });
        });
        await using IscsiSession session = await LoginAsync(target);
        ScsiCommandResponse r = await new ScsiClient(session, LogicalUnitNumber.Zero).TestUnitReadyAsync();
        Assert.Multiple(() =>
        {
            Assert.That(r.Outcome, Is.EqualTo(CommandOutcome.ProtocolError));
            Assert.That(r.RejectReason, Is.EqualTo(RejectReason.InvalidPduField));
            Assert.That(r.IsGood, Is.False);
            Assert.That(session.State, Is.EqualTo(SessionState.LoggedIn));
        });
    }

    [Test]
    public async Task A_DataSN_gap_drops_the_connection_and_the_read_is_reissued_and_completes_GOOD()
    {
        await using var target = new ScriptedTarget(async c =>
        {
            await c.LoginAsync();
            if (c.Index == 1)
            {
                RawPdu command = await c.ReceiveAsync(IscsiOpcode.ScsiCommand);
                await c.SendAsync(new ScsiDataInPdu
                {
                    InitiatorTaskTag = command.InitiatorTaskTag, DataSN = 3, BufferOffset = 0, ExpCmdSN = c.ExpCmdSN, MaxCmdSN = c.MaxCmdSN,
                    DataSegment = new ReadOnlySequence<byte>(new byte[512]),
                });
                await c.Closed;
                return;
            }

            await c.ServeAsync(async pdu =>
            {
                if (pdu.Opcode != IscsiOpcode.ScsiCommand || !pdu.As<ScsiCommandPdu>().Read)
                {
                    return false;
                }

                byte[] data = Enumerable.Repeat((byte)0xAB, 512).ToArray();
                await c.SendAsync(new ScsiDataInPdu
                {
                    InitiatorTaskTag = pdu.InitiatorTaskTag, DataSN = 0, Final = true, HasStatus = true, Status = ScsiStatus.Good, ResidualUnderflow = true,
                    ResidualCount = 512, StatSN = c.StatSN++, ExpCmdSN = c.ExpCmdSN, MaxCmdSN = c.MaxCmdSN, DataSegment = new ReadOnlySequence<byte>(data),
                });
                return true;
            });
        });
        await using IscsiSession session = await LoginAsync(target);
        byte[] buffer = new byte[1024];
        ScsiCommandResponse r = await new ScsiClient(session, LogicalUnitNumber.Zero).Read10Async(0, 2, buffer);
        Assert.Multiple(() =>
        {
            Assert.That(r.IsGood, Is.True);
            Assert.That(r.ResidualUnderflow, Is.True);
            Assert.That(r.ResidualCount, Is.EqualTo(512u));
            Assert.That(r.DataInLength, Is.EqualTo(512));
            Assert.That(buffer.AsSpan(0, 512).ToArray(), Is.All.EqualTo(0xAB));
            Assert.That(session.Statistics.ConnectionsLost, Is.EqualTo(1));
            Assert.That(target.Connections, Is.EqualTo(2));
        });
    }

    [TestCase(new byte[] { 0x3f, 0x80, 0, 0, 0, 0, 0, 0 }, TestName = "Reserved_opcode_from_the_target_drops_the_connection_and_recovers")]
    [TestCase(new byte[] { 0x21, 0x86, 0, 0, 0, 0, 0, 0 }, TestName = "SCSI_Response_with_both_U_and_O_drops_the_connection_and_recovers")]
    [TestCase(new byte[] { 0x21, 0x80, 0, 0, 0, 0xff, 0xff, 0xff }, TestName = "A_data_segment_over_our_MaxRecvDataSegmentLength_drops_the_connection")]
    public async Task Malformed_input_from_the_target_never_hangs_the_session(byte[] start)
    {
        await using var target = new ScriptedTarget(async c =>
        {
            await c.LoginAsync();
            if (c.Index == 1)
            {
                RawPdu command = await c.ReceiveAsync(IscsiOpcode.ScsiCommand);
                byte[] bad = new byte[48];
                start.CopyTo(bad, 0);
                System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bad.AsSpan(16), command.InitiatorTaskTag);
                await c.SendBytesAsync(bad);
                await c.Closed;
                return;
            }

            await c.ServeAsync();
        });
        await using IscsiSession session = await LoginAsync(target);
        ScsiCommandResponse r = await new ScsiClient(session, LogicalUnitNumber.Zero).TestUnitReadyAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Multiple(() =>
        {
            Assert.That(r.IsGood, Is.True);
            Assert.That(session.Statistics.ConnectionsLost, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Commands_wait_for_the_CmdSN_window_and_go_out_in_order()
    {
        var seen = new List<uint>();
        bool overrun = false;
        await using var target = new ScriptedTarget(async c =>
        {
            c.Window = 0; // closed after login: nothing may be sent until a PDU opens it
            await c.LoginAsync();
            if (await c.TryReceiveAsync(TimeSpan.FromMilliseconds(300)) is { Opcode: IscsiOpcode.ScsiCommand })
            {
                overrun = true;
            }

            c.Window = 1;
            await c.SendAsync(new NopInPdu { StatSN = c.StatSN, ExpCmdSN = c.ExpCmdSN, MaxCmdSN = c.MaxCmdSN });
            await c.ServeAsync(async pdu =>
            {
                if (pdu.Opcode == IscsiOpcode.ScsiCommand)
                {
                    uint cmdSN = pdu.As<ScsiCommandPdu>().CmdSN;
                    lock (seen)
                    {
                        seen.Add(cmdSN);
                    }

                    if (cmdSN != c.ExpCmdSN - 1)
                    {
                        overrun = true;
                    }

                    await Task.Delay(20);
                    await c.RespondAsync(pdu);
                    return true;
                }

                return false;
            });
        });
        await using IscsiSession session = await LoginAsync(target);
        var client = new ScsiClient(session, LogicalUnitNumber.Zero);
        ScsiCommandResponse[] results = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => client.TestUnitReadyAsync().AsTask()));
        Assert.Multiple(() =>
        {
            Assert.That(results.All(r => r.IsGood), Is.True);
            Assert.That(overrun, Is.False, "a command went out beyond MaxCmdSN");
            Assert.That(seen, Is.Ordered);
            Assert.That(seen, Has.Count.EqualTo(5));
        });
    }

    [Test]
    public async Task An_unanswered_keepalive_declares_the_connection_dead()
    {
        await using var target = new ScriptedTarget(async c =>
        {
            await c.LoginAsync();
            if (c.Index == 1)
            {
                await c.Closed; // swallow everything, answer nothing
                return;
            }

            await c.ServeAsync();
        });
        await using IscsiSession session = await LoginAsync(target, new InitiatorOptions
        {
            NopInterval = TimeSpan.FromMilliseconds(100), NopTimeout = TimeSpan.FromMilliseconds(200),
        });
        await WaitUntil(() => target.Connections == 2 && session.State == SessionState.LoggedIn, "a reinstatement after the keepalive timeout");
        Assert.That(session.Statistics.Timeouts, Is.GreaterThanOrEqualTo(1));
    }

    [Test]
    public async Task A_command_timeout_drops_the_connection_and_the_command_completes_on_the_new_one()
    {
        await using var target = new ScriptedTarget(async c =>
        {
            await c.LoginAsync();
            if (c.Index == 1)
            {
                await c.Closed; // never answers the command
                return;
            }

            await c.ServeAsync();
        });
        await using IscsiSession session = await LoginAsync(target, new InitiatorOptions { CommandTimeout = TimeSpan.FromMilliseconds(300) });
        ScsiCommandResponse r = await new ScsiClient(session, LogicalUnitNumber.Zero).TestUnitReadyAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Multiple(() =>
        {
            Assert.That(r.IsGood, Is.True);
            Assert.That(session.Statistics.Timeouts, Is.EqualTo(1));
            Assert.That(target.Connections, Is.EqualTo(2));
        });
    }

    [Test]
    public async Task A_target_ping_is_echoed_with_its_TTT_LUN_and_data()
    {
        NopOutPdu? echo = null;
        byte[]? echoData = null;
        await using var target = new ScriptedTarget(async c =>
        {
            await c.LoginAsync();
            await c.SendAsync(new NopInPdu
            {
                TargetTransferTag = 0x1234, Lun = 0x0001_0000_0000_0000, StatSN = c.StatSN, ExpCmdSN = c.ExpCmdSN, MaxCmdSN = c.MaxCmdSN,
                DataSegment = new ReadOnlySequence<byte>(new byte[] { 1, 2, 3 }),
            });
            RawPdu reply = await c.ReceiveAsync(IscsiOpcode.NopOut);
            echo = reply.As<NopOutPdu>();
            echoData = reply.Data.ToArray();
            await c.ServeAsync();
        });
        await using IscsiSession session = await LoginAsync(target);
        await WaitUntil(() => echo is not null, "the NOP-Out answer");
        Assert.Multiple(() =>
        {
            Assert.That(echo!.Value.TargetTransferTag, Is.EqualTo(0x1234u));
            Assert.That(echo.Value.InitiatorTaskTag, Is.EqualTo(ReservedTag.Value));
            Assert.That(echo.Value.Lun, Is.EqualTo(0x0001_0000_0000_0000ul));
            Assert.That(echo.Value.Immediate, Is.True);
            Assert.That(echoData, Is.EqualTo(new byte[] { 1, 2, 3 }));
        });
    }
}
