using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using StateSave.Host.Applications;
using StateSave.Host.Failover;
using StateSave.Host.Hosts;
using StateSave.Host.Tests.TestSupport;
using StateSave.Initiator.Tests.Interop;

namespace StateSave.Host.Tests.Interop;

/// <summary>
/// The host against tgt (Debian package <c>tgt</c>): tgtd started by the fixture with a second portal, so the LU is
/// reachable through two portals; grouping, and failover with verification. Skipped when tgtd is missing unless
/// STATESAVE_REQUIRE_PEERS=1.
/// </summary>
[NonParallelizable]
public sealed class TgtFailoverTests
{
    private const string TargetName = "iqn.2026-11.org.statesave:host-tgt";

    [Test]
    public async Task Two_tgt_portals_group_into_one_device_and_a_cut_path_fails_over_and_back_with_verified_data()
    {
        using TgtTarget tgt = TgtTarget.StartOrIgnore(TargetName, lunBytes: 32L << 20);
        var second = new IPEndPoint(IPAddress.Loopback, FreePort());
        AddPortal(tgt, second);

        await using EmulatedHost host = TestHosts.TwoPaths("tgt-host", tgt.Portal, second, TargetName)
            .AddVerifyingWorkload(new VerifyingWorkloadOptions { Name = "tgt-mixed", ReadPercent = 50, BlockCounts = [1, 8, 32], QueueDepth = 8, RegionBlocks = 16384 })
            .Build();
        await host.StartAsync();
        Assert.That(host.Devices, Has.Count.EqualTo(1), "tgt's LUN 1 through both portals (its controller LUN 0 is not a disk)");
        MultipathDevice device = host.Devices[0];
        Assert.Multiple(() =>
        {
            Assert.That(device.Paths, Has.Count.EqualTo(2));
            Assert.That(device.Identity.Key, Does.StartWith("naa.").Or.StartWith("t10."));
            Assert.That(device.BlockCount * device.BlockLength, Is.EqualTo(32UL << 20));
        });

        var workload = (VerifyingWorkload)host.Applications[0];
        MultipathPath a = TestHosts.PathThrough(device, tgt.Portal);
        await Wait.UntilAsync(() => workload.Statistics.Operations > 300, "the workload running");
        a.HbaSession.Session.AbortConnection("test: cable pulled");
        await Wait.UntilAsync(() => host.Failover.History.Any(h => h.Path == a.Name && h.NewState == PathState.Failed), "the failover");
        await Wait.UntilAsync(() => a.State == PathState.Active, "the failback");
        long done = workload.Statistics.Operations;
        await Wait.UntilAsync(() => workload.Statistics.Operations > done + 200, "more I/O after the failback");
        await host.StopAsync();
        long failures = workload.Statistics.VerificationFailures;

        WorkloadStatistics stats = workload.Statistics;
        TestContext.Out.WriteLine($"{device.Identity} {device.Vendor} {device.Product}: {stats.Operations} I/Os, {stats.BlocksVerified} blocks verified");
        foreach (PathHistoryEntry entry in host.Failover.History)
        {
            TestContext.Out.WriteLine($"{entry.Time:HH:mm:ss.fff} {entry.Path} {entry.OldState} -> {entry.NewState} ({entry.Reason})");
        }

        Assert.Multiple(() =>
        {
            Assert.That(stats.Errors, Is.Zero, string.Join("\n", workload.Log.ToSnapshot().Select(e => e.Message)));
            Assert.That(failures, Is.Zero, string.Join("\n", workload.Log.ToSnapshot().Select(e => e.Message)));
            Assert.That(stats.BlocksVerified, Is.GreaterThan(0));
            Assert.That(host.Failover.History.Any(h => h.Path == a.Name && h.OldState == PathState.Failed && h.NewState == PathState.Active), Is.True);
        });
    }

    [Test]
    public async Task A_silently_hung_path_to_tgt_fails_over_and_back_with_verified_data()
    {
        using TgtTarget tgt = TgtTarget.StartOrIgnore(TargetName, lunBytes: 32L << 20);
        var second = new IPEndPoint(IPAddress.Loopback, FreePort());
        AddPortal(tgt, second);
        await using var proxy = new StallingProxy(tgt.Portal);

        await using EmulatedHost host = TestHosts.TwoPaths("tgt-hang", proxy.EndPoint, second, TargetName)
            .AddVerifyingWorkload(new VerifyingWorkloadOptions { Name = "tgt-hang", ReadPercent = 50, BlockCounts = [1, 8, 32], QueueDepth = 8, RegionBlocks = 16384 })
            .Build();
        await host.StartAsync();
        var workload = (VerifyingWorkload)host.Applications[0];
        MultipathPath a = TestHosts.PathThrough(host.Devices.Single(), proxy.EndPoint);
        await Wait.UntilAsync(() => workload.Statistics.Operations > 300, "the workload running");

        proxy.Stall();
        await Wait.UntilAsync(() => a.State == PathState.Failed, "the hung path detected");
        long during = workload.Statistics.Operations;
        await Wait.UntilAsync(() => workload.Statistics.Operations > during + 300, "I/O flowing on the other portal");
        proxy.Resume();
        await Wait.UntilAsync(() => a.State == PathState.Active, "the failback");
        long after = workload.Statistics.Operations;
        await Wait.UntilAsync(() => workload.Statistics.Operations > after + 200, "more I/O after the failback");
        await host.StopAsync();

        WorkloadStatistics stats = workload.Statistics;
        Assert.Multiple(() =>
        {
            Assert.That(stats.Errors, Is.Zero, string.Join("\n", workload.Log.ToSnapshot().Select(e => e.Message)));
            Assert.That(stats.VerificationFailures, Is.Zero, string.Join("\n", workload.Log.ToSnapshot().Select(e => e.Message)));
            Assert.That(stats.BlocksVerified, Is.GreaterThan(0));
            Assert.That(host.Failover.History.Any(h => h.Path == a.Name && h.OldState == PathState.Failed && h.NewState == PathState.Active), Is.True);
        });
    }

    private static void AddPortal(TgtTarget tgt, IPEndPoint portal)
    {
        var start = new ProcessStartInfo("tgtadm") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string argument in new[]
        {
            "--control-port", tgt.ControlPort.ToString(CultureInfo.InvariantCulture), "--lld", "iscsi", "--mode", "portal", "--op", "new",
            "--param", $"portal={portal.Address}:{portal.Port}",
        })
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start)!;
        string error = process.StandardError.ReadToEnd();
        Assert.That(process.WaitForExit(10_000) && process.ExitCode == 0, Is.True, "tgtadm portal new: " + error);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
