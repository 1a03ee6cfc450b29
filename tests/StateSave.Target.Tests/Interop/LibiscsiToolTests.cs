using StateSave.Iscsi.Tests.Interop;
using StateSave.Scsi;
using StateSave.Storage.BackingStores;
using StateSave.Storage.Devices;
using StateSave.Storage.LogicalUnits;
using StateSave.Target.Tests.TestSupport;

namespace StateSave.Target.Tests.Interop;

/// <summary>libiscsi's command-line tools (Debian libiscsi-bin) against the target on loopback.</summary>
[TestFixture]
[Category("Interop")]
public sealed class LibiscsiToolTests
{
    private static string Tool(string name) => Peers.FindOnPath(name) ?? "";

    private static void RequireTool(string name)
    {
        if (Peers.FindOnPath(name) is null)
        {
            Peers.Missing($"{name} (Debian package libiscsi-bin) is not installed.");
        }
    }

    [Test]
    public async Task IscsiInqReadsTheStandardInquiryData()
    {
        RequireTool("iscsi-inq");
        await using LoopbackTarget target = await LoopbackTarget.StartAsync(new RamDiskDevice());
        (int exit, string output) = await ProcessRunner.RunAsync(Tool("iscsi-inq"), [target.Url()], TimeSpan.FromSeconds(30));
        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.Zero, output);
            Assert.That(output, Does.Contain("STATESAV"));
            Assert.That(output, Does.Contain("TEST DISK"));
        });
    }

    [Test]
    public async Task IscsiReadcapacity16ReadsTheGeometryOfABlockLogicalUnit()
    {
        RequireTool("iscsi-readcapacity16");
        var device = new ScsiTargetDevice();
        device.AddLogicalUnit(LogicalUnitNumber.FromSingleLevel(0), new BlockLogicalUnit(new BlockLogicalUnitOptions
        {
            Store = new MemoryBlockStore(8192, 4096),
            ThinProvisioning = true,
            LogicalBlocksPerPhysicalBlockExponent = 1,
        }));
        await using LoopbackTarget target = await LoopbackTarget.StartAsync(device);
        (int exit, string output) = await ProcessRunner.RunAsync(Tool("iscsi-readcapacity16"), [target.Url()], TimeSpan.FromSeconds(30));
        (int sizeExit, string size) = await ProcessRunner.RunAsync(Tool("iscsi-readcapacity16"), ["-s", target.Url()], TimeSpan.FromSeconds(30));
        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.Zero, output);
            Assert.That(output, Does.Contain("RETURNED LOGICAL BLOCK ADDRESS:8191\n"));
            Assert.That(output, Does.Contain("LOGICAL BLOCK LENGTH IN BYTES:4096\n"));
            Assert.That(output, Does.Contain("LOGICAL BLOCKS PER PHYSICAL BLOCK EXPONENT:1\n"));
            Assert.That(output, Does.Contain("LBPME:1 LBPRZ:1\n"));
            Assert.That(sizeExit, Is.Zero, size);
            Assert.That(size.Trim(), Is.EqualTo((8192L * 4096).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        });
    }

    [Test]
    public async Task IscsiLsDiscoversTheTargetAndItsLun()
    {
        RequireTool("iscsi-ls");
        await using LoopbackTarget target = await LoopbackTarget.StartAsync(new RamDiskDevice());
        (int exit, string output) = await ProcessRunner.RunAsync(Tool("iscsi-ls"), ["-s", $"iscsi://127.0.0.1:{target.Port}"], TimeSpan.FromSeconds(30));
        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.Zero, output);
            Assert.That(output, Does.Contain($"Target:{LoopbackTarget.TargetName} Portal:127.0.0.1:{target.Port},1"));
            Assert.That(output, Does.Contain("Lun:0"));
        });
    }
}
