using System.Buffers.Binary;
using StateSave.Scsi;
using StateSave.Scsi.Server;
using StateSave.Storage.LogicalUnits;
using StateSave.Storage.Tests.TestSupport;

namespace StateSave.Storage.Tests.LogicalUnits;

public sealed class ProvisioningAndAtomicTests
{
    private static byte[] CompareAndWrite(ulong lba, byte blocks)
    {
        byte[] cdb = new byte[16];
        cdb[0] = 0x89;
        BinaryPrimitives.WriteUInt64BigEndian(cdb.AsSpan(2), lba);
        cdb[13] = blocks;
        return cdb;
    }

    private static byte[] UnmapList(ulong lba, uint blocks)
    {
        byte[] list = new byte[24];
        BinaryPrimitives.WriteUInt16BigEndian(list, 22);
        BinaryPrimitives.WriteUInt16BigEndian(list.AsSpan(2), 16);
        BinaryPrimitives.WriteUInt64BigEndian(list.AsSpan(8), lba);
        BinaryPrimitives.WriteUInt32BigEndian(list.AsSpan(16), blocks);
        return list;
    }

    [Test]
    public async Task Compare_and_write_miscompare_reports_the_offset_and_writes_nothing()
    {
        var unit = new TestUnit();
        byte[] data = new byte[1024];
        data[3] = 0x55; // verify data differs from the zeros on the medium at byte 3
        Array.Fill<byte>(data, 0x77, 512, 512);
        var (result, _) = await unit.Run(CompareAndWrite(10, 1), data);
        var (_, read) = await unit.Run([0x28, 0, 0, 0, 0, 10, 0, 0, 1, 0]);
        Assert.That(TestUnit.Encode(result.Sense), Is.EqualTo(TestUnit.Fixed(0x0e, 0x1d, 0x00, information: 3)));
        Assert.That(read.DataIn, Is.All.EqualTo(0));
    }

    [Test]
    public async Task Compare_and_write_with_the_wrong_data_out_length_fails()
    {
        var unit = new TestUnit();
        var (result, _) = await unit.Run(CompareAndWrite(0, 1), new byte[512]);
        Assert.That(result.Status, Is.EqualTo(ScsiStatus.CheckCondition));
    }

