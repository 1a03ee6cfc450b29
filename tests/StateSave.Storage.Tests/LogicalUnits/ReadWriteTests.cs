using StateSave.Scsi;
using StateSave.Scsi.Server;
using StateSave.Storage.LogicalUnits;
using StateSave.Storage.Tests.TestSupport;

namespace StateSave.Storage.Tests.LogicalUnits;

public sealed class ReadWriteTests
{
    [Test]
    public async Task Write10_then_Read10_returns_the_data()
    {
        var unit = new TestUnit();
        byte[] data = [.. Enumerable.Range(0, 1024).Select(i => (byte)i)];
        var (write, _) = await unit.Run([0x2a, 0, 0, 0, 0, 5, 0, 0, 2, 0], data);
        var (read, command) = await unit.Run([0x28, 0, 0, 0, 0, 5, 0, 0, 2, 0]);
        Assert.Multiple(() =>
        {
            Assert.That(write.Status, Is.EqualTo(ScsiStatus.Good));
            Assert.That(read.Status, Is.EqualTo(ScsiStatus.Good));
            Assert.That(command.DataIn, Is.EqualTo(data));
        });
    }

    [Test]
    public async Task Unwritten_blocks_read_as_zeros()
    {
        var unit = new TestUnit();
        var (result, command) = await unit.Run([0x88, 0, 0, 0, 0, 0, 0, 0, 0, 9, 0, 0, 0, 1, 0, 0]);
        Assert.That(result.Status, Is.EqualTo(ScsiStatus.Good));
        Assert.That(command.DataIn, Is.EqualTo(new byte[512]));
    }

    [TestCase(new byte[] { 0x28, 0, 0, 0, 0x04, 0x00, 0, 0, 1, 0 }, TestName = "READ(10) at the capacity")]
    [TestCase(new byte[] { 0x28, 0, 0, 0, 0x03, 0xff, 0, 0, 2, 0 }, TestName = "READ(10) across the end")]
    [TestCase(new byte[] { 0x28, 0, 0xff, 0xff, 0xff, 0xff, 0, 0, 1, 0 }, TestName = "READ(10) at LBA -1")]
    [TestCase(new byte[] { 0x08, 0, 0x04, 0x00, 1, 0 }, TestName = "READ(6) at the capacity")]
    [TestCase(new byte[] { 0x2a, 0, 0, 0, 0x04, 0x00, 0, 0, 1, 0 }, TestName = "WRITE(10) at the capacity")]
    [TestCase(new byte[] { 0x8a, 0, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0 }, TestName = "WRITE(16) at 2^63")]
    [TestCase(new byte[] { 0x2f, 0, 0, 0, 0x04, 0x01, 0, 0, 0, 0 }, TestName = "VERIFY(10) zero blocks past the capacity")]
    [TestCase(new byte[] { 0x34, 0, 0, 0, 0x04, 0x00, 0, 0, 1, 0 }, TestName = "PRE-FETCH(10) at the capacity")]
    public async Task Out_of_range_is_LBA_OUT_OF_RANGE(byte[] cdb)
    {
        var unit = new TestUnit();
        var (result, command) = await unit.Run(cdb, cdb[0] is 0x2a or 0x8a ? new byte[512] : null);
        Assert.That(result.Status, Is.EqualTo(ScsiStatus.CheckCondition));
        Assert.That(TestUnit.Encode(result.Sense), Is.EqualTo(TestUnit.Fixed(0x05, 0x21, 0x00)));
        Assert.That(command.DataInRequested, Is.Zero);
    }

    [Test]
    public async Task Zero_transfer_length_at_the_capacity_is_good_and_moves_no_data()
    {
        var unit = new TestUnit();
        var (result, command) = await unit.Run([0x28, 0, 0, 0, 0x04, 0x00, 0, 0, 0, 0]);
        Assert.That(result.Status, Is.EqualTo(ScsiStatus.Good));
        Assert.That(command.DataInRequested, Is.Zero);
    }

    [Test]
    public async Task Read6_transfer_length_zero_means_256_blocks()
    {
        var unit = new TestUnit();
        var (result, command) = await unit.Run([0x08, 0, 0, 0, 0, 0]);
        Assert.That(result.Status, Is.EqualTo(ScsiStatus.Good));
        Assert.That(command.DataInRequested, Is.EqualTo(256 * 512));
    }

