using StateSave.Scsi;
using StateSave.Scsi.Server;
using StateSave.Storage.BackingStores;
using StateSave.Storage.Devices;
using StateSave.Storage.LogicalUnits;
using StateSave.Storage.Tests.TestSupport;

namespace StateSave.Storage.Tests.Devices;

public sealed class ScsiTargetDeviceTests
{
    private static ScsiTargetDevice Device(params int[] luns)
    {
        var device = new ScsiTargetDevice();
        foreach (int lun in luns)
        {
            device.AddLogicalUnit(LogicalUnitNumber.FromSingleLevel(lun), new BlockLogicalUnit(new BlockLogicalUnitOptions { Store = new MemoryBlockStore(64) }));
        }

        return device;
    }

    private static async Task<(ScsiCommandResult, FakeScsiCommand)> Run(ScsiTargetDevice device, byte[] cdb, int lun, ITNexus? nexus = null, byte[]? dataOut = null)
    {
        var command = new FakeScsiCommand(TestUnit.Pad(cdb), dataOut, nexus: nexus, lun: LogicalUnitNumber.FromSingleLevel(lun));
        return (await device.ExecuteAsync(command), command);
    }

    [Test]
    public async Task Absent_lun_inquiry_answers_qualifier_011b_type_1Fh_and_other_commands_LOGICAL_UNIT_NOT_SUPPORTED()
    {
        ScsiTargetDevice device = Device(0);
        var (inquiry, data) = await Run(device, [0x12, 0, 0, 0, 36, 0], 5);
        var (tur, _) = await Run(device, [0x00, 0, 0, 0, 0, 0], 5);
        Assert.Multiple(() =>
        {
            Assert.That(inquiry.Status, Is.EqualTo(ScsiStatus.Good));
            Assert.That(data.DataIn[0], Is.EqualTo(0x7f));
            Assert.That(TestUnit.Encode(tur.Sense), Is.EqualTo(TestUnit.Fixed(0x05, 0x25, 0x00)));
            Assert.That(device.IsAccessible(LogicalUnitNumber.FromSingleLevel(5), FakeScsiCommand.DefaultNexus), Is.False);
        });
    }

    [Test]
    public async Task Report_luns_lists_the_units_and_the_well_known_lun_on_request()
    {
        ScsiTargetDevice device = Device(0, 3);
        var (_, all) = await Run(device, [0xa0, 0, 0x00, 0, 0, 0, 0, 0, 1, 0, 0, 0], 7);
        var (_, wellKnown) = await Run(device, [0xa0, 0, 0x01, 0, 0, 0, 0, 0, 1, 0, 0, 0], 0);
        var (badSelect, _) = await Run(device, [0xa0, 0, 0x03, 0, 0, 0, 0, 0, 1, 0, 0, 0], 0);
        Assert.Multiple(() =>
        {
            Assert.That(all.DataIn, Is.EqualTo(new byte[] { 0, 0, 0, 16, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0 }));
            Assert.That(wellKnown.DataIn, Is.EqualTo(new byte[] { 0, 0, 0, 8, 0, 0, 0, 0, 0xc1, 0x01, 0, 0, 0, 0, 0, 0 }));
            Assert.That(TestUnit.Encode(badSelect.Sense), Is.EqualTo(TestUnit.Fixed(0x05, 0x24, 0x00, 0xc0, 0x00, 0x02)));
        });
    }

    [Test]
    public async Task Report_luns_allocation_length_truncates_and_keeps_the_full_list_length()
    {
        ScsiTargetDevice device = Device(0, 1);
        var (_, command) = await Run(device, [0xa0, 0, 0, 0, 0, 0, 0, 0, 0, 12, 0, 0], 0);
        Assert.That(command.DataIn, Is.EqualTo(new byte[] { 0, 0, 0, 16, 0, 0, 0, 0, 0, 0, 0, 0 }));
    }

