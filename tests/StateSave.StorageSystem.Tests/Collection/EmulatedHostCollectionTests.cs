using System.Net;
using StateSave.Host.Applications;
using StateSave.Host.Failover;
using StateSave.Host.Hba;
using StateSave.Host.Hosts;
using StateSave.StorageSystem.Collection;
using StateSave.StorageSystem.Packages;
using StateSave.StorageSystem.Systems;

namespace StateSave.StorageSystem.Tests.Collection;

/// <summary>
/// The signature feature with the emulated hosts: a drive fails while every host runs verifying I/O; the controller
/// collects each host's HBA, failover and application state in band and writes one package; no host sees an error.
/// </summary>
[NonParallelizable]
public class EmulatedHostCollectionTests
{
    private string _output = null!;

    [SetUp]
    public void SetUp() => _output = Directory.CreateTempSubdirectory("statesave-hosts-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_output, recursive: true);

    private static readonly FailoverOptions Failover = new()
    {
        ProbeInterval = TimeSpan.FromMilliseconds(500),
        RetryDelay = TimeSpan.FromMilliseconds(20),
        NoPathTimeout = TimeSpan.FromSeconds(60),
    };

    /// <summary>A host: one iSCSI name on every port (one session per portal), a verifying workload in its own region.</summary>
    private static EmulatedHost Host(string name, int index, bool capable, string targetName, params EndPoint[] portals)
    {
        var builder = new HostBuilder(name).WithFailover(Failover);
        for (int p = 0; p < portals.Length; p++)
        {
            builder.AddPort($"port{p}", $"iqn.2026-11.test:{name}", port => port with { InBandStateSave = capable, IsidQualifier = (ushort)(p + 1) })
                .ConnectTo($"port{p}", portals[p], targetName);
        }

        return builder.AddVerifyingWorkload(new VerifyingWorkloadOptions
        {
            Name = $"{name}-io", WorkloadId = (uint)(index + 1), RegionStart = (ulong)index * 4096, RegionBlocks = 4096, ReadPercent = 50, QueueDepth = 4,
        }).Build();
    }

    [Test]
    [CancelAfter(120_000)]
    public async Task A_failed_drive_is_collected_from_every_host_while_their_verifying_io_runs_without_error()
    {
        await using var storage = new EmulatedStorageSystem(new StorageSystemOptions
        {
            Collection = new StateSaveCollectorOptions { OutputDirectory = _output, Deadline = TimeSpan.FromSeconds(30) },
        });
        await storage.StartAsync();
        EndPoint a = storage.Portals[0].EndPoint;
        EndPoint b = storage.Portals[1].EndPoint;
        EmulatedHost[] hosts =
        [
            Host("multipath", 0, capable: true, storage.TargetName, a, b),
            Host("single", 1, capable: true, storage.TargetName, b),
            Host("stock", 2, capable: false, storage.TargetName, a),
        ];
        try
        {
            await Task.WhenAll(hosts.Select(h => h.StartAsync()));
            await Task.Delay(500); // I/O under way

            CollectionResult result = await storage.FailDriveAsync(5, "unrecoverable media errors");
            await Task.Delay(300); // I/O after the collection too
            await Task.WhenAll(hosts.Select(h => h.StopAsync()));

            StateSavePackage package = await StateSavePackageReader.OpenAsync(result.PackagePath);
            PackageHost multipath = package.Manifest!.Hosts.Single(h => h.InitiatorName == "iqn.2026-11.test:multipath");
            Assert.Multiple(() =>
            {
                Assert.That(package.Problems, Is.Empty);
                Assert.That(multipath.Outcome, Is.EqualTo(HostOutcome.Complete), multipath.Reason);
                Assert.That(multipath.Sessions, Has.Count.EqualTo(2));
                Assert.That(multipath.Entries.Select(e => e.Name[(e.Name.LastIndexOf('/') + 1)..]),
                    Is.EqualTo(new[] { "directory.bin", "10.bin", "11.bin", "12.bin", "13.bin" }), "manifest, HBA, failover, one application log");
                Assert.That(package.Manifest.Hosts.Single(h => h.InitiatorName == "iqn.2026-11.test:single").Outcome, Is.EqualTo(HostOutcome.Complete));
                Assert.That(package.Manifest.Hosts.Single(h => h.InitiatorName == "iqn.2026-11.test:stock").Outcome, Is.EqualTo(HostOutcome.NotCapable));
                Assert.That(hosts[0].Hba.ToSnapshot().RecentEvents.Count(e => e.Kind == HbaEventKind.StateSaveRequest && e.Detail.Contains("snapshot frozen", StringComparison.Ordinal)),
                    Is.EqualTo(1), "reached on two paths, frozen once");
            });
            foreach (EmulatedHost host in hosts)
            {
                WorkloadStatistics statistics = ((VerifyingWorkload)host.Applications[0]).Statistics;
                Assert.That((statistics.Errors, statistics.VerificationFailures), Is.EqualTo((0L, 0L)), host.Name);
                Assert.That(statistics.Operations, Is.GreaterThan(0), host.Name);
            }
        }
        finally
        {
            foreach (EmulatedHost host in hosts)
            {
                await host.DisposeAsync();
            }
        }
    }

    [Test]
    [CancelAfter(120_000)]
    public async Task A_host_makes_the_storage_save_its_state_now_and_asks_for_a_full_collection()
    {
        await using var storage = new EmulatedStorageSystem(new StorageSystemOptions
        {
            Collection = new StateSaveCollectorOptions { OutputDirectory = _output, Deadline = TimeSpan.FromSeconds(30) },
        });
        await storage.StartAsync();
        await using EmulatedHost host = Host("asking", 0, capable: true, storage.TargetName, storage.Portals[0].EndPoint, storage.Portals[1].EndPoint);
        await host.StartAsync();

        StorageStateSave saved = await host.Failover.SaveStorageStateAsync(host.Devices[0]);
        string state = System.Text.Encoding.UTF8.GetString(saved.Buffers[0x10]);
        ulong failureId = await host.Failover.RequestStorageCollectionAsync(host.Devices[0]);
        CollectionResult collection = await storage.LastRequestedCollection!;
        await host.StopAsync();

        StateSavePackage package = await StateSavePackageReader.OpenAsync(collection.PackagePath);
        IReadOnlyList<HbaEvent> events = host.Hba.ToSnapshot().RecentEvents;
        Assert.Multiple(() =>
        {
            Assert.That(state, Does.Contain("\"controllers\"").And.Contain("\"drives\""));
            Assert.That(events.Any(e => e.Detail.Contains("storage state save requested", StringComparison.Ordinal) && e.Time == saved.RequestedAt), Is.True,
                "the host's log is stamped with the same instant");
            Assert.That(collection.Manifest.Failure.Id, Is.EqualTo(failureId));
            Assert.That(collection.Manifest.Failure.Component, Is.EqualTo("host iqn.2026-11.test:asking"));
            Assert.That(package.IsValid, Is.True, string.Join("; ", package.Problems));
            Assert.That(collection.Manifest.Hosts.Single().Outcome, Is.EqualTo(HostOutcome.Complete));
        });
    }

    [Test]
    [CancelAfter(120_000)]
    public async Task A_failed_controller_port_moves_a_multipath_host_to_the_other_controller_without_an_error()
    {
        await using var storage = new EmulatedStorageSystem(new StorageSystemOptions
        {
            Collection = new StateSaveCollectorOptions { OutputDirectory = _output },
        });
        await storage.StartAsync();
        await using EmulatedHost host = Host("ported", 0, capable: true, storage.TargetName, storage.Portals[0].EndPoint, storage.Portals[1].EndPoint);
        await host.StartAsync();
        await Task.Delay(300);

        storage.SetControllerPortFailed(storage.Portals[0].PortalGroupTag, failed: true);
        await Task.Delay(1500); // I/O on controller B only
        storage.SetControllerPortFailed(storage.Portals[0].PortalGroupTag, failed: false);
        await Task.Delay(1500);
        await host.StopAsync();

        WorkloadStatistics statistics = ((VerifyingWorkload)host.Applications[0]).Statistics;
        Assert.Multiple(() =>
        {
            Assert.That((statistics.Errors, statistics.VerificationFailures), Is.EqualTo((0L, 0L)));
            Assert.That(host.Failover.History.Any(h => h.NewState != PathState.Active), Is.True, "the path through the failed port left service");
            Assert.That(storage.Controllers[0].EventLog.Snapshot().Select(l => l.Text), Has.Some.Contains("failed").And.Some.Contains("restored"));
        });
    }
}
