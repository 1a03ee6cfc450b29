using System.Globalization;
using System.Text.RegularExpressions;
using StateSave.Comparison.Measuring;
using StateSave.Comparison.Running;
using StateSave.Comparison.Workloads;

namespace StateSave.Comparison.Peers;

/// <summary>
/// libiscsi's <c>iscsi-perf</c> as a real process: sequential reads of a fixed size with a fixed number in flight for
/// a fixed time (<c>-m</c> requests, <c>-b</c> blocks each, <c>-t</c> seconds). It only reads. Its output is written
/// to a file while it runs, so this process is idle during the run and its allocation delta is the in-process target's.
/// </summary>
internal static partial class IscsiPerf
{
    public static bool IsInstalled => PeerProcess.IsInstalled("iscsi-perf");

    /// <summary>Runs iscsi-perf against <paramref name="url"/>; the sample's runtime delta covers exactly the process's life.</summary>
    public static Sample Run(string cell, int round, string url, IoShape shape, int blockLength, TimeSpan duration, string outputPath, Shutdown shutdown)
    {
        int seconds = Math.Max(1, (int)Math.Round(duration.TotalSeconds));
        string[] arguments =
        [
            "-m", shape.QueueDepth.ToString(CultureInfo.InvariantCulture),
            "-b", shape.Blocks(blockLength).ToString(CultureInfo.InvariantCulture),
            "-t", seconds.ToString(CultureInfo.InvariantCulture),
            url,
        ];
        using PeerProcess process = PeerProcess.Start("iscsi-perf", arguments, outputPath);
        RuntimeCounters start = RuntimeCounters.Take();
        bool ended = process.WaitForExit(TimeSpan.FromSeconds(seconds + 30));
        RuntimeDelta delta = RuntimeCounters.Take().Since(start);
        string output = process.ReadOutput();
        if (shutdown.Token.IsCancellationRequested)
        {
            return Sample.Failed(cell, round, "interrupted");
        }

        if (!ended)
        {
            return Sample.Failed(cell, round, $"iscsi-perf did not end within {seconds + 30} s: {Tail(output)}");
        }

        if (process.ExitCode != 0 || TryParseAverageIops(output) is not { } iops)
        {
            return Sample.Failed(cell, round, $"iscsi-perf exited {process.ExitCode}: {Tail(output)}");
        }

        return new Sample(cell, round)
        {
            Iops = iops,
            BytesPerSecond = iops * shape.TransferBytes,
            Ios = iops * seconds,
            Seconds = seconds,
        }.WithRuntime(delta);
    }

    /// <summary>
    /// The last "iops average N (M MB/s)" of the output. Progress lines end in \r, so the output is split on \r and \n;
    /// the summary line is printed last.
    /// </summary>
    public static double? TryParseAverageIops(string output)
    {
        double? last = null;
        foreach (string line in output.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries))
        {
            Match match = AverageIops().Match(line);
            if (match.Success)
            {
                last = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
            }
        }

        return last;
    }

    private static string Tail(string output)
    {
        string text = string.Join(" | ", output.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).TakeLast(3));
        return text.Length <= 300 ? text : text[^300..];
    }

    [GeneratedRegex(@"iops average (\d+(?:\.\d+)?) \(", RegexOptions.CultureInvariant)]
    private static partial Regex AverageIops();
}
