using StateSave.Iscsi.Tests.Interop;
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
