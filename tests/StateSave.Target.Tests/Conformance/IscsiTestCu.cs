using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace StateSave.Target.Tests.Conformance;

/// <summary>
/// Runs libiscsi's iscsi-test-cu as tests/conformance/libiscsi.sh does: "-d [--allow-sanitize] [-t filter] url [mpath-url]"
/// with -x in its own directory, then, when the log shows skips, once more with -v to attribute them.
/// </summary>
public sealed class IscsiTestCu(string executable, IReadOnlyDictionary<string, string> environment, TimeSpan timeout)
{
    /// <summary>The most log kept from one run (characters).</summary>
    public const int LogCap = 64 * 1024 * 1024;

    /// <summary>The outcomes of one run; skipped tests are those that passed and logged "[SKIPPED]".</summary>
    public async Task<IReadOnlyList<CunitOutcome>> RunAsync(string? filter, bool allowSanitize, IReadOnlyList<string> urls, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(urls);
        string directory = Directory.CreateTempSubdirectory("statesave-conformance-").FullName;
        try
        {
            List<string> arguments = allowSanitize ? ["-d", "--allow-sanitize"] : ["-d"];
            if (filter is not null)
            {
                arguments.AddRange(["-t", filter]);
            }

            arguments.AddRange(urls);
            (int exitCode, string output, bool finished) = await RunProcessAsync(directory, ["-x", .. arguments], cancellationToken);
            string results = Path.Combine(directory, "CUnitAutomated-Results.xml");
            if (!File.Exists(results))
            {
                return [new CunitOutcome(0, "(run).(start)", CunitStatus.Failed, $"iscsi-test-cu exited with {exitCode} before running tests: {Tail(output)}")];
            }

            List<CunitOutcome> outcomes = [.. CunitResults.Parse(await File.ReadAllTextAsync(results, cancellationToken))];
            if (!finished)
            {
                outcomes.Add(new CunitOutcome(0, "(run).(timeout)", CunitStatus.Failed, $"iscsi-test-cu did not finish within {timeout}, or logged over {LogCap} characters"));
            }

            if (output.Contains("[SKIPPED]", StringComparison.Ordinal))
            {
                (_, string verbose, _) = await RunProcessAsync(directory, ["-v", .. arguments], cancellationToken);
                IReadOnlyDictionary<(int, string), string> skips = CunitVerboseLog.Skips(verbose);
                if (!verbose.Contains("\nRun Summary", StringComparison.Ordinal))
                {
                    // Skipped tests would otherwise count as passed.
                    outcomes.Add(new CunitOutcome(0, "(run).(skips)", CunitStatus.Failed, "the verbose run that names skipped tests did not finish: " + Tail(verbose)));
                }

                outcomes = [.. outcomes.Select(o => o.Status == CunitStatus.Passed && skips.TryGetValue((o.SuiteIndex, o.Name), out string? why)
                    ? o with { Status = CunitStatus.Skipped, Detail = why }
                    : o)];
            }

            return outcomes;
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private async Task<(int ExitCode, string Output, bool Finished)> RunProcessAsync(string directory, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(executable)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach ((string name, string value) in environment)
        {
            start.Environment[name] = value;
        }

        using Process process = Process.Start(start) ?? throw new InvalidOperationException($"{executable} did not start.");
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var log = new StringBuilder();
        Task output = CopyCappedAsync(process.StandardOutput, log, process, deadline);
        Task error = CopyCappedAsync(process.StandardError, log, process, deadline);
        bool finished = true;
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            finished = false;
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
        }

        await Task.WhenAll(output, error);
        if (log.Length >= LogCap)
        {
            log.Append(CultureInfo.InvariantCulture, $"\n[log cut at {LogCap} characters: a test loops]");
        }

        return (process.ExitCode, log.ToString(), finished && log.Length < LogCap);
    }

    // A test that loops on a failing command can log without end: keep the first LogCap characters, then stop the tool.
    private static async Task CopyCappedAsync(StreamReader reader, StringBuilder log, Process process, CancellationTokenSource deadline)
    {
        char[] buffer = new char[65536];
        try
        {
            int read;
            while ((read = await reader.ReadAsync(buffer, deadline.Token)) > 0)
            {
                lock (log)
                {
                    if (log.Length >= LogCap)
                    {
                        continue;
                    }

                    log.Append(buffer, 0, Math.Min(read, LogCap - log.Length));
                    if (log.Length >= LogCap)
                    {
                        deadline.Cancel();
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The deadline passed or the log was cut: the caller kills the process.
        }
        catch (IOException)
        {
            // The process was killed.
        }
    }

    private static string Tail(string output)
    {
        string trimmed = output.Trim();
        return trimmed.Length <= 500 ? trimmed : "..." + trimmed[^500..];
    }
}