    [Test]
    public async Task Concurrent_compare_and_writes_of_one_block_succeed_exactly_once_per_value()
    {
        // Many initiators each try to move a counter block from value v to v+1: with atomic
        // compare-and-write every value is taken by exactly one of them.
        var unit = new TestUnit();
        const int Workers = 8;
        const int Increments = 25;
        int successes = 0;
        async Task Worker()
        {
            int done = 0;
            while (done < Increments)
            {
                var (_, read) = await unit.Run([0x28, 0, 0, 0, 0, 0, 0, 0, 1, 0]);
                byte[] current = read.DataIn;
                int value = BinaryPrimitives.ReadInt32BigEndian(current);
                byte[] data = new byte[1024];
                current.CopyTo(data, 0);
                BinaryPrimitives.WriteInt32BigEndian(data.AsSpan(512), value + 1);
                var (result, _) = await unit.Run(CompareAndWrite(0, 1), data);
                if (result.Status == ScsiStatus.Good)
                {
                    Interlocked.Increment(ref successes);
                    done++;
                }
                else
                {
                    Assert.That(result.Sense!.Value.SenseKey, Is.EqualTo(SenseKey.Miscompare));
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, Workers).Select(_ => Task.Run(Worker)));
        var (_, final) = await unit.Run([0x28, 0, 0, 0, 0, 0, 0, 0, 1, 0]);
        Assert.That(successes, Is.EqualTo(Workers * Increments));
        Assert.That(BinaryPrimitives.ReadInt32BigEndian(final.DataIn), Is.EqualTo(Workers * Increments));
    }

    [Test]
    public async Task Unmap_deallocates_single_blocks_and_get_lba_status_reports_them()
    {
        var unit = new TestUnit();
        await unit.Run([0x2a, 0, 0, 0, 0, 0, 0, 0, 8, 0], [.. Enumerable.Repeat((byte)'A', 8 * 512)]);
        var (unmap, _) = await unit.Run([0x42, 0, 0, 0, 0, 0, 0, 0, 24, 0], UnmapList(2, 1));
        byte[] status = [0x9e, 0x12, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 40, 0, 0];
        var (result, command) = await unit.Run(status);
        var (_, read) = await unit.Run([0x28, 0, 0, 0, 0, 2, 0, 0, 1, 0]);
        Assert.Multiple(() =>
        {
            Assert.That(unmap.Status, Is.EqualTo(ScsiStatus.Good));
            Assert.That(result.Status, Is.EqualTo(ScsiStatus.Good));
            Assert.That(command.DataIn, Is.EqualTo(new byte[]
            {
                0, 0, 0, 36, 0, 0, 0, 0,
                0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 1, 1, 0, 0, 0,
                0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 5, 0, 0, 0, 0,
            }));
            Assert.That(read.DataIn, Is.All.EqualTo(0));
        });
    }

    [Test]
    public async Task Unmap_beyond_the_capacity_is_LBA_OUT_OF_RANGE_and_unmaps_nothing()
    {
        var unit = new TestUnit();
        await unit.Run([0x2a, 0, 0, 0, 0, 0, 0, 0, 1, 0], [.. Enumerable.Repeat((byte)'A', 512)]);
        var (result, _) = await unit.Run([0x42, 0, 0, 0, 0, 0, 0, 0, 24, 0], UnmapList(1020, 5));
        Assert.That(TestUnit.Encode(result.Sense), Is.EqualTo(TestUnit.Fixed(0x05, 0x21, 0x00)));
    }

    [Test]
    public async Task Unmap_short_parameter_list_is_PARAMETER_LIST_LENGTH_ERROR()
    {
        var unit = new TestUnit();
        var (result, _) = await unit.Run([0x42, 0, 0, 0, 0, 0, 0, 0, 4, 0], new byte[4]);
        Assert.That(TestUnit.Encode(result.Sense), Is.EqualTo(TestUnit.Fixed(0x05, 0x1a, 0x00)));
    }

    [Test]
    public async Task Get_lba_status_at_the_capacity_is_LBA_OUT_OF_RANGE()
    {
        var unit = new TestUnit();
        var (result, _) = await unit.Run([0x9e, 0x12, 0, 0, 0, 0, 0, 0, 0x04, 0, 0, 0, 0, 24, 0, 0]);
        Assert.That(TestUnit.Encode(result.Sense), Is.EqualTo(TestUnit.Fixed(0x05, 0x21, 0x00)));
    }

    [Test]
    public async Task Write_same_unmap_deallocates_whatever_the_block_holds_and_reads_back_zeros()
    {
        var unit = new TestUnit();
        await unit.Run([0x2a, 0, 0, 0, 0, 0, 0, 0, 4, 0], [.. Enumerable.Repeat((byte)0xff, 4 * 512)]);
        var (unmapped, _) = await unit.Run([0x41, 0x08, 0, 0, 0, 0, 0, 0, 4, 0], [.. Enumerable.Repeat((byte)0x5a, 512)]);
        var (_, read) = await unit.Run([0x28, 0, 0, 0, 0, 0, 0, 0, 4, 0]);
        var (written, _) = await unit.Run([0x41, 0x00, 0, 0, 0, 0, 0, 0, 4, 0], [.. Enumerable.Repeat((byte)0x5a, 512)]);
        var (_, pattern) = await unit.Run([0x28, 0, 0, 0, 0, 0, 0, 0, 4, 0]);
        Assert.Multiple(() =>
        {
            Assert.That(unmapped.Status, Is.EqualTo(ScsiStatus.Good));
            Assert.That(read.DataIn, Is.All.EqualTo(0), "LBPRZ");
            Assert.That(written.Status, Is.EqualTo(ScsiStatus.Good));
            Assert.That(pattern.DataIn, Is.All.EqualTo(0x5a), "without UNMAP the pattern is written");
            Assert.That(unit.Store.GetProvisioningStatus(0, 4).IsMapped, Is.True);
        });
    }

    [Test]
    public async Task Write_same_zero_blocks_writes_through_the_last_block_and_past_the_end_is_LBA_OUT_OF_RANGE()
    {
        var unit = new TestUnit();
        // NUMBER OF LOGICAL BLOCKS 0 from LBA 1000: blocks 1000-1023.
        var (zero, _) = await unit.Run([0x41, 0, 0, 0, 0x03, 0xe8, 0, 0, 0, 0], [.. Enumerable.Repeat((byte)0x77, 512)]);
        var (_, tail) = await unit.Run([0x28, 0, 0, 0, 0x03, 0xe7, 0, 0, 25, 0]);
        var (atCapacity, _) = await unit.Run([0x41, 0, 0, 0, 0x04, 0x00, 0, 0, 0, 0], new byte[512]);
        var (beyond, _) = await unit.Run([0x41, 0, 0, 0, 0x04, 0x01, 0, 0, 0, 0], new byte[512]);
        var (tooMany, _) = await new TestUnit(store => new BlockLogicalUnitOptions { Store = store, MaximumWriteSameLength = 16 })
            .Run([0x41, 0, 0, 0, 0, 0, 0, 0, 0, 0], new byte[512]);
        Assert.Multiple(() =>
        {
            Assert.That(zero.Status, Is.EqualTo(ScsiStatus.Good));
            Assert.That(tail.DataIn.AsSpan(0, 512).ContainsAnyExcept((byte)0), Is.False, "block 999 untouched");
            Assert.That(tail.DataIn.AsSpan(512).ToArray(), Is.All.EqualTo(0x77));
            Assert.That(TestUnit.Encode(atCapacity.Sense), Is.EqualTo(TestUnit.Fixed(0x05, 0x21, 0x00)));
            Assert.That(TestUnit.Encode(beyond.Sense), Is.EqualTo(TestUnit.Fixed(0x05, 0x21, 0x00)));
            Assert.That(TestUnit.Encode(tooMany.Sense), Is.EqualTo(TestUnit.Fixed(0x05, 0x24, 0x00, 0xc0, 0x00, 0x07)));
        });
    }

    [Test]
    public async Task Orwrite_ors_the_data_into_the_medium()
    {
        var unit = new TestUnit();
        await unit.Run([0x2a, 0, 0, 0, 0, 0, 0, 0, 1, 0], [.. Enumerable.Repeat((byte)0x0f, 512)]);
        await unit.Run([0x8b, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0], [.. Enumerable.Repeat((byte)0xf0, 512)]);
        var (_, read) = await unit.Run([0x28, 0, 0, 0, 0, 0, 0, 0, 1, 0]);
        Assert.That(read.DataIn, Is.All.EqualTo(0xff));
    }

    [Test]
    public async Task Sanitize_overwrite_fills_the_medium_and_bad_parameter_lengths_are_INVALID_FIELD_IN_CDB()
    {
        var unit = new TestUnit(store => new BlockLogicalUnitOptions { Store = store, SanitizeMinimumDuration = TimeSpan.Zero });
        byte[] list = [0x01, 0, 0, 4, 0xde, 0xad, 0xbe, 0xef];
        var (result, _) = await unit.Run([0x48, 0x01, 0, 0, 0, 0, 0, 0, 8, 0], list);
        var (_, read) = await unit.Run([0x28, 0, 0, 0, 0x03, 0xff, 0, 0, 1, 0]);
        var (bad, _) = await unit.Run([0x48, 0x01, 0, 0, 0, 0, 0, 0, 4, 0], new byte[4]);
        var (badAction, _) = await unit.Run([0x48, 0x04, 0, 0, 0, 0, 0, 0, 0, 0]);
        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(ScsiStatus.Good));
            Assert.That(read.DataIn[..8], Is.EqualTo(new byte[] { 0xde, 0xad, 0xbe, 0xef, 0xde, 0xad, 0xbe, 0xef }));
            Assert.That(TestUnit.Encode(bad.Sense), Is.EqualTo(TestUnit.Fixed(0x05, 0x24, 0x00, 0xc0, 0x00, 0x07)));
            Assert.That(TestUnit.Encode(badAction.Sense), Is.EqualTo(TestUnit.Fixed(0x05, 0x24, 0x00, 0xcc, 0x00, 0x01)));
        });
    }

    [Test]
    public async Task Immediate_sanitize_makes_media_commands_NOT_READY_SANITIZE_IN_PROGRESS_until_done()
    {
        var unit = new TestUnit(store => new BlockLogicalUnitOptions { Store = store, SanitizeMinimumDuration = TimeSpan.FromSeconds(30) });
        var (started, _) = await unit.Run([0x48, 0x82, 0, 0, 0, 0, 0, 0, 0, 0]);
        var (read, _) = await unit.Run([0x28, 0, 0, 0, 0, 0, 0, 0, 1, 0]);
        var (inquiry, _) = await unit.Run([0x12, 0, 0, 0, 36, 0]);
        await unit.Unit.ResetAsync(FakeScsiCommand.DefaultNexus);
        var (afterReset, _) = await unit.Run([0x00, 0, 0, 0, 0, 0]);
        Assert.Multiple(() =>
        {
            Assert.That(started.Status, Is.EqualTo(ScsiStatus.Good));
            Assert.That(read.Sense!.Value.SenseKey, Is.EqualTo(SenseKey.NotReady));
            Assert.That(read.Sense!.Value.AdditionalSenseCode, Is.EqualTo(AdditionalSenseCode.LogicalUnitNotReadySanitizeInProgress));
            Assert.That(read.Sense!.Value.SenseKeySpecific.IsValid, Is.True, "progress indication");
            Assert.That(inquiry.Status, Is.EqualTo(ScsiStatus.Good));
            Assert.That(afterReset.Sense!.Value.AdditionalSenseCode, Is.EqualTo(AdditionalSenseCode.BusDeviceResetFunctionOccurred));
        });
        var (stillRunning, _) = await unit.Run([0x00, 0, 0, 0, 0, 0]);
        Assert.That(stillRunning.Sense!.Value.AdditionalSenseCode, Is.EqualTo(AdditionalSenseCode.LogicalUnitNotReadySanitizeInProgress));
    }

    [Test]
    public async Task Get_lba_status_after_block_erase_covers_the_whole_unit_as_deallocated()
    {
        var unit = new TestUnit(store => new BlockLogicalUnitOptions { Store = store, SanitizeMinimumDuration = TimeSpan.Zero });
        await unit.Run([0x2a, 0, 0, 0, 0, 0, 0, 0, 8, 0], new byte[8 * 512]);
        var (erase, _) = await unit.Run([0x48, 0x02, 0, 0, 0, 0, 0, 0, 0, 0]);
        var (_, status) = await unit.Run([0x9e, 0x12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0]);
        Assert.That(erase.Status, Is.EqualTo(ScsiStatus.Good));
        Assert.That(status.DataIn, Is.EqualTo(new byte[] { 0, 0, 0, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x04, 0x00, 1, 0, 0, 0 }));
    }

    [Test]
    public async Task Fully_provisioned_unit_has_no_unmap_nor_erase_and_reports_no_erase_requirements()
    {
        var unit = new TestUnit(store => new BlockLogicalUnitOptions { Store = store, ThinProvisioning = false });
        var (unmap, _) = await unit.Run([0x42, 0, 0, 0, 0, 0, 0, 0, 24, 0], UnmapList(0, 1));
        var (erase, _) = await unit.Run([0x48, 0x02, 0, 0, 0, 0, 0, 0, 0, 0]);
        var (writeSameUnmap, _) = await unit.Run([0x41, 0x08, 0, 0, 0, 0, 0, 0, 1, 0], new byte[512]);
        var (_, characteristics) = await unit.Run([0x12, 0x01, 0xb1, 0, 255, 0]);
        var (_, provisioning) = await unit.Run([0x12, 0x01, 0xb2, 0, 255, 0]);
        Assert.Multiple(() =>
        {
            Assert.That(TestUnit.Encode(unmap.Sense), Is.EqualTo(TestUnit.Fixed(0x05, 0x20, 0x00, 0xc0, 0x00, 0x00)));
            Assert.That(TestUnit.Encode(erase.Sense), Is.EqualTo(TestUnit.Fixed(0x05, 0x24, 0x00, 0xcc, 0x00, 0x01)));
            Assert.That(TestUnit.Encode(writeSameUnmap.Sense), Is.EqualTo(TestUnit.Fixed(0x05, 0x24, 0x00, 0xcb, 0x00, 0x01)));
            Assert.That(characteristics.DataIn[7], Is.Zero, "WABEREQ and WACEREQ");
            Assert.That(provisioning.DataIn, Is.EqualTo(new byte[] { 0, 0xb2, 0, 4, 0, 0, 0, 0 }));
        });
    }
}