    [Test]
    public async Task Masked_lun_is_invisible_to_that_initiator_only()
    {
        ScsiTargetDevice device = Device(0, 1);
        ITNexus masked = TestUnit.Nexus("iqn.2026-11.test:masked");
        device.SetLunMask("iqn.2026-11.test:masked", [LogicalUnitNumber.FromSingleLevel(1)]);
        var (_, list) = await Run(device, [0xa0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0], 0, masked);
        var (_, hidden) = await Run(device, [0x12, 0, 0, 0, 36, 0], 0, masked);
        Assert.Multiple(() =>
        {
            Assert.That(list.DataIn, Is.EqualTo(new byte[] { 0, 0, 0, 8, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0 }));
            Assert.That(hidden.DataIn[0], Is.EqualTo(0x7f));
            Assert.That(device.IsAccessible(LogicalUnitNumber.FromSingleLevel(0), masked), Is.False);
            Assert.That(device.IsAccessible(LogicalUnitNumber.FromSingleLevel(0), FakeScsiCommand.DefaultNexus), Is.True);
        });
    }

    [Test]
    public async Task Adding_a_unit_tells_the_others_REPORTED_LUNS_DATA_HAS_CHANGED()
    {
        ScsiTargetDevice device = Device(0);
        await Run(device, [0x00, 0, 0, 0, 0, 0], 0); // power on
        device.AddLogicalUnit(LogicalUnitNumber.FromSingleLevel(1), new BlockLogicalUnit(new BlockLogicalUnitOptions { Store = new MemoryBlockStore(8) }));
        var (result, _) = await Run(device, [0x00, 0, 0, 0, 0, 0], 0);
        Assert.That(TestUnit.Encode(result.Sense), Is.EqualTo(TestUnit.Fixed(0x06, 0x3f, 0x0e)));
    }

    [Test]
    public async Task Vendor_command_reaches_its_handler_after_the_unit_attention()
    {
        ScsiTargetDevice device = Device(0);
        var handler = new EchoHandler();
        device.RegisterVendorCommand(0xc1, handler);
        var (attention, _) = await Run(device, [0xc1, 0, 0, 0, 0, 0], 0);
        var (result, command) = await Run(device, [0xc1, 0, 0, 0, 0, 0], 0);
        Assert.Multiple(() =>
        {
            Assert.That(attention.Sense!.Value.SenseKey, Is.EqualTo(SenseKey.UnitAttention));
            Assert.That(result.Status, Is.EqualTo(ScsiStatus.Good));
            Assert.That(command.DataIn, Is.EqualTo(new byte[] { 0xc1 }));
        });
        Assert.Throws<ArgumentOutOfRangeException>(() => device.RegisterVendorCommand(0x20, handler));
    }

    private sealed class EchoHandler : IVendorCommandHandler
    {
        public async ValueTask<ScsiCommandResult> ExecuteAsync(IScsiCommand command, CancellationToken cancellationToken)
        {
            await command.SendDataInAsync(command.Cdb[..1], cancellationToken);
            return ScsiCommandResult.Good;
        }
    }

    [Test]
    public async Task Absent_lun_request_sense_returns_LOGICAL_UNIT_NOT_SUPPORTED_as_data_and_evpd_gets_an_empty_page()
    {
        ScsiTargetDevice device = Device(0);
        var (sense, senseData) = await Run(device, [0x03, 0, 0, 0, 255, 0], 9);
        var (evpd, page) = await Run(device, [0x12, 0x01, 0x80, 0, 255, 0], 9);
        Assert.Multiple(() =>
        {
            Assert.That(sense.Status, Is.EqualTo(ScsiStatus.Good));
            Assert.That(senseData.DataIn, Is.EqualTo(TestUnit.Fixed(0x05, 0x25, 0x00)));
            Assert.That(evpd.Status, Is.EqualTo(ScsiStatus.Good));
            Assert.That(page.DataIn, Is.EqualTo(new byte[] { 0x7f, 0x80, 0, 0 }));
        });
    }

    [Test]
    public async Task Report_luns_clears_REPORTED_LUNS_DATA_HAS_CHANGED()
    {
        ScsiTargetDevice device = Device(0);
        await Run(device, [0x00, 0, 0, 0, 0, 0], 0);
        device.AddLogicalUnit(LogicalUnitNumber.FromSingleLevel(1), new BlockLogicalUnit(new BlockLogicalUnitOptions { Store = new MemoryBlockStore(8) }));
        await Run(device, [0xa0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0], 0);
        var (result, _) = await Run(device, [0x00, 0, 0, 0, 0, 0], 0);
        Assert.That(result.Status, Is.EqualTo(ScsiStatus.Good));
    }
}
