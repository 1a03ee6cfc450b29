using StateSave.Comparison.Peers;
using StateSave.Comparison.Report;
using StateSave.Comparison.Running;

// The end-to-end comparison (benchmarks/README.md): this project's target and initiator against tgtd, libiscsi's
// iscsi-perf and an iperf3 loopback ceiling, and the in-band state-save collection time, in one run of alternating
// rounds. Writes benchmarks/RESULTS.md and prints the same Markdown to stdout; progress goes to stderr.
// Exit codes: 0 ran (goals missed are reported, not failures), 1 the harness broke, 2 bad usage, 130 interrupted.
HarnessOptions? options = HarnessOptions.Parse(args, out string? problem);
if (options is null)
{
    if (problem is { Length: > 0 })
    {
        Console.Error.WriteLine("comparison: " + problem);
    }

    (problem is { Length: > 0 } ? Console.Error : Console.Out).WriteLine(HarnessOptions.Usage);
    return problem is { Length: > 0 } ? 2 : 0;
}

string command = Environment.GetEnvironmentVariable("STATESAVE_COMPARISON_COMMAND")
    ?? "dotnet run -c Release --project benchmarks/StateSave.Comparison --" + string.Concat(args.Select(a => " " + a));
using var shutdown = new Shutdown();
try
{
    string output = options.Output ?? RepositoryPaths.DefaultResults;
    MachineInfo machine = MachineInfo.Collect();
    RunResult run = new ComparisonRun(options, shutdown).Execute();
    string report = ResultsTable.Build(run, options, machine, command);
    Console.Out.Write(report);
    Console.Out.Flush();
    if (run.Interrupted)
    {
        Console.Error.WriteLine($"comparison: interrupted; {output} left as it was");
        return 130;
    }

    Directory.CreateDirectory(Path.GetDirectoryName(output)!);
    File.WriteAllText(output, report);
    Console.Error.WriteLine($"comparison: written to {output}");
    return 0;
}
catch (Exception error) when (error is not OutOfMemoryException)
{
    Console.Error.WriteLine($"comparison: the harness broke: {error}");
    return 1;
}
finally
{
    PeerProcess.KillAll();
}
