using StateSave.Scsi;
using StateSave.Scsi.Server;
using StateSave.Storage.BackingStores;
using StateSave.Storage.Devices;
using StateSave.Storage.LogicalUnits;
using StateSave.Storage.Tests.TestSupport;
using static StateSave.Storage.Tests.Copy.Xcopy;

namespace StateSave.Storage.Tests.Copy;

/// <summary>EXTENDED COPY and RECEIVE COPY RESULTS sent to a logical unit of a SCSI target device (the dispatch path).</summary>
public class ExtendedCopyDispatchTests
{
    private static readonly LogicalUnitNumber Lun0 = LogicalUnitNumber.FromSingleLevel(0);
    private static readonly LogicalUnitNumber Lun1 = LogicalUnitNumber.FromSingleLevel(1);

    private static async Task<(ScsiCommandResult Result, byte[] DataIn)> RunAsync(ScsiTargetDevice device, LogicalUnitNumber lun, byte[] cdb, byte[]? dataOut = null)
    {
        var command = new FakeScsiCommand(cdb, dataOut, lun: lun);
        ScsiCommandResult result = await device.ExecuteAsync(command);
        return (result, command.DataIn);
    }

    /// <summary>The NAA designator (DESIGNATOR TYPE 3h, association 0) the unit reports in VPD page 83h.</summary>
    private static async Task<byte[]> NaaOfAsync(ScsiTargetDevice device, LogicalUnitNumber lun)
    {
        (_, byte[] page) = await RunAsync(device, lun, [0x12, 0x01, 0x83, 0, 255, 0]);
        for (int offset = 4; offset + 4 <= page.Length; offset += 4 + page[offset + 3])
        {
            if ((page[offset + 1] & 0x3f) == 0x03)
            {
                return page.AsSpan(offset + 4, page[offset + 3]).ToArray();
            }
        }

        throw new AssertionException("VPD page 83h has no NAA designator");
    }

    private static ScsiTargetDevice TwoUnits(out MemoryBlockStore source, out MemoryBlockStore destination, bool destinationWriteProtected = false)
    {
        source = new MemoryBlockStore(256);
        destination = new MemoryBlockStore(128);
        var device = new ScsiTargetDevice();
        device.AddLogicalUnit(Lun0, new BlockLogicalUnit(new BlockLogicalUnitOptions { Store = source, UnitSerialNumber = "XCOPY-SRC" }));
        device.AddLogicalUnit(Lun1, new BlockLogicalUnit(new BlockLogicalUnitOptions
        {
            Store = destination, UnitSerialNumber = "XCOPY-DST", WriteProtected = destinationWriteProtected,
        }));
        device.OnNexusEstablished(FakeScsiCommand.DefaultNexus);
        return device;
    }

    private static async Task ClearUnitAttentionsAsync(ScsiTargetDevice device)
    {
        await RunAsync(device, Lun0, TestUnit.Pad([0x00, 0, 0, 0, 0, 0]));
        await RunAsync(device, Lun1, TestUnit.Pad([0x00, 0, 0, 0, 0, 0]));
    }

    [Test]
    public async Task Copies_from_one_logical_unit_to_another_named_by_their_VPD_83h_designators()
    {
        ScsiTargetDevice device = TwoUnits(out MemoryBlockStore source, out MemoryBlockStore destination);
        await ClearUnitAttentionsAsync(device);
        byte[] pattern = [.. Enumerable.Range(0, 16 * 512).Select(i => (byte)(i * 7))];
        await source.WriteAsync(32, pattern, CancellationToken.None);
        byte[] list = List(7, 2, [Target(await NaaOfAsync(device, Lun0)), Target(await NaaOfAsync(device, Lun1))], [Segment(0, 1, 16, 32, 100)]);

        (ScsiCommandResult copy, _) = await RunAsync(device, Lun0, Cdb((uint)list.Length), list);
        (ScsiCommandResult status, byte[] statusData) = await RunAsync(device, Lun0, ResultsCdb(0x00, 7));
        byte[] copied = new byte[16 * 512];
        await destination.ReadAsync(100, copied, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(copy, Is.EqualTo(ScsiCommandResult.Good));
            Assert.That(copied, Is.EqualTo(pattern));
            Assert.That(status, Is.EqualTo(ScsiCommandResult.Good));
            Assert.That(statusData[4] & 0x7f, Is.EqualTo(0x01), "COPY MANAGER STATUS: operation completed without errors");
        });
    }

    [Test]
    public async Task A_designator_no_unit_of_the_device_has_is_COPY_TARGET_DEVICE_NOT_REACHABLE()
    {
        ScsiTargetDevice device = TwoUnits(out _, out _);
        await ClearUnitAttentionsAsync(device);
        byte[] list = List(1, 2, [Target(await NaaOfAsync(device, Lun0)), Target(NaaB)], [Segment(0, 1, 1, 0, 0)]);

        (ScsiCommandResult copy, _) = await RunAsync(device, Lun0, Cdb((uint)list.Length), list);

        Assert.That(copy.Status, Is.EqualTo(ScsiStatus.CheckCondition));
        Assert.That(copy.Sense!.Value.SenseKey, Is.EqualTo(SenseKey.CopyAborted));
        Assert.That(copy.Sense!.Value.AdditionalSenseCode, Is.EqualTo(AdditionalSenseCode.CopyTargetDeviceNotReachable));
    }

    [Test]
    public async Task A_write_protected_destination_aborts_the_copy()
    {
        ScsiTargetDevice device = TwoUnits(out _, out _, destinationWriteProtected: true);
        await ClearUnitAttentionsAsync(device);
        byte[] list = List(1, 2, [Target(await NaaOfAsync(device, Lun0)), Target(await NaaOfAsync(device, Lun1))], [Segment(0, 1, 1, 0, 0)]);

        (ScsiCommandResult copy, _) = await RunAsync(device, Lun0, Cdb((uint)list.Length), list);

        Assert.That(copy.Status, Is.EqualTo(ScsiStatus.CheckCondition));
        Assert.That(copy.Sense!.Value.SenseKey, Is.EqualTo(SenseKey.CopyAborted));
    }

    [Test]
    public async Task The_third_party_copy_page_is_listed_and_reported()
    {
        ScsiTargetDevice device = TwoUnits(out _, out _);
        await ClearUnitAttentionsAsync(device);
        (_, byte[] pages) = await RunAsync(device, Lun0, [0x12, 0x01, 0x00, 0, 255, 0]);
        (ScsiCommandResult result, byte[] page) = await RunAsync(device, Lun0, [0x12, 0x01, 0x8f, 0, 255, 0]);
        Assert.Multiple(() =>
        {
            Assert.That(pages, Does.Contain((byte)0x8f));
            Assert.That(result, Is.EqualTo(ScsiCommandResult.Good));
            Assert.That(page[1], Is.EqualTo(0x8f));
        });
    }
}
