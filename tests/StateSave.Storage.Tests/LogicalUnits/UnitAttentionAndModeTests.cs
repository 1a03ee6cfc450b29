using StateSave.Scsi;
using StateSave.Scsi.Server;
using StateSave.Storage.BackingStores;
using StateSave.Storage.LogicalUnits;
using StateSave.Storage.Tests.TestSupport;

namespace StateSave.Storage.Tests.LogicalUnits;

public sealed class UnitAttentionAndModeTests
{
    private static readonly ITNexus Other = TestUnit.Nexus("iqn.2026-11.test:other");

    [Test]
    public async Task First_command_of_a_new_nexus_gets_POWER_ON_RESET_but_INQUIRY_does_not_take_it()
    {
        var unit = new TestUnit();
        var (inquiry, _) = await unit.Run([0x12, 0, 0, 0, 36, 0], nexus: Other);
        var (first, _) = await unit.Run([0x00, 0, 0, 0, 0, 0], nexus: Other);
        var (second, _) = await unit.Run([0x00, 0, 0, 0, 0, 0], nexus: Other);
        Assert.Multiple(() =>
        {
            Assert.That(inquiry.Status, Is.EqualTo(ScsiStatus.Good));
            Assert.That(TestUnit.Encode(first.Sense), Is.EqualTo(TestUnit.Fixed(0x06, 0x29, 0x00)));
            Assert.That(second.Status, Is.EqualTo(ScsiStatus.Good));
        });
    }

