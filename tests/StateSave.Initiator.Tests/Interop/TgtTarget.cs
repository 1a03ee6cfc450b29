using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using StateSave.Iscsi.Tests.Interop;

namespace StateSave.Initiator.Tests.Interop;

/// <summary>
/// A private tgtd (Debian package <c>tgt</c>) for interop tests: started in the foreground on a free loopback port with
/// its own management port, one target with LUN 1 on a sparse file in /tmp (backing store rdwr), open to every
/// initiator, optionally with CHAP accounts (incoming, and outgoing for mutual CHAP). Killed and cleaned up on dispose.
/// </summary>
internal sealed class TgtTarget : IDisposable
{
    private readonly Process _process;
    private readonly string _directory;
    private readonly string _tgtadm;

    private TgtTarget(Process process, string directory, string tgtadm, int port, int controlPort, string targetName)
    {
        _process = process;
        _directory = directory;
        _tgtadm = tgtadm;
        Port = port;
        ControlPort = controlPort;
        TargetName = targetName;
    }

    public int Port { get; }

    public int ControlPort { get; }

    public string TargetName { get; }

    public IPEndPoint Portal => new(IPAddress.Loopback, Port);

    /// <summary>Starts tgtd, or skips the test (fails it with STATESAVE_REQUIRE_PEERS=1) when tgtd cannot run here.</summary>
    public static TgtTarget StartOrIgnore(string targetName, long lunBytes = 64L << 20)
    {
        string? tgtd = Peers.FindOnPath("tgtd", "/usr/sbin");
        string? tgtadm = Peers.FindOnPath("tgtadm", "/usr/sbin");
        if (tgtd is null || tgtadm is null)
        {
            Peers.Missing("tgtd/tgtadm were not found; install the Debian package `tgt` (apt-get install tgt).");
        }

        if (!OperatingSystem.IsLinux() || Environment.UserName != "root")
        {
            Peers.Missing("tgtd needs root on Linux (it creates its management socket under /var/run/tgtd).");
        }

        string directory = Directory.CreateTempSubdirectory("statesave-init-tgt-").FullName;
        string backing = Path.Combine(directory, "lun1.img");
        using (FileStream file = File.Create(backing))
        {
            file.SetLength(lunBytes);
        }

        int port = FreePort();
        // tgtd names its UNIX management socket after the control port and wants small numbers.
        int controlPort = 1000 + (port % 8000);
        var start = new ProcessStartInfo(tgtd!)
        {
            ArgumentList = { "-f", "--control-port", controlPort.ToString(CultureInfo.InvariantCulture), "--iscsi", $"portal=127.0.0.1:{port}" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        Process process = Process.Start(start) ?? throw new InvalidOperationException("tgtd did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var target = new TgtTarget(process, directory, tgtadm!, port, controlPort, targetName);
        try
        {
            target.WaitForPortal();
            target.Admin("--lld", "iscsi", "--mode", "target", "--op", "new", "--tid", "1", "--targetname", targetName);
            target.Admin("--lld", "iscsi", "--mode", "logicalunit", "--op", "new", "--tid", "1", "--lun", "1", "--bstype", "rdwr", "--backing-store", backing);
            target.Admin("--lld", "iscsi", "--mode", "target", "--op", "bind", "--tid", "1", "--initiator-address", "ALL");
            return target;
        }
        catch
        {
            target.Dispose();
            throw;
        }
    }

    /// <summary>Requires CHAP: the initiator must prove <paramref name="secret"/>; with <paramref name="mutualUser"/> the target answers mutual CHAP.</summary>
    public void RequireChap(string user, string secret, string? mutualUser = null, string? mutualSecret = null)
    {
        Admin("--lld", "iscsi", "--mode", "account", "--op", "new", "--user", user, "--password", secret);
        Admin("--lld", "iscsi", "--mode", "account", "--op", "bind", "--tid", "1", "--user", user);
        if (mutualUser is not null)
        {
            Admin("--lld", "iscsi", "--mode", "account", "--op", "new", "--user", mutualUser, "--password", mutualSecret!);
            Admin("--lld", "iscsi", "--mode", "account", "--op", "bind", "--tid", "1", "--user", mutualUser, "--outgoing");
        }
    }

    /// <summary>Sets a target parameter (for example HeaderDigest=CRC32C,None; tgt offers None only by default).</summary>
    public void SetParameter(string name, string value) =>
        Admin("--lld", "iscsi", "--mode", "target", "--op", "update", "--tid", "1", "--name", name, "--value", value);

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private void Admin(params string[] arguments)
    {
        var start = new ProcessStartInfo(_tgtadm) { RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add("--control-port");
        start.ArgumentList.Add(ControlPort.ToString(CultureInfo.InvariantCulture));
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start)!;
        string error = process.StandardError.ReadToEnd();
        if (!process.WaitForExit(10_000) || process.ExitCode != 0)
        {
            throw new InvalidOperationException($"tgtadm {string.Join(' ', arguments)} failed: {error}");
        }
    }

    private void WaitForPortal()
    {
        DateTime deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"tgtd exited with code {_process.ExitCode}.");
            }

            try
            {
                using var probe = new TcpClient();
                probe.Connect(Portal);
                return;
            }
            catch (SocketException)
            {
                Thread.Sleep(50);
            }
        }

        throw new TimeoutException($"tgtd did not listen on {Portal} within 10 s.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
