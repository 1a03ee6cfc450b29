using StateSave.Host.Applications;
using StateSave.Host.Failover;
using StateSave.Host.Hba;
using StateSave.Host.Hosts;
using StateSave.Host.Tests.TestSupport;

namespace StateSave.Host.Tests.Failover;

/// <summary>
/// The key check: with two paths and a verifying workload (mixed reads and writes, queue depth 8), one path is
/// cut or hangs silently; the workload sees no error and no wrong block, and the history shows failover and failback.
/// </summary>
public sealed class FailoverTests
{
    private static readonly VerifyingWorkloadOptions Mixed = new()
    {
        Name = "mixed-qd8",
        ReadPercent = 50,
        BlockCounts = [1, 8, 32],
        QueueDepth = 8,
        RegionBlocks = 8192,
    };

    [Test]
    public async Task Cutting_a_path_connection_fails_over_and_back_without_an_application_error()
    {
        await using DualPortalTarget target = await DualPortalTarget.StartAsync();
        await using EmulatedHost host = TestHosts.TwoPaths("cut", target.PortalA, target.PortalB, DualPortalTarget.TargetName)
            .AddVerifyingWorkload(Mixed).Build();
        await host.StartAsync();
        var workload = (VerifyingWorkload)host.Applications[0];
        MultipathPath a = TestHosts.PathThrough(host.Devices[0], target.PortalA);
        await Wait.UntilAsync(() => workload.Statistics.Operations > 300, "the workload running");

        for (int cut = 0; cut < 3; cut++)
        {
            int failures = Failures(host, a);
            a.HbaSession.Session.AbortConnection("test: cable pulled");
            await Wait.UntilAsync(() => Failures(host, a) > failures, "the failover recorded");
            await Wait.UntilAsync(() => a.State == PathState.Active, "the failback");
            long done = workload.Statistics.Operations;
            await Wait.UntilAsync(() => workload.Statistics.Operations > done + 200, "more I/O after the failback");
        }

        await host.StopAsync();
        AssertCleanRun(workload, host, a);
    }

    [Test]
    public async Task Severing_a_path_at_the_network_fails_over_and_back_without_an_application_error()
    {
        await using DualPortalTarget target = await DualPortalTarget.StartAsync();
        await using var proxy = new StallingProxy(target.PortalA);
        await using EmulatedHost host = TestHosts.TwoPaths("sever", proxy.EndPoint, target.PortalB, DualPortalTarget.TargetName)
            .AddVerifyingWorkload(Mixed).Build();
        await host.StartAsync();
        var workload = (VerifyingWorkload)host.Applications[0];
        MultipathPath a = TestHosts.PathThrough(host.Devices[0], proxy.EndPoint);
        await Wait.UntilAsync(() => workload.Statistics.Operations > 300, "the workload running");

        proxy.Sever();
        await Wait.UntilAsync(() => Failures(host, a) > 0, "the failover recorded");
        await Wait.UntilAsync(() => a.State == PathState.Active, "the failback");
        long done = workload.Statistics.Operations;
        await Wait.UntilAsync(() => workload.Statistics.Operations > done + 200, "more I/O after the failback");

        await host.StopAsync();
        AssertCleanRun(workload, host, a);
    }

    [Test]
    public async Task A_silently_hung_path_is_detected_by_timeouts_and_failed_over_without_an_application_error()
    {
        await using DualPortalTarget target = await DualPortalTarget.StartAsync();
        await using var proxy = new StallingProxy(target.PortalA);
        await using EmulatedHost host = TestHosts.TwoPaths("hang", proxy.EndPoint, target.PortalB, DualPortalTarget.TargetName)
            .AddVerifyingWorkload(Mixed).Build();
        await host.StartAsync();
        var workload = (VerifyingWorkload)host.Applications[0];
        MultipathPath a = TestHosts.PathThrough(host.Devices[0], proxy.EndPoint);
        await Wait.UntilAsync(() => workload.Statistics.Operations > 300, "the workload running");

        proxy.Stall();
        await Wait.UntilAsync(() => a.State == PathState.Failed, "the hung path detected");
        long during = workload.Statistics.Operations;
        await Wait.UntilAsync(() => workload.Statistics.Operations > during + 300, "I/O flowing on the other path while one hangs");
        Assert.That(a.State, Is.EqualTo(PathState.Failed), "the hung path stays out of service");

        proxy.Resume();
        await Wait.UntilAsync(() => a.State == PathState.Active, "the failback once the link works again");
        long after = workload.Statistics.Operations;
        await Wait.UntilAsync(() => workload.Statistics.Operations > after + 200, "more I/O after the failback");

        await host.StopAsync();
        AssertCleanRun(workload, host, a);
        Assert.That(host.Hba.RecentEvents.Any(e => e.Kind is HbaEventKind.Timeout && e.Session == a.HbaSession.Id), Is.True,
            string.Join("\n", host.Hba.RecentEvents));
    }

