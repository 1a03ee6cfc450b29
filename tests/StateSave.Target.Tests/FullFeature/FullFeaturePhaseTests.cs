using System.Buffers;
using System.Buffers.Binary;
using StateSave.Iscsi.Negotiation;
using StateSave.Iscsi.Protocol;
using StateSave.Iscsi.Protocol.Pdus;
using StateSave.Scsi;
using StateSave.Target.Tests.TestSupport;

namespace StateSave.Target.Tests.FullFeature;

/// <summary>The full feature phase over a scripted connection: NOP, Reject, CmdSN window, data transfer, TMF, logout.</summary>
[TestFixture]
public sealed class FullFeaturePhaseTests
{
    [Test]
    public async Task A_nop_out_ping_is_echoed_with_its_data()
    {
        await using InMemoryTarget target = InMemoryTarget.Start(new RamDiskDevice());
        await using TestInitiator initiator = await LoggedInAsync(target);
        await initiator.SendAsync(new NopOutPdu { Immediate = true, InitiatorTaskTag = 9, CmdSN = initiator.CmdSN, DataSegment = new ReadOnlySequence<byte>("ping"u8.ToArray()) });
        ReceivedPdu reply = (await initiator.ReceiveAsync())!;
        NopInPdu nopIn = reply.As<NopInPdu>();
        Assert.Multiple(() =>
        {
            Assert.That(nopIn.InitiatorTaskTag, Is.EqualTo(9u));
            Assert.That(nopIn.TargetTransferTag, Is.EqualTo(ReservedTag.Value));
            Assert.That(nopIn.StatSN, Is.EqualTo(initiator.ExpStatSN));
            Assert.That(reply.Data, Is.EqualTo("ping"u8.ToArray()));
        });
    }

    [Test]
    public async Task An_unsupported_opcode_gets_a_reject_with_its_header_and_the_connection_goes_on()
    {
        await using InMemoryTarget target = InMemoryTarget.Start(new RamDiskDevice());
        await using TestInitiator initiator = await LoggedInAsync(target);
        byte[] vendor = new byte[48];
        vendor[0] = 0x1c; // vendor-specific initiator opcode
        vendor[1] = 0x80;
        await initiator.SendRawAsync(vendor);
        ReceivedPdu reply = (await initiator.ReceiveAsync())!;
        Assert.That(reply.Opcode, Is.EqualTo(IscsiOpcode.Reject));
        Assert.That(reply.As<RejectPdu>().Reason, Is.EqualTo(RejectReason.CommandNotSupported));
        Assert.That(reply.Data, Is.EqualTo(vendor));
        Assert.That(await TestUnitReadyAsync(initiator, itt: 2), Is.EqualTo(ScsiStatus.Good));
    }

    [Test]
    public async Task A_command_beyond_max_cmd_sn_is_silently_ignored()
    {
        await using InMemoryTarget target = InMemoryTarget.Start(new RamDiskDevice());
        await using TestInitiator initiator = await LoggedInAsync(target);
        uint expected = initiator.CmdSN;
        initiator.CmdSN += 100_000;
        await SendCommandAsync(initiator, [(byte)ScsiOpcode.TestUnitReady, 0, 0, 0, 0, 0], itt: 3);
        Assert.That(await initiator.ReceiveAsync(TimeSpan.FromMilliseconds(500)), Is.Null);
        initiator.CmdSN = expected;
        Assert.That(await TestUnitReadyAsync(initiator, itt: 4), Is.EqualTo(ScsiStatus.Good));
    }

