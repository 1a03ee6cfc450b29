using System.Globalization;
using System.Text.Json;
using StateSave.Comparison.Measuring;
using StateSave.Comparison.Running;

namespace StateSave.Comparison.Peers;

/// <summary>
/// The loopback ceiling: one iperf3 TCP stream over 127.0.0.1 (a one-off server, <c>-s -1</c>, and a client with
/// JSON output; the server flushes each line, so "Server listening" reaches its log file at once). The figure is <c>end.sum_received.bits_per_second</c>: what the receiver got.
/// </summary>
internal static class Iperf3
{
    public static bool IsInstalled => PeerProcess.IsInstalled("iperf3");

    public static Sample Run(string cell, int round, int port, TimeSpan duration, string workDirectory, Shutdown shutdown)
    {
        int seconds = Math.Max(1, (int)Math.Round(duration.TotalSeconds));
        string portText = port.ToString(CultureInfo.InvariantCulture);
        using PeerProcess server = PeerProcess.Start("iperf3", ["-s", "-1", "-p", portText, "--forceflush"], Path.Combine(workDirectory, "iperf3-server.log"));
        if (!WaitListening(server, shutdown))
        {
            return Sample.Failed(cell, round, $"the iperf3 server did not listen on port {port}: {server.ReadOutput().Trim()}");
        }

        using PeerProcess client = PeerProcess.Start("iperf3", ["-c", "127.0.0.1", "-p", portText, "-t", seconds.ToString(CultureInfo.InvariantCulture), "-J"],
            Path.Combine(workDirectory, "iperf3-client.json"));
        bool ended = client.WaitForExit(TimeSpan.FromSeconds(seconds + 30));
        server.WaitForExit(TimeSpan.FromSeconds(5));
        string json = client.ReadOutput();
        if (shutdown.Token.IsCancellationRequested)
        {
            return Sample.Failed(cell, round, "interrupted");
        }

        if (!ended)
        {
            return Sample.Failed(cell, round, $"the iperf3 client did not end within {seconds + 30} s");
        }

        return TryParseReceivedBitsPerSecond(json, out double bitsPerSecond, out string? problem)
            ? new Sample(cell, round) { BytesPerSecond = bitsPerSecond / 8, Seconds = seconds }
            : Sample.Failed(cell, round, $"iperf3 (exit {client.ExitCode}): {problem}");
    }

    public static bool TryParseReceivedBitsPerSecond(string json, out double bitsPerSecond, out string? problem)
    {
        bitsPerSecond = 0;
        problem = null;
        try
        {
            using JsonDocument document = JsonDocument.Parse(json);
            JsonElement root = document.RootElement;
            if (root.TryGetProperty("error", out JsonElement error))
            {
                problem = error.GetString();
                return false;
            }

            bitsPerSecond = root.GetProperty("end").GetProperty("sum_received").GetProperty("bits_per_second").GetDouble();
            return bitsPerSecond > 0;
        }
        catch (Exception error) when (error is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            problem = "unreadable JSON: " + error.Message;
            return false;
        }
    }

    private static bool WaitListening(PeerProcess server, Shutdown shutdown)
    {
        for (int i = 0; i < 100 && !shutdown.Token.IsCancellationRequested; i++)
        {
            if (server.ReadOutput().Contains("Server listening", StringComparison.Ordinal))
            {
                return true;
            }

            if (server.HasExited)
            {
                return false;
            }

            shutdown.Wait(TimeSpan.FromMilliseconds(50));
        }

        return false;
    }
}
