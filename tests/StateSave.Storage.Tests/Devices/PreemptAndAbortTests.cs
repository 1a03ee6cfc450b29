using StateSave.Scsi;
using StateSave.Scsi.Server;
using StateSave.Storage.BackingStores;
using StateSave.Storage.Devices;
using StateSave.Storage.LogicalUnits;
using StateSave.Storage.Tests.Reservations;
using StateSave.Storage.Tests.TestSupport;
using SA = StateSave.Scsi.PersistentReserveOutServiceAction;

namespace StateSave.Storage.Tests.Devices;

/// <summary>PREEMPT AND ABORT reaches the transport's task aborter through the SCSI target device (SPC-5 §5.14.11.4.4).</summary>
public class PreemptAndAbortTests
{
    private sealed class RecordingAborter : ITaskAborter
    {
        public List<(LogicalUnitNumber Lun, Func<ITNexus, bool> Includes, ITNexus Requester, ulong ExceptTaskTag)> Calls { get; } = [];

        public void AbortTasks(LogicalUnitNumber lun, Func<ITNexus, bool> includes, ITNexus requester, ulong exceptTaskTag) =>
            Calls.Add((lun, includes, requester, exceptTaskTag));
    }

    private static async Task<ScsiCommandResult> OutAsync(ScsiTargetDevice device, LogicalUnitNumber lun, ITNexus nexus, SA action, byte type, ulong key, ulong serviceActionKey, ulong taskTag = 1)
    {
        var command = new FakeScsiCommand(Pr.OutCdb(action, type, 24), Pr.Basic(key, serviceActionKey), nexus: nexus, lun: lun) { TaskTag = taskTag };
        return await device.ExecuteAsync(command);
    }

    [Test]
    public async Task Preempt_and_abort_asks_the_attached_aborter_for_the_preempted_nexuses_on_that_logical_unit()
    {
        var lun = LogicalUnitNumber.FromSingleLevel(3);
        var device = new ScsiTargetDevice();
        device.AddLogicalUnit(lun, new BlockLogicalUnit(new BlockLogicalUnitOptions { Store = new MemoryBlockStore(64) }));
        var aborter = new RecordingAborter();
        ((IScsiDeviceServer)device).AttachTaskAborter(aborter);
        device.OnNexusEstablished(Nexuses.A);
        device.OnNexusEstablished(Nexuses.B);
        foreach (ITNexus nexus in new[] { Nexuses.A, Nexuses.B })
        {
            await device.ExecuteAsync(new FakeScsiCommand(TestUnit.Pad([0x00, 0, 0, 0, 0, 0]), nexus: nexus, lun: lun));
        }

        await OutAsync(device, lun, Nexuses.A, SA.Register, 0, 0, 0xa1);
        await OutAsync(device, lun, Nexuses.B, SA.Register, 0, 0, 0xb2);
        await OutAsync(device, lun, Nexuses.A, SA.Reserve, 0x01, 0xa1, 0);
        ScsiCommandResult preempt = await OutAsync(device, lun, Nexuses.B, SA.PreemptAndAbort, 0x01, 0xb2, 0xa1, taskTag: 42);

        Assert.That(preempt, Is.EqualTo(ScsiCommandResult.Good));
        Assert.That(aborter.Calls, Has.Count.EqualTo(1));
        var call = aborter.Calls[0];
        Assert.Multiple(() =>
        {
            Assert.That(call.Lun, Is.EqualTo(lun));
            Assert.That(call.Requester, Is.EqualTo(Nexuses.B));
            Assert.That(call.ExceptTaskTag, Is.EqualTo(42));
            Assert.That(call.Includes(Nexuses.A), Is.True);
            Assert.That(call.Includes(Nexuses.B), Is.False);
        });
    }
}
