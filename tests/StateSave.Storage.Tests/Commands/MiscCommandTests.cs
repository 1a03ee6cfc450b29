using StateSave.Scsi;
using StateSave.Scsi.Server;
using StateSave.Storage.BackingStores;
using StateSave.Storage.Devices;
using StateSave.Storage.LogicalUnits;
using StateSave.Storage.Tests.TestSupport;

namespace StateSave.Storage.Tests.Commands;

public sealed class MiscCommandTests
{
    [Test]
    public async Task Report_supported_task_management_functions()
    {
        var unit = new TestUnit();
        var (_, basic) = await unit.Run([0xa3, 0x0d, 0, 0, 0, 0, 0, 0, 0, 255, 0, 0]);
        var (_, extended) = await unit.Run([0xa3, 0x0d, 0x80, 0, 0, 0, 0, 0, 0, 255, 0, 0]);
        Assert.That(basic.DataIn, Is.EqualTo(new byte[] { 0xda, 0, 0, 0 }));
        Assert.That(extended.DataIn, Is.EqualTo(new byte[] { 0xda, 0, 0, 0x0c, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }));
    }

    [Test]
    public async Task Read_defect_data_returns_empty_lists_in_the_requested_format()
    {
        var unit = new TestUnit();
        var (_, ten) = await unit.Run([0x37, 0, 0x1d, 0, 0, 0, 0, 0, 255, 0]);
        var (_, twelve) = await unit.Run([0xb7, 0x0d, 0, 0, 0, 0, 0, 0, 0, 255, 0, 0]);
        Assert.That(ten.DataIn, Is.EqualTo(new byte[] { 0, 0x0d, 0, 0 }));
        Assert.That(twelve.DataIn, Is.EqualTo(new byte[] { 0, 0x05, 0, 0, 0, 0, 0, 0 }), "REQ_GLIST only: GLISTV");
    }

