using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace StateSave.Iscsi.Tests.Interop;

/// <summary>
/// A private tgtd (Debian package <c>tgt</c>) on loopback: its own iSCSI port and management port, one target
/// with one LUN backed by a sparse file, open to every initiator. Stopped and cleaned up on dispose.
/// </summary>
public sealed class TgtDaemon : IDisposable
{
    private readonly Process _process;
    private readonly string _directory;

    private TgtDaemon(Process process, string directory, int port, int controlPort, string targetName)
    {
        _process = process;
        _directory = directory;
        Port = port;
        ControlPort = controlPort;
        TargetName = targetName;
    }

    public int Port { get; }

    public int ControlPort { get; }

    public string TargetName { get; }

    public IPEndPoint Portal => new(IPAddress.Loopback, Port);

    /// <summary>Starts tgtd, or skips (fails with STATESAVE_REQUIRE_PEERS=1) when it is missing or cannot run here.</summary>
    public static TgtDaemon StartOrIgnore(string targetName, long lunBytes = 64L << 20)
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

        string directory = Directory.CreateTempSubdirectory("statesave-tgt-").FullName;
        string backing = Path.Combine(directory, "lun1.img");
        using (FileStream file = File.Create(backing))
        {
            file.SetLength(lunBytes);
        }

        int port = FreePort();
        // tgtd takes only small management port numbers (it names its UNIX socket after it); spread them so that
        // two test runs on one machine do not collide.
        int controlPort = 100 + (port % 900);
        var start = new ProcessStartInfo(tgtd!)
        {
            ArgumentList = { "-f", "-C", controlPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "--iscsi", $"portal=127.0.0.1:{port}" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        Process process = Process.Start(start) ?? throw new InvalidOperationException("tgtd did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var daemon = new TgtDaemon(process, directory, port, controlPort, targetName);
        try
        {
            daemon.WaitForPortal();
            daemon.Admin(tgtadm!, "--lld", "iscsi", "--mode", "target", "--op", "new", "--tid", "1", "--targetname", targetName);
            daemon.Admin(tgtadm!, "--lld", "iscsi", "--mode", "logicalunit", "--op", "new", "--tid", "1", "--lun", "1", "-b", backing);
            daemon.Admin(tgtadm!, "--lld", "iscsi", "--mode", "target", "--op", "bind", "--tid", "1", "-I", "ALL");
            return daemon;
        }
        catch
        {
            daemon.Dispose();
            throw;
        }
    }

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
            // Already gone.
        }

        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private void Admin(string tgtadm, params string[] arguments)
    {
        var start = new ProcessStartInfo(tgtadm) { RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add("-C");
        start.ArgumentList.Add(ControlPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
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
        var deadline = DateTime.UtcNow.AddSeconds(10);
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