    [Test]
    public async Task Rdprotect_without_protection_is_INVALID_FIELD_IN_CDB_at_byte_1_bit_7()
    {
        var unit = new TestUnit();
        var (result, _) = await unit.Run([0x28, 0x20, 0, 0, 0, 0, 0, 0, 1, 0]);
        Assert.That(TestUnit.Encode(result.Sense), Is.EqualTo(TestUnit.Fixed(0x05, 0x24, 0x00, 0xcf, 0x00, 0x01)));
    }

    [Test]
    public async Task A_reserved_bit_is_INVALID_FIELD_IN_CDB_pointing_at_it()
    {
        var unit = new TestUnit();
        // READ(10) byte 6 bit 6 is reserved.
        var (result, _) = await unit.Run([0x28, 0, 0, 0, 0, 0, 0x40, 0, 1, 0]);
        Assert.That(TestUnit.Encode(result.Sense), Is.EqualTo(TestUnit.Fixed(0x05, 0x24, 0x00, 0xce, 0x00, 0x06)));
    }

    [Test]
    public async Task Naca_is_INVALID_FIELD_IN_CDB_in_the_control_byte()
    {
        var unit = new TestUnit();
        var (result, _) = await unit.Run([0x00, 0, 0, 0, 0, 0x04]);
        Assert.That(TestUnit.Encode(result.Sense), Is.EqualTo(TestUnit.Fixed(0x05, 0x24, 0x00, 0xca, 0x00, 0x05)));
    }

    [Test]
    public async Task Transfer_length_above_the_maximum_is_INVALID_FIELD_IN_CDB()
    {
        var unit = new TestUnit(store => new BlockLogicalUnitOptions { Store = store, MaximumTransferLength = 8 });
        var (result, command) = await unit.Run([0x28, 0, 0, 0, 0, 0, 0, 0, 9, 0]);
        Assert.That(TestUnit.Encode(result.Sense), Is.EqualTo(TestUnit.Fixed(0x05, 0x24, 0x00, 0xc0, 0x00, 0x07)));
        Assert.That(command.DataInRequested, Is.Zero);
    }

    [Test]
    public async Task Short_data_out_writes_only_the_whole_blocks_received()
    {
        var unit = new TestUnit();
        byte[] data = [.. Enumerable.Repeat((byte)0xab, 700)];
        var (write, _) = await unit.Run([0x2a, 0, 0, 0, 0, 0, 0, 0, 2, 0], data);
        var (_, read) = await unit.Run([0x28, 0, 0, 0, 0, 0, 0, 0, 2, 0]);
        Assert.That(write.Status, Is.EqualTo(ScsiStatus.Good));
        Assert.That(read.DataIn[..512], Is.All.EqualTo(0xab));
        Assert.That(read.DataIn[512..], Is.All.EqualTo(0));
    }

    [Test]
    public async Task Write_protected_unit_is_DATA_PROTECT_WRITE_PROTECTED()
    {
        var unit = new TestUnit(store => new BlockLogicalUnitOptions { Store = store, WriteProtected = true });
        var (result, _) = await unit.Run([0x2a, 0, 0, 0, 0, 0, 0, 0, 1, 0], new byte[512]);
        Assert.That(TestUnit.Encode(result.Sense), Is.EqualTo(TestUnit.Fixed(0x07, 0x27, 0x00)));
    }

    [Test]
    public async Task Verify_bytchk_1_reports_the_offset_of_the_first_difference()
    {
        var unit = new TestUnit();
        byte[] data = new byte[1024];
        data[700] = 1;
        var (result, _) = await unit.Run([0x2f, 0x02, 0, 0, 0, 0, 0, 0, 2, 0], data);
        Assert.That(TestUnit.Encode(result.Sense), Is.EqualTo(TestUnit.Fixed(0x0e, 0x1d, 0x00, information: 700)));
    }

    [Test]
    public async Task Verify_bytchk_2_is_reserved()
    {
        var unit = new TestUnit();
        var (result, _) = await unit.Run([0x2f, 0x04, 0, 0, 0, 0, 0, 0, 1, 0], new byte[512]);
        Assert.That(TestUnit.Encode(result.Sense), Is.EqualTo(TestUnit.Fixed(0x05, 0x24, 0x00, 0xca, 0x00, 0x01)));
    }
}
