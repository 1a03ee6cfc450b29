using System.Globalization;

namespace StateSave.Comparison.Peers;

/// <summary>
/// The reference target: <c>tgtd</c> in the foreground as its own process, with its own management socket
/// (<c>--control-port</c>) so that a tgtd already running on this machine is left alone, one target and LUN 1 backed
/// by the image file (the default rdwr backing store), open to every initiator address.
/// </summary>
internal sealed class Tgtd : IDisposable
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(20);

    private readonly PeerProcess _process;
    private readonly string _controlPort;

    private Tgtd(PeerProcess process, int port, string targetName)
    {
        _process = process;
        _controlPort = port.ToString(CultureInfo.InvariantCulture);
        Port = port;
        TargetName = targetName;
    }

    public int Port { get; }

    public string TargetName { get; }

    public const int Lun = 1;

    /// <summary>The libiscsi URL of the LU.</summary>
    public string Url => string.Create(CultureInfo.InvariantCulture, $"iscsi://127.0.0.1:{Port}/{TargetName}/{Lun}");

    /// <summary>Starts tgtd on 127.0.0.1:<paramref name="port"/> (control port the same number) serving <paramref name="imagePath"/>.</summary>
    /// <exception cref="PeerUnavailableException">tgtd is not installed, cannot start, or refuses the configuration.</exception>
    public static Tgtd Start(int port, string imagePath, string targetName, string workDirectory)
    {
        if (!PeerProcess.IsInstalled("tgtd") || !PeerProcess.IsInstalled("tgtadm"))
        {
            throw new PeerUnavailableException("tgtd/tgtadm not installed (Debian package tgt; scripts/install-peers.sh installs it)");
        }

        string control = port.ToString(CultureInfo.InvariantCulture);
        if (PeerProcess.RunToEnd("tgtadm", ["-C", control, "--mode", "sys", "--op", "show"], CommandTimeout).ExitCode == 0)
        {
            throw new PeerUnavailableException($"another tgtd already answers on control port {control} (choose another --port-base)");
        }

        PeerProcess process = PeerProcess.Start("tgtd",
            ["-f", "-C", control, "--iscsi", string.Create(CultureInfo.InvariantCulture, $"portal=127.0.0.1:{port}")],
            Path.Combine(workDirectory, "tgtd.log"));
        var tgtd = new Tgtd(process, port, targetName);
        try
        {
            tgtd.WaitUntilReady();
            tgtd.Admin("--mode", "target", "--op", "new", "--tid", "1", "--targetname", targetName);
            tgtd.Admin("--mode", "logicalunit", "--op", "new", "--tid", "1", "--lun", Lun.ToString(CultureInfo.InvariantCulture), "--backing-store", imagePath);
            tgtd.Admin("--mode", "target", "--op", "bind", "--tid", "1", "--initiator-address", "ALL");
            return tgtd;
        }
        catch
        {
            tgtd.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            PeerProcess.RunToEnd("tgtadm", ["-C", _controlPort, "--lld", "iscsi", "--mode", "target", "--op", "delete", "--force", "--tid", "1"],
                CommandTimeout);
        }

        // tgtd does not end on SIGTERM while it serves a target; the process is killed.
        _process.Dispose();
        foreach (string socket in new[] { $"/var/run/tgtd/socket.{_controlPort}", $"/var/run/tgtd/socket.{_controlPort}.lock" })
        {
            try
            {
                File.Delete(socket);
            }
            catch (Exception error) when (error is IOException or UnauthorizedAccessException)
            {
                // Left for the next tgtd on this control port, which replaces it.
            }
        }
    }

    private void WaitUntilReady()
    {
        DateTime deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new PeerUnavailableException($"tgtd exited at start (code {_process.ExitCode}): {Tail(_process.ReadOutput())}");
            }

            if (PeerProcess.RunToEnd("tgtadm", ["-C", _controlPort, "--mode", "sys", "--op", "show"], CommandTimeout).ExitCode == 0)
            {
                return;
            }

            Thread.Sleep(100);
        }

        throw new PeerUnavailableException($"tgtd did not answer on control port {_controlPort} within 10 s: {Tail(_process.ReadOutput())}");
    }

    private void Admin(params string[] arguments)
    {
        (int exitCode, string output) = PeerProcess.RunToEnd("tgtadm", ["-C", _controlPort, "--lld", "iscsi", .. arguments], CommandTimeout);
        if (exitCode != 0)
        {
            throw new PeerUnavailableException($"tgtadm {string.Join(' ', arguments)} failed ({exitCode}): {output.Trim()}");
        }
    }

    private static string Tail(string text) => text.Length <= 400 ? text.Trim() : "..." + text[^400..].Trim();
}
