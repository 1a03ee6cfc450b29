using StateSave.Comparison.Measuring;
using StateSave.Comparison.Running;

namespace StateSave.Comparison.Peers;

/// <summary>
/// libiscsi's <c>iscsi-inq</c>: one session that logs in, sends INQUIRY and logs out. Run against the in-process
/// target, its allocation delta is what one session's setup and teardown cost the target, which every iscsi-perf
/// window also contains once.
/// </summary>
internal static class IscsiInq
{
    public static bool IsInstalled => PeerProcess.IsInstalled("iscsi-inq");

    /// <summary>The median allocation of <paramref name="runs"/> sessions (after one unmeasured), or null when iscsi-inq failed.</summary>
    public static long? MeasureSessionAllocation(string url, string outputPath, int runs, Shutdown shutdown)
    {
        var deltas = new List<long>();
        for (int i = 0; i <= runs && !shutdown.Token.IsCancellationRequested; i++)
        {
            using PeerProcess process = PeerProcess.Start("iscsi-inq", [url], outputPath);
            RuntimeCounters start = RuntimeCounters.Take();
            bool ended = process.WaitForExit(TimeSpan.FromSeconds(30));
            RuntimeDelta delta = RuntimeCounters.Take().Since(start);
            if (!ended || process.ExitCode != 0)
            {
                return null;
            }

            if (i > 0)
            {
                deltas.Add(delta.AllocatedBytes);
            }
        }

        deltas.Sort();
        return deltas.Count == 0 ? null : deltas[deltas.Count / 2];
    }
}
