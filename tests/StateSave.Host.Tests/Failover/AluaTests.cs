using StateSave.Host.Failover;
using StateSave.Host.Hosts;
using StateSave.Host.Tests.TestSupport;
using StateSave.Initiator.Scsi;

namespace StateSave.Host.Tests.Failover;

public sealed class AluaTests
{
    [Test]
    public async Task The_optimized_path_is_used_and_the_driver_follows_a_change_of_port_group_states()
    {
        await using DualPortalTarget target = await DualPortalTarget.StartAsync(alua: true);
        await using EmulatedHost host = TestHosts.TwoPaths("alua", target.PortalA, target.PortalB, DualPortalTarget.TargetName).Build();
        await host.StartAsync();
        MultipathDevice device = host.Devices[0];
        MultipathPath a = TestHosts.PathThrough(device, target.PortalA);
        MultipathPath b = TestHosts.PathThrough(device, target.PortalB);
        Assert.Multiple(() =>
        {
            Assert.That(device.AluaSupported, Is.True);
            Assert.That(a.AccessState, Is.EqualTo(AsymmetricAccessState.ActiveOptimized));
            Assert.That(a.Preferred, Is.True);
            Assert.That(a.TargetPortGroup, Is.EqualTo((ushort)1));
            Assert.That(b.AccessState, Is.EqualTo(AsymmetricAccessState.ActiveNonOptimized));
            Assert.That(b.TargetPortGroup, Is.EqualTo((ushort)2));
        });

        byte[] block = new byte[512];
        for (int i = 0; i < 50; i++)
        {
            await device.WriteAsync((ulong)i, block);
        }

        Assert.Multiple(() =>
        {
            Assert.That(a.ToSnapshot().Ios, Is.EqualTo(50));
            Assert.That(b.ToSnapshot().Ios, Is.Zero);
        });

        // The storage moves the LU: port group 1 to standby, group 2 to active/optimized (implicit transition, unit attention 2Ah/06h).
        target.Units[0].PortGroups.SetState(1, StateSave.Storage.PortGroups.AsymmetricAccessState.Standby);
        target.Units[0].PortGroups.SetState(2, StateSave.Storage.PortGroups.AsymmetricAccessState.ActiveOptimized);
        for (int i = 0; i < 50; i++)
        {
            await device.WriteAsync((ulong)i, block); // every write succeeds while the driver switches
        }

        await Wait.UntilAsync(() => a.AccessState == AsymmetricAccessState.Standby && b.AccessState == AsymmetricAccessState.ActiveOptimized,
            "ALUA states re-read after the transition");
        long aIos = a.ToSnapshot().Ios;
        long bIos = b.ToSnapshot().Ios;
        for (int i = 0; i < 50; i++)
        {
            await device.ReadAsync((ulong)i, block);
        }

        IReadOnlyList<PathHistoryEntry> history = host.Failover.History;
        Assert.Multiple(() =>
        {
            Assert.That(a.ToSnapshot().Ios, Is.EqualTo(aIos), "no I/O on the standby path");
            Assert.That(b.ToSnapshot().Ios, Is.GreaterThanOrEqualTo(bIos + 50));
            Assert.That(history.Any(h => h.Path == a.Name && h.NewAccessState == AsymmetricAccessState.Standby), Is.True);
            Assert.That(history.Any(h => h.Path == b.Name && h.OldAccessState == AsymmetricAccessState.ActiveNonOptimized
                && h.NewAccessState == AsymmetricAccessState.ActiveOptimized), Is.True);
            Assert.That(device.ToSnapshot().Errors, Is.Zero);
        });
    }

    [Test]
    public async Task When_every_port_is_standby_an_I_O_fails_after_the_no_path_timeout_and_says_why()
    {
        await using DualPortalTarget target = await DualPortalTarget.StartAsync(alua: true);
        await using EmulatedHost host = TestHosts.TwoPaths("standby", target.PortalA, target.PortalB, DualPortalTarget.TargetName,
            TestHosts.QuickFailover with { NoPathTimeout = TimeSpan.FromMilliseconds(500) }).Build();
        await host.StartAsync();
        target.Units[0].PortGroups.SetState(1, StateSave.Storage.PortGroups.AsymmetricAccessState.Standby);
        target.Units[0].PortGroups.SetState(2, StateSave.Storage.PortGroups.AsymmetricAccessState.Standby);

        MultipathIoException? error = Assert.ThrowsAsync<MultipathIoException>(async () => await host.Devices[0].WriteAsync(0, new byte[512]));
        Assert.That(error!.Message, Does.Contain("No path"));
    }
}
