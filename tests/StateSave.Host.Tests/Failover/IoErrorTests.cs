using StateSave.Host.Failover;
using StateSave.Host.Hba;
using StateSave.Host.Hosts;
using StateSave.Host.Tests.TestSupport;
using StateSave.Initiator.Commands;
using StateSave.Initiator.Scsi;
using StateSave.Scsi;

namespace StateSave.Host.Tests.Failover;

public sealed class IoErrorTests
{
    [Test]
    public async Task An_error_no_path_can_change_reaches_the_caller_and_no_path_fails()
    {
        await using DualPortalTarget target = await DualPortalTarget.StartAsync();
        await using EmulatedHost host = TestHosts.TwoPaths("errors", target.PortalA, target.PortalB, DualPortalTarget.TargetName).Build();
        await host.StartAsync();
        MultipathDevice device = host.Devices[0];

        MultipathIoException? error = Assert.ThrowsAsync<MultipathIoException>(async () => await device.WriteAsync(device.BlockCount, new byte[512]));
        byte[] cdb = new byte[16];
        CdbBuilder.Read16(cdb, device.BlockCount - 1, 2);
        ScsiCommandResponse raw = await device.ExecuteAsync(cdb, new byte[1024]);

        Assert.Multiple(() =>
        {
            Assert.That(error!.Response?.Sense?.SenseKey, Is.EqualTo(SenseKey.IllegalRequest));
            Assert.That(error.Response?.Sense?.AdditionalSenseCode, Is.EqualTo(AdditionalSenseCode.LogicalBlockAddressOutOfRange));
            Assert.That(raw.Status, Is.EqualTo(ScsiStatus.CheckCondition));
            Assert.That(raw.Sense?.AdditionalSenseCode, Is.EqualTo(AdditionalSenseCode.LogicalBlockAddressOutOfRange));
            Assert.That(device.Paths.All(p => p.State == PathState.Active), Is.True);
            Assert.That(device.ToSnapshot().Errors, Is.EqualTo(2));
            Assert.That(device.ToSnapshot().Retries, Is.Zero);
            Assert.That(host.Hba.RecentEvents.Count(e => e.Kind == HbaEventKind.Error), Is.EqualTo(2));
            Assert.That(host.Failover.History.All(h => h.Reason == "discovered"), Is.True);
        });
    }

    [Test]
    public async Task Buffers_must_hold_whole_blocks_and_commands_go_one_way()
    {
        await using DualPortalTarget target = await DualPortalTarget.StartAsync();
        await using EmulatedHost host = TestHosts.TwoPaths("args", target.PortalA, target.PortalB, DualPortalTarget.TargetName).Build();
        await host.StartAsync();
        MultipathDevice device = host.Devices[0];
        Assert.Multiple(() =>
        {
            Assert.ThrowsAsync<ArgumentException>(async () => await device.ReadAsync(0, new byte[100]));
            Assert.ThrowsAsync<ArgumentException>(async () => await device.WriteAsync(0, ReadOnlyMemory<byte>.Empty));
            Assert.ThrowsAsync<ArgumentException>(async () => await device.ExecuteAsync(new byte[16], new byte[512], new byte[512]));
            Assert.That(device.Paths.Sum(p => p.InFlight), Is.Zero);
        });
    }
}
