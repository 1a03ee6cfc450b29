using StateSave.Initiator.Commands;
using StateSave.Initiator.Configuration;
using StateSave.Initiator.Scsi;
using StateSave.Initiator.Sessions;
using StateSave.Initiator.Tests.TestSupport;
using StateSave.Iscsi.Protocol;
using StateSave.Scsi;
using StateSave.Storage.BackingStores;
using StateSave.Storage.Devices;
using StateSave.Storage.LogicalUnits;
using StateSave.Target;
using StateSave.Target.Configuration;
using StateSave.Iscsi.Transport;

namespace StateSave.Initiator.Tests.Sessions;

public sealed class TaskManagementTests
{
    private static async Task<(IscsiTargetServer Server, GatedDevice Device, IscsiSession Session)> StartGatedAsync(SessionLimits? limits = null)
    {
        var device = new ScsiTargetDevice();
        device.AddLogicalUnit(LogicalUnitNumber.Zero, new BlockLogicalUnit(new BlockLogicalUnitOptions { Store = new MemoryBlockStore(1024) }));
        var gated = new GatedDevice(device);
        var server = new IscsiTargetServer(new IscsiTargetServerOptions
        {
            Targets = [new TargetOptions { Name = TestTarget.TargetName, DeviceServer = gated }],
            Limits = limits ?? new SessionLimits { NopInInterval = TimeSpan.Zero },
        });
        var network = new InMemoryTransport();
        var endPoint = new InMemoryEndPoint("gated");
        server.AddListener(network.Listen(endPoint));
        var initiator = new IscsiInitiator(new InitiatorOptions { Transport = network, NopInterval = TimeSpan.Zero });
        IscsiSession session = await initiator.LoginAsync(endPoint, TestTarget.TargetName);
        await TestTarget.ClearUnitAttentionsAsync(session);
        return (server, gated, session);
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        for (int i = 0; i < 500 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        Assert.That(condition(), Is.True, "timed out waiting");
    }

    [Test]
    public async Task Cancelling_a_command_in_flight_sends_ABORT_TASK_and_it_completes_Aborted()
    {
        var (server, device, session) = await StartGatedAsync();
        await using (server)
        await using (session)
        {
            var client = new ScsiClient(session, LogicalUnitNumber.Zero);
            using var cancel = new CancellationTokenSource();
            ValueTask<ScsiCommandResponse> read = client.Read10Async(0, 1, new byte[512], cancel.Token);
            await WaitUntil(() => device.Held == 1);
            cancel.Cancel();
            ScsiCommandResponse response = await read;
            Assert.Multiple(() =>
            {
                Assert.That(response.Outcome, Is.EqualTo(CommandOutcome.Aborted));
                Assert.That(response.IsGood, Is.False);
                Assert.That(session.Statistics.Aborts, Is.EqualTo(1));
                Assert.That(session.State, Is.EqualTo(SessionState.LoggedIn));
            });
        }
    }

    [Test]
    public async Task Abort_task_by_in_flight_handle_and_LUN_reset_abort_the_waiting_commands()
    {
        var (server, device, session) = await StartGatedAsync();
        await using (server)
        await using (session)
        {
            var client = new ScsiClient(session, LogicalUnitNumber.Zero);
            ValueTask<ScsiCommandResponse> first = client.Read10Async(0, 1, new byte[512]);
            ValueTask<ScsiCommandResponse> second = client.Read10Async(1, 1, new byte[512]);
            ValueTask<ScsiCommandResponse> third = client.Read10Async(2, 1, new byte[512]);
            await WaitUntil(() => device.Held == 3);
            InFlightCommand victim = session.GetInFlightCommands()[0];
            TaskManagementResponse abort = await session.AbortTaskAsync(victim);
            ScsiCommandResponse aborted = await first;
            TaskManagementResponse reset = await session.LogicalUnitResetAsync(LogicalUnitNumber.Zero);
            ScsiCommandResponse r2 = await second;
            ScsiCommandResponse r3 = await third;
            Assert.Multiple(() =>
            {
                Assert.That(abort, Is.EqualTo(TaskManagementResponse.FunctionComplete));
                Assert.That(aborted.Outcome, Is.EqualTo(CommandOutcome.Aborted));
                Assert.That(reset, Is.EqualTo(TaskManagementResponse.FunctionComplete));
                Assert.That(r2.Outcome, Is.EqualTo(CommandOutcome.Aborted));
                Assert.That(r3.Outcome, Is.EqualTo(CommandOutcome.Aborted));
                Assert.That(device.Events, Does.Contain("lu-reset"));
                Assert.That(session.GetInFlightCommands(), Is.Empty);
            });
        }
    }

    [Test]
    public async Task Abort_task_set_and_target_warm_reset_are_answered()
    {
        var (server, _, session) = await StartGatedAsync();
        await using (server)
        await using (session)
        {
            TaskManagementResponse set = await session.AbortTaskSetAsync(LogicalUnitNumber.Zero);
            TaskManagementResponse warm = await session.TargetWarmResetAsync();
            Assert.Multiple(() =>
            {
                Assert.That(set, Is.EqualTo(TaskManagementResponse.FunctionComplete));
                Assert.That(warm, Is.EqualTo(TaskManagementResponse.FunctionComplete));
            });
        }
    }

    [Test]
    public async Task Target_NOP_In_pings_are_answered_and_keep_the_session_up()
    {
        var (server, device, session) = await StartGatedAsync(new SessionLimits { NopInInterval = TimeSpan.FromMilliseconds(100), NopInTimeout = TimeSpan.FromSeconds(1) });
        await using (server)
        await using (session)
        {
            device.Gate.SetResult();
            await WaitUntil(() => session.Statistics.PingsAnswered >= 3);
            var client = new ScsiClient(session, LogicalUnitNumber.Zero);
            Assert.Multiple(async () =>
            {
                Assert.That(session.State, Is.EqualTo(SessionState.LoggedIn));
                Assert.That((await client.TestUnitReadyAsync()).IsGood, Is.True);
                Assert.That(session.Statistics.ConnectionsLost, Is.Zero);
            });
        }
    }

    [Test]
    public async Task Ping_is_echoed_by_the_target()
    {
        var (server, _, session) = await StartGatedAsync();
        await using (server)
        await using (session)
        {
            Assert.That(await session.PingAsync(new byte[] { 1, 2, 3, 4, 5 }, TimeSpan.FromSeconds(5)), Is.True);
        }
    }

    [Test]
    public async Task Target_cold_reset_is_answered_and_the_session_is_reinstated()
    {
        var (server, device, session) = await StartGatedAsync();
        await using (server)
        await using (session)
        {
            device.Gate.SetResult();
            TaskManagementResponse cold = await session.TargetColdResetAsync();
            await WaitUntil(() => session.Statistics.Reconnects == 1 && session.State == SessionState.LoggedIn);
            await TestTarget.ClearUnitAttentionsAsync(session);
            ScsiCommandResponse after = await new ScsiClient(session, LogicalUnitNumber.Zero).TestUnitReadyAsync();
            Assert.Multiple(() =>
            {
                Assert.That(cold, Is.EqualTo(TaskManagementResponse.FunctionComplete));
                Assert.That(device.Events, Does.Contain("cold-reset"));
                Assert.That(after.IsGood, Is.True);
            });
        }
    }
}
