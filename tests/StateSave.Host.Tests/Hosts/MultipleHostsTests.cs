using StateSave.Host.Applications;
using StateSave.Host.Hosts;
using StateSave.Host.Tests.TestSupport;

namespace StateSave.Host.Tests.Hosts;

public sealed class MultipleHostsTests
{
    [Test]
    public async Task Several_hosts_in_one_process_do_verified_I_O_against_one_target_concurrently()
    {
        await using DualPortalTarget target = await DualPortalTarget.StartAsync();
        var hosts = new List<EmulatedHost>();
        for (int i = 0; i < 3; i++)
        {
            hosts.Add(TestHosts.TwoPaths($"host{i}", target.PortalA, target.PortalB, DualPortalTarget.TargetName)
                .AddVerifyingWorkload(new VerifyingWorkloadOptions
                {
                    Name = $"host{i}-workload",
                    WorkloadId = (uint)(i + 1),
                    RegionStart = (ulong)i * 8192,
                    RegionBlocks = 8192,
                    ReadPercent = 40,
                    QueueDepth = 4,
                    MaxOperations = 600,
                    Seed = i * 100,
                })
                .Build());
        }

        try
        {
            await Task.WhenAll(hosts.Select(h => h.StartAsync()));
            await Task.WhenAll(hosts.Select(h => h.WhenApplicationsCompleted()));
        }
        finally
        {
            await Task.WhenAll(hosts.Select(h => h.StopAsync()));
        }

        foreach (EmulatedHost host in hosts)
        {
            var workload = (VerifyingWorkload)host.Applications[0];
            WorkloadStatistics stats = workload.Statistics;
            Assert.Multiple(() =>
            {
                Assert.That(host.Devices, Has.Count.EqualTo(1), host.Name);
                Assert.That(host.Devices[0].Paths, Has.Count.EqualTo(2), host.Name);
                Assert.That(stats.Operations, Is.EqualTo(600), host.Name);
                Assert.That(stats.Errors, Is.Zero, host.Name);
                Assert.That(stats.VerificationFailures, Is.Zero, host.Name);
                Assert.That(stats.BlocksVerified, Is.GreaterThan(0), host.Name);
            });
        }

        Assert.That(hosts.Select(h => h.Devices[0].Identity).Distinct().Count(), Is.EqualTo(1), "every host sees the same LU");
    }

    [Test]
    public async Task A_host_snapshot_holds_HBA_failover_and_application_state()
    {
        await using DualPortalTarget target = await DualPortalTarget.StartAsync();
        await using EmulatedHost host = TestHosts.TwoPaths("snap", target.PortalA, target.PortalB, DualPortalTarget.TargetName)
            .AddVerifyingWorkload(new VerifyingWorkloadOptions { Name = "snap-workload", MaxOperations = 100, RegionBlocks = 4096 })
            .Build();
        await host.StartAsync();
        await host.WhenApplicationsCompleted();

        HostSnapshot snapshot = host.ToSnapshot();
        Assert.Multiple(() =>
        {
            Assert.That(snapshot.Name, Is.EqualTo("snap"));
            Assert.That(snapshot.InitiatorNames, Is.EquivalentTo(new[] { "iqn.2026-11.org.statesave:snap-port0", "iqn.2026-11.org.statesave:snap-port1" }));
            Assert.That(snapshot.Hba.Ports.Select(p => (p.Name, p.Logins, p.SessionsOpen)), Is.EquivalentTo(new[] { ("port0", 1L, 1), ("port1", 1L, 1) }));
            Assert.That(snapshot.Hba.Sessions, Has.Count.EqualTo(2));
            Assert.That(snapshot.Hba.Sessions.All(s => s.Tsih != 0 && s.Parameters.TargetName == DualPortalTarget.TargetName), Is.True);
            Assert.That(snapshot.Hba.Sessions.Sum(s => s.Statistics.BytesWritten + s.Statistics.BytesRead), Is.GreaterThan(0));
            Assert.That(snapshot.Hba.RecentEvents.Count(e => e.Kind == StateSave.Host.Hba.HbaEventKind.Login), Is.EqualTo(2));
            Assert.That(snapshot.Failover.Devices, Has.Count.EqualTo(1));
            Assert.That(snapshot.Failover.Devices[0].Ios, Is.EqualTo(100));
            Assert.That(snapshot.Failover.Devices[0].Paths.Sum(p => p.Ios), Is.GreaterThanOrEqualTo(100), "attempts, retries included");
            Assert.That(snapshot.Failover.History.Count(h => h.Reason == "discovered"), Is.EqualTo(2));
            Assert.That(snapshot.Applications.Single().Name, Is.EqualTo("snap-workload"));
            Assert.That(snapshot.Applications.Single().Statistics!.Operations, Is.EqualTo(100));
            Assert.That(snapshot.Applications.Single().Log.Select(e => e.Message), Has.Some.StartsWith("start on mpath0").And.Some.StartsWith("stop: 100 I/Os"));
        });

        // The state save of the next issue serializes snapshots as they are.
        string json = System.Text.Json.JsonSerializer.Serialize(snapshot);
        Assert.That(json, Does.Contain("\"Name\":\"snap\"").And.Contain("mpath0").And.Contain("snap-workload"));

        await host.StopAsync();
        Assert.That(host.ToSnapshot().Hba.Sessions, Is.Empty);
        Assert.That(host.Hba.RecentEvents.Count(e => e.Kind == StateSave.Host.Hba.HbaEventKind.Logout), Is.EqualTo(2));
    }
}