    [Test]
    public async Task A_write_with_r2t_and_a_read_with_phase_collapse_carry_the_data()
    {
        var device = new RamDiskDevice();
        await using InMemoryTarget target = InMemoryTarget.Start(device);
        await using TestInitiator initiator = await LoggedInAsync(target);
        byte[] payload = [.. Enumerable.Range(0, 8192).Select(i => (byte)(i * 7))];

        // WRITE (10) of 16 blocks at LBA 8, no immediate data: the target solicits it with R2T.
        await SendCommandAsync(initiator, Cdb10(ScsiOpcode.Write10, 8, 16), itt: 5, write: (uint)payload.Length);
        ReadyToTransferPdu r2t = (await initiator.ReceiveAsync())!.As<ReadyToTransferPdu>();
        Assert.That((r2t.BufferOffset, r2t.DesiredDataTransferLength), Is.EqualTo((0u, 8192u)));
        await initiator.SendAsync(new ScsiDataOutPdu
        {
            Final = true, InitiatorTaskTag = 5, TargetTransferTag = r2t.TargetTransferTag, DataSN = 0, BufferOffset = 0,
            DataSegment = new ReadOnlySequence<byte>(payload),
        });
        ScsiResponsePdu written = (await initiator.ReceiveAsync())!.As<ScsiResponsePdu>();
        Assert.That((written.Status, written.ResidualCount), Is.EqualTo((ScsiStatus.Good, 0u)));
        Assert.That(device.Data.Slice(8 * 512, payload.Length).ToArray(), Is.EqualTo(payload));

        // READ (10) back: Data-In split at the initiator's 8192-byte MaxRecvDataSegmentLength, status in the last one.
        await SendCommandAsync(initiator, Cdb10(ScsiOpcode.Read10, 8, 16), itt: 6, read: (uint)payload.Length + 512);
        ReceivedPdu dataIn = (await initiator.ReceiveAsync())!;
        ScsiDataInPdu last = dataIn.As<ScsiDataInPdu>();
        Assert.Multiple(() =>
        {
            Assert.That(dataIn.Data, Is.EqualTo(payload));
            Assert.That(last.HasStatus && last.Final, Is.True);
            Assert.That(last.Status, Is.EqualTo(ScsiStatus.Good));
            Assert.That((last.ResidualUnderflow, last.ResidualCount), Is.EqualTo((true, 512u)));
        });
    }

    [Test]
    public async Task A_write_of_several_bursts_is_solicited_burst_by_burst_with_one_outstanding_r2t()
    {
        // The device server asks for all 1 MiB at once; with MaxBurstLength 256 KiB and MaxOutstandingR2T 1 the target
        // must send the next R2T each time a burst ends while that request is still waiting.
        var device = new RamDiskDevice();
        await using InMemoryTarget target = InMemoryTarget.Start(device);
        await using TestInitiator initiator = await target.ConnectAsync();
        (LoginResponsePdu login, _) = await initiator.LoginAsync(InMemoryTarget.TargetName,
            [new(TextKeyNames.MaxBurstLength, "262144"), new(TextKeyNames.MaxOutstandingR2T, "1")]);
        Assert.That(login.Status, Is.EqualTo(LoginStatus.Success));
        byte[] payload = [.. Enumerable.Range(0, 1 << 20).Select(i => (byte)(i * 13 + (i >> 9)))];
        await SendCommandAsync(initiator, Cdb10(ScsiOpcode.Write10, 0, 2048), itt: 11, write: (uint)payload.Length);
        var offsets = new List<uint>();
        while (true)
        {
            ReceivedPdu pdu = (await initiator.ReceiveAsync(TimeSpan.FromSeconds(10)))!;
            Assert.That(pdu, Is.Not.Null, "the target stopped soliciting data");
            if (pdu.Opcode == IscsiOpcode.ScsiResponse)
            {
                Assert.That(pdu.As<ScsiResponsePdu>().Status, Is.EqualTo(ScsiStatus.Good));
                break;
            }

            ReadyToTransferPdu r2t = pdu.As<ReadyToTransferPdu>();
            offsets.Add(r2t.BufferOffset);
            for (uint sent = 0, dataSN = 0; sent < r2t.DesiredDataTransferLength; sent += 8192, dataSN++)
            {
                uint length = Math.Min(8192, r2t.DesiredDataTransferLength - sent);
                await initiator.SendAsync(new ScsiDataOutPdu
                {
                    Final = sent + length == r2t.DesiredDataTransferLength, InitiatorTaskTag = 11, TargetTransferTag = r2t.TargetTransferTag,
                    DataSN = dataSN, BufferOffset = r2t.BufferOffset + sent,
                    DataSegment = new ReadOnlySequence<byte>(payload, (int)(r2t.BufferOffset + sent), (int)length),
                });
            }
        }

        Assert.That(offsets, Is.EqualTo(new uint[] { 0, 262144, 524288, 786432 }));
        Assert.That(device.Data.Slice(0, payload.Length).ToArray(), Is.EqualTo(payload));
    }

