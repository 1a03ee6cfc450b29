using System.Net;
using StateSave.Host.Hba;
using StateSave.Host.Hosts;
using StateSave.Host.Tests.TestSupport;
using StateSave.Initiator.Configuration;
using StateSave.Initiator.Login;
using StateSave.Initiator.Sessions;
using StateSave.Iscsi.Negotiation;
using StateSave.Scsi;
using StateSave.Storage.BackingStores;
using StateSave.Storage.Devices;
using StateSave.Storage.LogicalUnits;
using StateSave.Target;
using StateSave.Target.Configuration;

namespace StateSave.Host.Tests.Hba;

public sealed class HbaDriverTests
{
    [Test]
    public async Task Discovery_finds_the_target_and_logs_in_with_digests_and_distinct_ISIDs()
    {
        await using DualPortalTarget target = await DualPortalTarget.StartAsync();
        await using EmulatedHost host = new HostBuilder("discover")
            .AddPort("port0", "iqn.2026-11.org.statesave:discover-0", p => p with { HeaderDigests = [DigestType.Crc32C], DataDigests = [DigestType.Crc32C] })
            .ConnectTo("port0", target.PortalA) // no target name: SendTargets
            .ConnectTo("port0", target.PortalB)
            .Build();
        await host.StartAsync();

        HbaSnapshot snapshot = host.Hba.ToSnapshot();
        Assert.Multiple(() =>
        {
            Assert.That(snapshot.Sessions.Select(s => s.TargetName), Is.EqualTo(new[] { DualPortalTarget.TargetName, DualPortalTarget.TargetName }));
            Assert.That(snapshot.Sessions.Select(s => s.Id), Is.EqualTo(new[] { "port0/s1", "port0/s2" }));
            Assert.That(snapshot.Sessions.Select(s => s.Isid).Distinct().Count(), Is.EqualTo(2), "one port, two sessions: two ISIDs");
            Assert.That(snapshot.Sessions.All(s => s.Parameters.HeaderDigest == DigestType.Crc32C && s.Parameters.DataDigest == DigestType.Crc32C), Is.True);
            Assert.That(snapshot.Ports.Single().Discoveries, Is.EqualTo(2));
            Assert.That(snapshot.RecentEvents.Count(e => e.Kind == HbaEventKind.Discovery), Is.EqualTo(2));
            Assert.That(host.Devices.Single().Paths, Has.Count.EqualTo(2));
        });
    }

    [Test]
    public async Task CHAP_logs_in_and_a_wrong_secret_is_a_login_failure_in_the_events()
    {
        var device = new ScsiTargetDevice();
        device.AddLogicalUnit(LogicalUnitNumber.Zero, new BlockLogicalUnit(new BlockLogicalUnitOptions { Store = new MemoryBlockStore(4096, 512) }));
        await using var server = new IscsiTargetServer(new IscsiTargetServerOptions
        {
            Portals = [new PortalOptions { EndPoint = new IPEndPoint(IPAddress.Loopback, 0) }],
            Targets = [new TargetOptions
            {
                Name = "iqn.2026-11.org.statesave:chap", DeviceServer = device,
                Chap = new ChapOptions { Username = "host", Secret = "0123456789ab", MutualUsername = "target", MutualSecret = "ba9876543210" },
            }],
            Limits = new SessionLimits { NopInInterval = TimeSpan.Zero },
        });
        await server.StartAsync();
        EndPoint portal = server.LocalEndPoints[0];
        await using var hba = new HbaDriver(new HbaDriverOptions
        {
            Ports =
            [
                new InitiatorPortOptions
                {
                    Name = "good", InitiatorName = "iqn.2026-11.org.statesave:chap-good",
                    Chap = new ChapCredentials { Username = "host", Secret = "0123456789ab", MutualUsername = "target", MutualSecret = "ba9876543210" },
                },
                new InitiatorPortOptions
                {
                    Name = "bad", InitiatorName = "iqn.2026-11.org.statesave:chap-bad",
                    Chap = new ChapCredentials { Username = "host", Secret = "wrong-secret" },
                },
            ],
        });

        HbaSession session = await hba.LoginAsync("good", portal, "iqn.2026-11.org.statesave:chap");
        Assert.ThrowsAsync<IscsiLoginException>(() => hba.LoginAsync("bad", portal, "iqn.2026-11.org.statesave:chap"));
        HbaSnapshot snapshot = hba.ToSnapshot();
        Assert.Multiple(() =>
        {
            Assert.That(session.State, Is.EqualTo(SessionState.LoggedIn));
            Assert.That(snapshot.Sessions.Single().Parameters.AuthMethod, Is.EqualTo("CHAP"));
            Assert.That(snapshot.Ports.Single(p => p.Name == "bad").LoginFailures, Is.EqualTo(1));
            Assert.That(snapshot.RecentEvents.Select(e => e.Kind), Is.EqualTo(new[] { HbaEventKind.Login, HbaEventKind.LoginFailed }));
        });
    }

    [Test]
    public void Ports_must_exist_and_have_unique_names()
    {
        var port = new InitiatorPortOptions { Name = "p", InitiatorName = "iqn.2026-11.org.statesave:p" };
        Assert.Multiple(() =>
        {
            Assert.Throws<ArgumentException>(() => _ = new HbaDriver(new HbaDriverOptions()));
            Assert.Throws<ArgumentException>(() => _ = new HbaDriver(new HbaDriverOptions { Ports = [port, port] }));
            Assert.That(() => new HbaDriver(new HbaDriverOptions { Ports = [port] }).GetPort("q"), Throws.ArgumentException.With.Message.Contains("'q'"));
        });
    }

    [Test]
    public async Task The_event_ring_is_bounded()
    {
        await using var hba = new HbaDriver(new HbaDriverOptions
        {
            Ports = [new InitiatorPortOptions { Name = "p", InitiatorName = "iqn.2026-11.org.statesave:p" }],
            EventCapacity = 4,
        });
        for (int i = 0; i < 10; i++)
        {
            hba.Record(HbaEventKind.Error, "p", null, $"event {i}");
        }

        HbaSnapshot snapshot = hba.ToSnapshot();
        Assert.Multiple(() =>
        {
            Assert.That(snapshot.RecentEvents.Select(e => e.Detail), Is.EqualTo(new[] { "event 6", "event 7", "event 8", "event 9" }));
            Assert.That(snapshot.EventsOverwritten, Is.EqualTo(6));
        });
    }
}