    [Test]
    public async Task A_session_that_fails_for_good_is_logged_in_again_by_the_HBA_and_the_path_returns()
    {
        await using DualPortalTarget target = await DualPortalTarget.StartAsync();
        await using var proxy = new StallingProxy(target.PortalA);
        await using EmulatedHost host = new HostBuilder("relogin")
            .AddPort("port0", "iqn.2026-11.org.statesave:relogin-0", p => TestHosts.QuickDetection(p) with
            {
                Recovery = new StateSave.Initiator.Configuration.RecoveryOptions { MaxAttempts = 1, InitialBackoff = TimeSpan.FromMilliseconds(10) },
            })
            .AddPort("port1", "iqn.2026-11.org.statesave:relogin-1", TestHosts.QuickDetection)
            .ConnectTo("port0", proxy.EndPoint, DualPortalTarget.TargetName)
            .ConnectTo("port1", target.PortalB, DualPortalTarget.TargetName)
            .WithFailover(TestHosts.QuickFailover)
            .AddVerifyingWorkload(Mixed)
            .Build();
        await host.StartAsync();
        var workload = (VerifyingWorkload)host.Applications[0];
        MultipathPath a = TestHosts.PathThrough(host.Devices[0], proxy.EndPoint);
        await Wait.UntilAsync(() => workload.Statistics.Operations > 200, "the workload running");

        proxy.Stall();
        await Wait.UntilAsync(() => a.HbaSession.State == StateSave.Initiator.Sessions.SessionState.Failed, "the session failed for good");
        proxy.Resume();
        await Wait.UntilAsync(() => a.State == PathState.Active, "the path back on a new session");
        long after = workload.Statistics.Operations;
        await Wait.UntilAsync(() => workload.Statistics.Operations > after + 200, "more I/O after the failback");
        await host.StopAsync();

        AssertCleanRun(workload, host, a);
        Assert.That(host.Hba.RecentEvents.Any(e => e.Kind == HbaEventKind.Reconnect), Is.True);
        Assert.That(host.Hba.ToSnapshot().Sessions.Count, Is.Zero, "logged out at stop");
    }

    private static int Failures(EmulatedHost host, MultipathPath path) =>
        host.Failover.History.Count(h => h.Path == path.Name && h.OldState == PathState.Active && h.NewState == PathState.Failed);

    private static void AssertCleanRun(VerifyingWorkload workload, EmulatedHost host, MultipathPath path)
    {
        WorkloadStatistics stats = workload.Statistics;
        IReadOnlyList<PathHistoryEntry> history = host.Failover.History;
        TestContext.Out.WriteLine($"{stats.Operations} I/Os, {stats.Reads} reads, {stats.Writes} writes, {stats.BlocksVerified} blocks verified");
        foreach (PathHistoryEntry entry in history)
        {
            TestContext.Out.WriteLine($"{entry.Time:HH:mm:ss.fff} {entry.Path} {entry.OldState} -> {entry.NewState} ({entry.Reason})");
        }

        Assert.Multiple(() =>
        {
            Assert.That(stats.Errors, Is.Zero, string.Join("\n", workload.Log.ToSnapshot().Select(e => e.Message)));
            Assert.That(stats.VerificationFailures, Is.Zero, string.Join("\n", workload.Log.ToSnapshot().Select(e => e.Message)));
            Assert.That(stats.Reads, Is.GreaterThan(0));
            Assert.That(stats.Writes, Is.GreaterThan(0));
            Assert.That(stats.BlocksVerified, Is.GreaterThan(0));
            Assert.That(host.Devices[0].ToSnapshot().PathSwitches, Is.GreaterThan(0), "I/Os caught on the failing path finished on the other one");
            Assert.That(history.Any(h => h.Path == path.Name && h.OldState == PathState.Active && h.NewState == PathState.Failed), Is.True, "failover in the history");
            Assert.That(history.Any(h => h.Path == path.Name && h.OldState == PathState.Failed && h.NewState == PathState.Active), Is.True, "failback in the history");
        });
    }
}