    [Test]
    public async Task Write_atomic_writes_and_checks_its_limits()
    {
        var unit = new TestUnit();
        byte[] cdb = [0x9c, 0, 0, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0, 2, 0, 0];
        var (result, _) = await unit.Run(cdb, [.. Enumerable.Repeat((byte)0x66, 1024)]);
        var (_, read) = await unit.Run([0x28, 0, 0, 0, 0, 4, 0, 0, 2, 0]);
        var (boundary, _) = await unit.Run([0x9c, 0, 0, 0, 0, 0, 0, 0, 0, 4, 0, 1, 0, 2, 0, 0], new byte[1024]);
        var (tooLong, _) = await unit.Run([0x9c, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x01, 0, 0], new byte[257 * 512]);
        var (beyond, _) = await unit.Run([0x9c, 0, 0, 0, 0, 0, 0, 0, 0x03, 0xff, 0, 0, 0, 2, 0, 0], new byte[1024]);
        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(ScsiStatus.Good));
            Assert.That(read.DataIn, Is.All.EqualTo(0x66));
            Assert.That(TestUnit.Encode(boundary.Sense), Is.EqualTo(TestUnit.Fixed(0x05, 0x24, 0x00, 0xc0, 0x00, 0x0a)));
            Assert.That(TestUnit.Encode(tooLong.Sense), Is.EqualTo(TestUnit.Fixed(0x05, 0x24, 0x00, 0xc0, 0x00, 0x0c)));
            Assert.That(TestUnit.Encode(beyond.Sense), Is.EqualTo(TestUnit.Fixed(0x05, 0x21, 0x00)));
        });
    }

    [Test]
    public async Task Prefetch_and_synchronize_cache_are_good_in_range()
    {
        var unit = new TestUnit();
        var (prefetch, _) = await unit.Run([0x90, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 8, 3, 0]);
        var (sync, _) = await unit.Run([0x35, 0x02, 0, 0, 0, 0, 0, 0, 0, 0]);
        var (syncBeyond, _) = await unit.Run([0x91, 0, 0, 0, 0, 0, 0, 0, 0x04, 0x01, 0, 0, 0, 0, 0, 0]);
        Assert.Multiple(() =>
        {
            Assert.That(prefetch.Status, Is.EqualTo(ScsiStatus.Good));
            Assert.That(sync.Status, Is.EqualTo(ScsiStatus.Good));
            Assert.That(TestUnit.Encode(syncBeyond.Sense), Is.EqualTo(TestUnit.Fixed(0x05, 0x21, 0x00)));
        });
    }

    [Test]
    public async Task Prevent_allow_obsolete_values_are_INVALID_FIELD_IN_CDB()
    {
        var unit = new TestUnit();
        var (prevent, _) = await unit.Run([0x1e, 0, 0, 0, 0x01, 0]);
        var (obsolete, _) = await unit.Run([0x1e, 0, 0, 0, 0x02, 0]);
        Assert.That(prevent.Status, Is.EqualTo(ScsiStatus.Good));
        Assert.That(TestUnit.Encode(obsolete.Sense), Is.EqualTo(TestUnit.Fixed(0x05, 0x24, 0x00, 0xc9, 0x00, 0x04)));
    }

    [Test]
    public async Task Stop_is_acknowledged_and_the_unit_stays_ready_by_default()
    {
        var unit = new TestUnit();
        var (stop, _) = await unit.Run([0x1b, 0, 0, 0, 0x00, 0]);
        var (ready, _) = await unit.Run([0x00, 0, 0, 0, 0, 0]);
        Assert.That(stop.Status, Is.EqualTo(ScsiStatus.Good));
        Assert.That(ready.Status, Is.EqualTo(ScsiStatus.Good));
    }

    [Test]
    public async Task Removable_unit_refuses_eject_while_prevented_and_reports_no_medium_after_eject()
    {
        var unit = new TestUnit(store => new BlockLogicalUnitOptions { Store = store, Removable = true });
        await unit.Run([0x1e, 0, 0, 0, 0x01, 0]);
        var (refused, _) = await unit.Run([0x1b, 0, 0, 0, 0x02, 0]);
        await unit.Run([0x1e, 0, 0, 0, 0x00, 0]);
        var (ejected, _) = await unit.Run([0x1b, 0, 0, 0, 0x02, 0]);
        var (noMedium, _) = await unit.Run([0x00, 0, 0, 0, 0, 0]);
        await unit.Run([0x1e, 0, 0, 0, 0x01, 0]);
        var (loadRefused, _) = await unit.Run([0x1b, 0, 0, 0, 0x03, 0]);
        await unit.Run([0x1e, 0, 0, 0, 0x00, 0]);
        await unit.Run([0x1b, 0, 0, 0, 0x03, 0]);
        var (loaded, _) = await unit.Run([0x00, 0, 0, 0, 0, 0]);
        Assert.Multiple(() =>
        {
            Assert.That(TestUnit.Encode(refused.Sense), Is.EqualTo(TestUnit.Fixed(0x05, 0x53, 0x02)));
            Assert.That(ejected.Status, Is.EqualTo(ScsiStatus.Good));
            Assert.That(TestUnit.Encode(noMedium.Sense), Is.EqualTo(TestUnit.Fixed(0x02, 0x3a, 0x02)));
            Assert.That(TestUnit.Encode(loadRefused.Sense), Is.EqualTo(TestUnit.Fixed(0x05, 0x53, 0x02)));
            Assert.That(loaded.Status, Is.EqualTo(ScsiStatus.Good));
        });
    }

    [Test]
    public async Task Request_sense_without_a_condition_is_NO_SENSE_in_the_format_desc_asks_for()
    {
        var unit = new TestUnit();
        var (_, fixedFormat) = await unit.Run([0x03, 0, 0, 0, 255, 0]);
        var (_, descriptor) = await unit.Run([0x03, 0x01, 0, 0, 255, 0]);
        var (_, truncated) = await unit.Run([0x03, 0, 0, 0, 2, 0]);
        Assert.Multiple(() =>
        {
            Assert.That(fixedFormat.DataIn, Is.EqualTo(TestUnit.Fixed(0x00, 0x00, 0x00)));
            Assert.That(descriptor.DataIn, Is.EqualTo(new byte[] { 0x72, 0, 0, 0, 0, 0, 0, 0 }));
            Assert.That(truncated.DataIn, Is.EqualTo(new byte[] { 0x70, 0 }));
        });
    }

    [Test]
    public async Task Target_reset_fans_out_to_every_unit()
    {
        var device = new ScsiTargetDevice();
        var first = new BlockLogicalUnit(new BlockLogicalUnitOptions { Store = new MemoryBlockStore(8) });
        var second = new BlockLogicalUnit(new BlockLogicalUnitOptions { Store = new MemoryBlockStore(8) });
        device.AddLogicalUnit(LogicalUnitNumber.FromSingleLevel(0), first);
        device.AddLogicalUnit(LogicalUnitNumber.FromSingleLevel(1), second);
        device.OnNexusEstablished(FakeScsiCommand.DefaultNexus);
        await device.ResetTargetAsync(FakeScsiCommand.DefaultNexus, cold: false);
        var results = new List<ScsiCommandResult>();
        foreach (int lun in new[] { 0, 1 })
        {
            var command = new FakeScsiCommand(TestUnit.Pad([0x00, 0, 0, 0, 0, 0]), lun: LogicalUnitNumber.FromSingleLevel(lun));
            results.Add(await device.ExecuteAsync(command));
        }

        Assert.That(results.Select(r => r.Sense!.Value.AdditionalSenseCode), Is.All.EqualTo(AdditionalSenseCode.ScsiBusResetOccurred));
    }

    [Test]
    public async Task Aborted_command_ends_with_TASK_ABORTED()
    {
        var unit = new TestUnit();
        using var abort = new CancellationTokenSource();
        abort.Cancel();
        var command = new FakeScsiCommand(TestUnit.Pad([0x2a, 0, 0, 0, 0, 0, 0, 0, 1, 0]), new byte[512]) { Aborted = abort.Token };
        ScsiCommandResult result = await unit.Unit.ExecuteAsync(command, null);
        Assert.That(result.Status, Is.EqualTo(ScsiStatus.TaskAborted));
    }
}