    [Test]
    public async Task A_data_out_with_the_wrong_data_sn_ends_the_command_with_check_condition()
    {
        await using InMemoryTarget target = InMemoryTarget.Start(new RamDiskDevice());
        await using TestInitiator initiator = await LoggedInAsync(target);
        await SendCommandAsync(initiator, Cdb10(ScsiOpcode.Write10, 0, 1), itt: 7, write: 512);
        ReadyToTransferPdu r2t = (await initiator.ReceiveAsync())!.As<ReadyToTransferPdu>();
        await initiator.SendAsync(new ScsiDataOutPdu
        {
            Final = true, InitiatorTaskTag = 7, TargetTransferTag = r2t.TargetTransferTag, DataSN = 27, BufferOffset = 0,
            DataSegment = new ReadOnlySequence<byte>(new byte[512]),
        });
        ReceivedPdu reply = (await initiator.ReceiveAsync())!;
        Assert.That(reply.As<ScsiResponsePdu>().Status, Is.EqualTo(ScsiStatus.CheckCondition));
        Assert.That(SenseData.TryDecode(reply.Data.AsSpan(2), out SenseData sense, out _), Is.True);
        Assert.That((sense.SenseKey, sense.AdditionalSenseCode), Is.EqualTo((SenseKey.AbortedCommand, AdditionalSenseCode.DataPhaseError)));
    }

    [Test]
    public async Task Abort_task_ends_a_running_command_without_a_response_and_completes_the_function()
    {
        var device = new RamDiskDevice { Gate = new TaskCompletionSource() };
        await using InMemoryTarget target = InMemoryTarget.Start(device);
        await using TestInitiator initiator = await LoggedInAsync(target);
        uint readCmdSN = initiator.CmdSN;
        await SendCommandAsync(initiator, Cdb10(ScsiOpcode.Read10, 0, 1), itt: 8, read: 512);
        await initiator.SendAsync(new TaskManagementFunctionRequestPdu
        {
            Immediate = true, Function = TaskManagementFunction.AbortTask, InitiatorTaskTag = 9, ReferencedTaskTag = 8,
            CmdSN = initiator.CmdSN, RefCmdSN = readCmdSN, ExpStatSN = initiator.ExpStatSN,
        });
        ReceivedPdu reply = (await initiator.ReceiveAsync())!;
        Assert.That(reply.Opcode, Is.EqualTo(IscsiOpcode.TaskManagementFunctionResponse));
        Assert.That(reply.As<TaskManagementFunctionResponsePdu>().Response, Is.EqualTo(TaskManagementResponse.FunctionComplete));
        Assert.That(await initiator.ReceiveAsync(TimeSpan.FromMilliseconds(300)), Is.Null, "an aborted task gets no SCSI Response");

        // A task that no longer exists.
        await initiator.SendAsync(new TaskManagementFunctionRequestPdu
        {
            Immediate = true, Function = TaskManagementFunction.AbortTask, InitiatorTaskTag = 10, ReferencedTaskTag = 8,
            CmdSN = initiator.CmdSN, RefCmdSN = readCmdSN, ExpStatSN = initiator.ExpStatSN,
        });
        Assert.That((await initiator.ReceiveAsync())!.As<TaskManagementFunctionResponsePdu>().Response, Is.EqualTo(TaskManagementResponse.TaskDoesNotExist));
    }

