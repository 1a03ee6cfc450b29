using System.Diagnostics;

namespace StateSave.Iscsi.Tests.Interop;

/// <summary>
/// The wire layer against a real target: the demo's initiator end (PDU writer and reader, negotiation engine,
/// socket transport) does SendTargets discovery, a normal-session login, NOP-Out pings and logout against tgtd.
/// </summary>
[Category("Interop")]
[NonParallelizable]
public class TgtLoginTests
{
    [Test]
    [CancelAfter(60_000)]
    public void DemoInitiatorDiscoversLogsInPingsAndLogsOutOfTgtd()
    {
        using TgtDaemon tgt = TgtDaemon.StartOrIgnore("iqn.2026-11.io.statesave.test:tgt-login");

        (int exitCode, string output) = RunDemo("--target", $"127.0.0.1:{tgt.Port}");

        Assert.That(exitCode, Is.Zero, output);
        Assert.That(output, Does.Contain($"discovered TargetName={tgt.TargetName}"));
        Assert.That(output, Does.Contain("full feature phase"));
        Assert.That(output, Does.Contain("initiator <- LogoutResponse"));
        Assert.That(output, Does.Contain("demo: OK"));
    }

    [Test]
    [CancelAfter(60_000)]
    public void DemoRunsBothEndsOverLoopback()
    {
        (int exitCode, string output) = RunDemo();

        Assert.That(exitCode, Is.Zero, output);
        Assert.That(output, Does.Contain("HeaderDigest=Crc32C DataDigest=Crc32C"));
        Assert.That(output, Does.Contain("rejected with CommandNotSupported"));
        Assert.That(output, Does.Contain("demo: OK"));
    }

    private static (int ExitCode, string Output) RunDemo(params string[] arguments)
    {
        string demo = Path.Combine(AppContext.BaseDirectory, "StateSave.Demo.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(demo);
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(45_000))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("The demo did not finish within 45 s.");
        }

        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}
