using StateSave.Host.Failover;
using StateSave.Host.Hosts;
using StateSave.Host.Tests.TestSupport;
using StateSave.Initiator.Scsi;

namespace StateSave.Host.Tests.Failover;

public sealed class PathGroupingTests
{
    [Test]
    public async Task Two_portals_to_one_LU_make_one_device_with_two_paths()
    {
        await using DualPortalTarget target = await DualPortalTarget.StartAsync();
        await using EmulatedHost host = TestHosts.TwoPaths("grouping", target.PortalA, target.PortalB, DualPortalTarget.TargetName).Build();
        await host.StartAsync();

        Assert.That(host.Devices, Has.Count.EqualTo(1));
        MultipathDevice device = host.Devices[0];
        Assert.Multiple(() =>
        {
            Assert.That(device.Identity.Key, Is.EqualTo("naa.60014050000001000000000000000001"));
            Assert.That(device.Paths, Has.Count.EqualTo(2));
            Assert.That(device.Paths.Select(p => p.RelativeTargetPort), Is.EquivalentTo(new ushort?[] { 1, 2 }));
            Assert.That(device.Paths.Select(p => p.HbaSession.Port.Name), Is.EquivalentTo(new[] { "port0", "port1" }));
            Assert.That(device.Paths.All(p => p.State == PathState.Active && p.AccessState == AsymmetricAccessState.ActiveOptimized), Is.True);
            Assert.That(device.BlockLength, Is.EqualTo(512u));
            Assert.That(device.BlockCount, Is.EqualTo(32768UL));
            Assert.That(device.Vendor, Is.EqualTo("STATESAV"));
        });
    }

    [Test]
    public async Task Two_LUs_make_two_devices_each_with_both_paths()
    {
        await using DualPortalTarget target = await DualPortalTarget.StartAsync(logicalUnits: 2);
        await using EmulatedHost host = TestHosts.TwoPaths("two-lus", target.PortalA, target.PortalB, DualPortalTarget.TargetName).Build();
        await host.StartAsync();

        Assert.That(host.Devices, Has.Count.EqualTo(2));
        Assert.Multiple(() =>
        {
            Assert.That(host.Devices.Select(d => d.Identity).Distinct().Count(), Is.EqualTo(2));
            Assert.That(host.Devices.All(d => d.Paths.Count == 2), Is.True);
            Assert.That(host.Devices.Select(d => d.Paths.Select(p => p.Lun.Value).Distinct().Single()), Is.EquivalentTo(new[] { 0UL, StateSave.Scsi.LogicalUnitNumber.FromSingleLevel(1).Value }));
            Assert.That(host.Failover.FindDevice("mpath1"), Is.SameAs(host.Devices[1]));
            Assert.That(host.Failover.FindDevice(host.Devices[0].Identity.Key), Is.SameAs(host.Devices[0]));
        });
    }

    [TestCase(PathSelectionPolicy.RoundRobin)]
    [TestCase(PathSelectionPolicy.LeastQueueDepth)]
    public async Task Without_ALUA_I_O_is_spread_over_both_paths(PathSelectionPolicy policy)
    {
        await using DualPortalTarget target = await DualPortalTarget.StartAsync();
        await using EmulatedHost host = TestHosts.TwoPaths("spread", target.PortalA, target.PortalB, DualPortalTarget.TargetName,
            TestHosts.QuickFailover with { Policy = policy }).Build();
        await host.StartAsync();
        MultipathDevice device = host.Devices[0];

        byte[][] buffers = [.. Enumerable.Range(0, 16).Select(_ => new byte[4096])];
        for (int round = 0; round < 8; round++)
        {
            await Task.WhenAll(buffers.Select((b, i) => device.WriteAsync((ulong)(i * 8), b).AsTask()));
        }

        Assert.That(device.ToSnapshot().Paths.Select(p => p.Ios), Has.All.GreaterThan(0));
    }

    [Test]
    public async Task A_path_logged_in_after_start_joins_its_device()
    {
        await using DualPortalTarget target = await DualPortalTarget.StartAsync();
        await using EmulatedHost host = new HostBuilder("late")
            .AddPort("port0", "iqn.2026-11.org.statesave:late-0", TestHosts.QuickDetection)
            .AddPort("port1", "iqn.2026-11.org.statesave:late-1", TestHosts.QuickDetection)
            .ConnectTo("port0", target.PortalA, DualPortalTarget.TargetName)
            .WithFailover(TestHosts.QuickFailover)
            .Build();
        await host.StartAsync();
        Assert.That(host.Devices.Single().Paths, Has.Count.EqualTo(1));

        await host.Hba.LoginAsync("port1", target.PortalB, DualPortalTarget.TargetName);
        await Wait.UntilAsync(() => host.Devices.Single().Paths.Count == 2, "the new path in the device");
        MultipathPath added = TestHosts.PathThrough(host.Devices[0], target.PortalB);
        await Wait.UntilAsync(() => added.AccessState == AsymmetricAccessState.ActiveOptimized, "its ALUA state read");
        Assert.That(added.State, Is.EqualTo(PathState.Active));
    }
}