    [Test]
    public async Task Logical_unit_reset_reaches_the_device_server_and_an_unknown_lun_does_not_exist()
    {
        var device = new RamDiskDevice();
        await using InMemoryTarget target = InMemoryTarget.Start(device);
        await using TestInitiator initiator = await LoggedInAsync(target);
        await initiator.SendAsync(new TaskManagementFunctionRequestPdu
        {
            Immediate = true, Function = TaskManagementFunction.LogicalUnitReset, InitiatorTaskTag = 11, CmdSN = initiator.CmdSN,
        });
        Assert.That((await initiator.ReceiveAsync())!.As<TaskManagementFunctionResponsePdu>().Response, Is.EqualTo(TaskManagementResponse.FunctionComplete));
        Assert.That(device.Events, Does.Contain("lu-reset 0"));
        await initiator.SendAsync(new TaskManagementFunctionRequestPdu
        {
            Immediate = true, Function = TaskManagementFunction.LogicalUnitReset, InitiatorTaskTag = 12, CmdSN = initiator.CmdSN,
            Lun = LogicalUnitNumber.FromSingleLevel(5).Value,
        });
        Assert.That((await initiator.ReceiveAsync())!.As<TaskManagementFunctionResponsePdu>().Response, Is.EqualTo(TaskManagementResponse.LunDoesNotExist));
    }

    [Test]
    public async Task Logout_closes_the_session_and_ends_the_nexus()
    {
        var device = new RamDiskDevice();
        await using InMemoryTarget target = InMemoryTarget.Start(device);
        await using TestInitiator initiator = await LoggedInAsync(target);
        await initiator.SendAsync(new LogoutRequestPdu { Immediate = true, Reason = LogoutReason.CloseSession, InitiatorTaskTag = 13, CmdSN = initiator.CmdSN });
        LogoutResponsePdu response = (await initiator.ReceiveAsync())!.As<LogoutResponsePdu>();
        Assert.That(response.Response, Is.EqualTo(LogoutResponseCode.ClosedSuccessfully));
        Assert.That(await initiator.ReceiveAsync(TimeSpan.FromSeconds(2)), Is.Null, "the target closes the connection");
        Assert.That(() => device.Events.Any(e => e.StartsWith("nexus- ", StringComparison.Ordinal)), Is.True.After(2000, 50));
    }

    internal static async Task<TestInitiator> LoggedInAsync(InMemoryTarget target)
    {
        TestInitiator initiator = await target.ConnectAsync();
        (LoginResponsePdu response, _) = await initiator.LoginAsync(InMemoryTarget.TargetName);
        Assert.That(response.Status, Is.EqualTo(LoginStatus.Success));
        return initiator;
    }

    internal static byte[] Cdb10(ScsiOpcode opcode, uint lba, ushort blocks)
    {
        byte[] cdb = new byte[10];
        cdb[0] = (byte)opcode;
        BinaryPrimitives.WriteUInt32BigEndian(cdb.AsSpan(2), lba);
        BinaryPrimitives.WriteUInt16BigEndian(cdb.AsSpan(7), blocks);
        return cdb;
    }

    internal static async Task SendCommandAsync(TestInitiator initiator, byte[] cdb, uint itt, uint read = 0, uint write = 0)
    {
        await initiator.SendAsync(new ScsiCommandPdu
        {
            Final = true, Read = read > 0, Write = write > 0, InitiatorTaskTag = itt, CmdSN = initiator.CmdSN++, ExpStatSN = initiator.ExpStatSN,
            ExpectedDataTransferLength = read + write, Cdb = new ScsiCdb(cdb),
        });
    }

    private static async Task<ScsiStatus> TestUnitReadyAsync(TestInitiator initiator, uint itt)
    {
        await SendCommandAsync(initiator, [(byte)ScsiOpcode.TestUnitReady, 0, 0, 0, 0, 0], itt);
        return (await initiator.ReceiveAsync())!.As<ScsiResponsePdu>().Status;
    }
}
