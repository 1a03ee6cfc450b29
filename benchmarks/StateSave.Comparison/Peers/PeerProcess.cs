using System.Diagnostics;

namespace StateSave.Comparison.Peers;

/// <summary>
/// A peer program (tgtd, iscsi-perf, iperf3, tgtadm) run as its own process. Its output goes to a file, not to a pipe
/// read by the harness, so the harness does nothing while a peer is measured. Every process started is tracked and
/// killed by <see cref="KillAll"/> (on a signal) or on dispose.
/// </summary>
internal sealed class PeerProcess : IDisposable
{
    private static readonly Lock Sync = new();
    private static readonly HashSet<PeerProcess> Running = [];

    private readonly Process _process;

    private PeerProcess(Process process, string outputPath)
    {
        _process = process;
        OutputPath = outputPath;
    }

    /// <summary>Where the program's stdout and stderr go.</summary>
    public string OutputPath { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Starts <paramref name="program"/> with its output (both streams) redirected to <paramref name="outputPath"/>.</summary>
    public static PeerProcess Start(string program, IEnumerable<string> arguments, string outputPath)
    {
        // A previous run's output must not be read as this one's (e.g. iperf3's "Server listening" before sh truncated the file).
        File.Delete(outputPath);

        // sh execs the program (same PID) after redirecting: "$0" is the output file, "$@" the command.
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("exec \"$@\" > \"$0\" 2>&1");
        start.ArgumentList.Add(outputPath);
        start.ArgumentList.Add(program);
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        lock (Sync)
        {
            var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start.");
            var peer = new PeerProcess(process, outputPath);
            Running.Add(peer);
            return peer;
        }
    }

    /// <summary>Runs a short command to its end and returns its exit code and output (for tgtadm, dpkg-query, lscpu ...).</summary>
    public static (int ExitCode, string Output) RunToEnd(string program, IEnumerable<string> arguments, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(program) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start.");
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            return (-1, $"{program} did not finish within {timeout.TotalSeconds:F0} s");
        }

        return (process.ExitCode, output.GetAwaiter().GetResult() + error.GetAwaiter().GetResult());
    }

    /// <summary>True when <paramref name="program"/> is found on PATH (or is an existing path).</summary>
    public static bool IsInstalled(string program) =>
        program.Contains('/', StringComparison.Ordinal)
            ? File.Exists(program)
            : (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin").Split(':', StringSplitOptions.RemoveEmptyEntries)
                .Append("/usr/sbin").Append("/sbin")
                .Any(directory => File.Exists(Path.Combine(directory, program)));

    /// <summary>Waits for the end; false when it had not ended after <paramref name="timeout"/>.</summary>
    public bool WaitForExit(TimeSpan timeout) => _process.WaitForExit(timeout);

    public string ReadOutput() => File.Exists(OutputPath) ? File.ReadAllText(OutputPath) : "";

    public void Kill()
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
    }

    public void Dispose()
    {
        Kill();
        lock (Sync)
        {
            Running.Remove(this);
        }

        _process.Dispose();
    }

    /// <summary>Kills every peer still running (from a signal handler: the waits on them then return).</summary>
    public static void KillAll()
    {
        PeerProcess[] running;
        lock (Sync)
        {
            running = [.. Running];
        }

        foreach (PeerProcess peer in running)
        {
            peer.Kill();
        }
    }
}