    [Test]
    public async Task Request_sense_returns_a_pending_unit_attention_as_data_and_clears_it()
    {
        var unit = new TestUnit();
        var (result, command) = await unit.Run([0x03, 0, 0, 0, 252, 0], nexus: Other);
        var (next, _) = await unit.Run([0x00, 0, 0, 0, 0, 0], nexus: Other);
        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(ScsiStatus.Good));
            Assert.That(command.DataIn, Is.EqualTo(TestUnit.Fixed(0x06, 0x29, 0x00)));
            Assert.That(next.Status, Is.EqualTo(ScsiStatus.Good));
        });
    }

    [Test]
    public async Task Logical_unit_reset_establishes_BUS_DEVICE_RESET_FUNCTION_OCCURRED()
    {
        var unit = new TestUnit();
        await unit.Unit.ResetAsync(FakeScsiCommand.DefaultNexus);
        var (result, _) = await unit.Run([0x00, 0, 0, 0, 0, 0]);
        Assert.That(TestUnit.Encode(result.Sense), Is.EqualTo(TestUnit.Fixed(0x06, 0x29, 0x03)));
    }

    [Test]
    public async Task Nexus_loss_is_reported_when_the_nexus_returns()
    {
        var unit = new TestUnit();
        unit.Unit.OnNexusLost(FakeScsiCommand.DefaultNexus);
        var (result, _) = await unit.Run([0x00, 0, 0, 0, 0, 0]);
        Assert.That(TestUnit.Encode(result.Sense), Is.EqualTo(TestUnit.Fixed(0x06, 0x29, 0x07)));
    }

    [Test]
    public async Task Mode_sense_6_all_pages_is_truncated_at_the_allocation_length_with_the_full_mode_data_length()
    {
        var unit = new TestUnit();
        var (full, all) = await unit.Run([0x1a, 0, 0x3f, 0, 255, 0]);
        var (_, truncated) = await unit.Run([0x1a, 0, 0x3f, 0, 4, 0]);
        Assert.Multiple(() =>
        {
            Assert.That(full.Status, Is.EqualTo(ScsiStatus.Good));
            // Header 4 + block descriptor 8 + pages 12 + 20 + 12 + 12.
            Assert.That(all.DataIn, Has.Length.EqualTo(68));
            Assert.That(all.DataIn[..4], Is.EqualTo(new byte[] { 67, 0, 0x10, 8 }));
            Assert.That(truncated.DataIn, Is.EqualTo(all.DataIn[..4]));
        });
    }

    [Test]
    public async Task Mode_sense_saved_values_are_SAVING_PARAMETERS_NOT_SUPPORTED()
    {
        var unit = new TestUnit();
        var (result, _) = await unit.Run([0x1a, 0, 0xca, 0, 255, 0]);
        Assert.That(TestUnit.Encode(result.Sense), Is.EqualTo(TestUnit.Fixed(0x05, 0x39, 0x00)));
    }

    [Test]
    public async Task Mode_sense_unknown_page_is_INVALID_FIELD_IN_CDB()
    {
        var unit = new TestUnit();
        var (result, _) = await unit.Run([0x1a, 0, 0x19, 0, 255, 0]);
        Assert.That(TestUnit.Encode(result.Sense), Is.EqualTo(TestUnit.Fixed(0x05, 0x24, 0x00, 0xcd, 0x00, 0x02)));
    }

    [Test]
    public async Task Setting_swp_write_protects_and_tells_the_other_nexuses()
    {
        var unit = new TestUnit();
        await unit.Run([0x00, 0, 0, 0, 0, 0], nexus: Other); // take the other nexus's power-on condition
        byte[] select = [0, 0, 0, 0, 0x0a, 0x0a, 0x00, 0x10, 0x08, 0x40, 0, 0, 0xff, 0xff, 0, 0];
        var (selected, _) = await unit.Run([0x15, 0x10, 0, 0, (byte)select.Length, 0], select);
        var (write, _) = await unit.Run([0x2a, 0, 0, 0, 0, 0, 0, 0, 1, 0], new byte[512]);
        var (otherFirst, _) = await unit.Run([0x00, 0, 0, 0, 0, 0], nexus: Other);
        var (_, sense) = await unit.Run([0x1a, 0x08, 0x0a, 0, 255, 0]);
        Assert.Multiple(() =>
        {
            Assert.That(selected.Status, Is.EqualTo(ScsiStatus.Good));
            Assert.That(TestUnit.Encode(write.Sense), Is.EqualTo(TestUnit.Fixed(0x07, 0x27, 0x00)));
            Assert.That(TestUnit.Encode(otherFirst.Sense), Is.EqualTo(TestUnit.Fixed(0x06, 0x2a, 0x01)));
            Assert.That(sense.DataIn[2], Is.EqualTo(0x90), "WP and DPOFUA in the device-specific parameter");
            Assert.That(sense.DataIn[8] & 0x08, Is.EqualTo(0x08));
        });
    }

    [Test]
    public async Task Mode_select_changing_a_fixed_bit_is_INVALID_FIELD_IN_PARAMETER_LIST_and_changes_nothing()
    {
        var unit = new TestUnit();
        // Control page with SWP set and TST (byte 2 bits 7-5, not changeable) set.
        byte[] select = [0, 0, 0, 0, 0x0a, 0x0a, 0x20, 0x10, 0x08, 0x40, 0, 0, 0xff, 0xff, 0, 0];
        var (result, _) = await unit.Run([0x15, 0x10, 0, 0, (byte)select.Length, 0], select);
        var (write, _) = await unit.Run([0x2a, 0, 0, 0, 0, 0, 0, 0, 1, 0], new byte[512]);
        Assert.That(TestUnit.Encode(result.Sense), Is.EqualTo(TestUnit.Fixed(0x05, 0x26, 0x00, 0x8d, 0x00, 0x06)));
        Assert.That(write.Status, Is.EqualTo(ScsiStatus.Good));
    }

    [Test]
    public async Task Mode_select_with_sp_is_INVALID_FIELD_IN_CDB()
    {
        var unit = new TestUnit();
        var (result, _) = await unit.Run([0x15, 0x11, 0, 0, 0, 0]);
        Assert.That(TestUnit.Encode(result.Sense), Is.EqualTo(TestUnit.Fixed(0x05, 0x24, 0x00, 0xc8, 0x00, 0x01)));
    }

    [Test]
    public async Task D_sense_switches_check_condition_sense_to_descriptor_format()
    {
        var unit = new TestUnit();
        byte[] select = [0, 0, 0, 0, 0x0a, 0x0a, 0x04, 0x10, 0x00, 0x40, 0, 0, 0xff, 0xff, 0, 0];
        await unit.Run([0x15, 0x10, 0, 0, (byte)select.Length, 0], select);
        var (result, _) = await unit.Run([0x28, 0, 0, 0, 0x04, 0x00, 0, 0, 1, 0]);
        Assert.That(TestUnit.Encode(result.Sense), Is.EqualTo(new byte[] { 0x72, 0x05, 0x21, 0x00, 0, 0, 0, 0 }));
    }

    [Test]
    public async Task Stopped_unit_is_NOT_READY_until_started()
    {
        var unit = new TestUnit(store => new BlockLogicalUnitOptions { Store = store, StoppedPowerCondition = true });
        await unit.Run([0x1b, 0, 0, 0, 0x00, 0]);
        var (stopped, _) = await unit.Run([0x28, 0, 0, 0, 0, 0, 0, 0, 1, 0]);
        var (inquiry, _) = await unit.Run([0x12, 0, 0, 0, 36, 0]);
        await unit.Run([0x1b, 0, 0, 0, 0x01, 0]);
        var (started, _) = await unit.Run([0x28, 0, 0, 0, 0, 0, 0, 0, 1, 0]);
        Assert.Multiple(() =>
        {
            Assert.That(TestUnit.Encode(stopped.Sense), Is.EqualTo(TestUnit.Fixed(0x02, 0x04, 0x02)));
            Assert.That(inquiry.Status, Is.EqualTo(ScsiStatus.Good));
            Assert.That(started.Status, Is.EqualTo(ScsiStatus.Good));
        });
    }

    [Test]
    public async Task Unknown_opcode_is_INVALID_COMMAND_OPERATION_CODE()
    {
        var unit = new TestUnit();
        var (unknown, _) = await unit.Run([0x1c, 0, 0, 0, 8, 0]); // RECEIVE DIAGNOSTIC RESULTS
        var (vendor, _) = await unit.Run([0xc5, 0, 0, 0, 0, 0]);
        Assert.That(TestUnit.Encode(unknown.Sense), Is.EqualTo(TestUnit.Fixed(0x05, 0x20, 0x00, 0xc0, 0x00, 0x00)));
        Assert.That(TestUnit.Encode(vendor.Sense), Is.EqualTo(TestUnit.Fixed(0x05, 0x20, 0x00, 0xc0, 0x00, 0x00)));
    }

    [Test]
    public async Task Reservation_policy_conflict_is_RESERVATION_CONFLICT()
    {
        var unit = new TestUnit(store => new BlockLogicalUnitOptions { Store = store, ReservationPolicy = new AlwaysConflict() });
        var (result, _) = await unit.Run([0x28, 0, 0, 0, 0, 0, 0, 0, 1, 0]);
        Assert.That(result.Status, Is.EqualTo(ScsiStatus.ReservationConflict));
    }

    private sealed class AlwaysConflict : IReservationPolicy
    {
        public bool IsConflict(ITNexus nexus, ReadOnlySpan<byte> cdb) => cdb[0] != 0x00;
    }

    [Test]
    public async Task Capacity_change_is_CAPACITY_DATA_HAS_CHANGED_for_every_nexus()
    {
        var unit = new TestUnit();
        await unit.Run([0x00, 0, 0, 0, 0, 0], nexus: Other);
        unit.Unit.OnCapacityChanged();
        var (mine, _) = await unit.Run([0x00, 0, 0, 0, 0, 0]);
        var (other, _) = await unit.Run([0x00, 0, 0, 0, 0, 0], nexus: Other);
        Assert.That(TestUnit.Encode(mine.Sense), Is.EqualTo(TestUnit.Fixed(0x06, 0x2a, 0x09)));
        Assert.That(TestUnit.Encode(other.Sense), Is.EqualTo(TestUnit.Fixed(0x06, 0x2a, 0x09)));
    }

    [Test]
    public async Task Logical_unit_vendor_command_is_used_before_the_target_one()
    {
        var unit = new TestUnit();
        unit.Unit.RegisterVendorCommand(0xd0, new FixedResult(ScsiCommandResult.ConditionMet));
        var targetTable = new StateSave.Storage.Devices.VendorCommandTable();
        targetTable.Register(0xd0, new FixedResult(ScsiCommandResult.Busy));
        targetTable.Register(0xd1, new FixedResult(ScsiCommandResult.Busy));
        ScsiCommandResult own = await unit.Unit.ExecuteAsync(new FakeScsiCommand(TestUnit.Pad([0xd0, 0, 0, 0, 0, 0])), targetTable);
        ScsiCommandResult target = await unit.Unit.ExecuteAsync(new FakeScsiCommand(TestUnit.Pad([0xd1, 0, 0, 0, 0, 0])), targetTable);
        Assert.That(own.Status, Is.EqualTo(ScsiStatus.ConditionMet));
        Assert.That(target.Status, Is.EqualTo(ScsiStatus.Busy));
    }

    private sealed class FixedResult(ScsiCommandResult result) : StateSave.Storage.Devices.IVendorCommandHandler
    {
        public ValueTask<ScsiCommandResult> ExecuteAsync(IScsiCommand command, CancellationToken cancellationToken) => ValueTask.FromResult(result);
    }
}
