using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using Perfolizer.Horology;

namespace StateSave.Benchmarks.Infrastructure;

/// <summary>
/// The configuration every run uses: a short job (the suite runs in a few minutes on a shared 2-core machine),
/// the memory diagnoser (the Allocated column shows the 0 B/op), the GB/s column, and artifacts beside this
/// project. Command-line options (--job, --artifacts, --filter, ...) are applied on top by BenchmarkSwitcher.
/// </summary>
public static class BenchmarkConfig
{
    /// <summary>
    /// The [Params] property the GB/s column divides by the mean: only the CRC32C benchmarks' Size. (Bytes of data
    /// segment per second would mislead for a parse without digests, which never touches the data.)
    /// </summary>
    public static readonly string[] ByteCountParameters = ["Size"];

    public static IConfig Create()
    {
        // ShortRun's counts with shorter iterations: enough for stable means of these CPU-bound loops without
        // the default job's minutes per benchmark.
        Job shortJob = Job.Default
            .WithLaunchCount(1)
            .WithWarmupCount(3)
            .WithIterationCount(5)
            .WithIterationTime(TimeInterval.FromMilliseconds(150))
            .WithId("Short");

        ManualConfig config = DefaultConfig.Instance
            .AddJob(shortJob.AsDefault())
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddColumn(StatisticColumn.Median) // robust against the other builds on a shared machine
            .AddColumn(new ThroughputColumn(ByteCountParameters));

        string? projectDirectory = FindProjectDirectory();
        if (projectDirectory is not null)
        {
            config = config.WithArtifactsPath(Path.Combine(projectDirectory, "BenchmarkDotNet.Artifacts"));
        }

        return config;
    }

    /// <summary>The directory holding this project's .csproj, found upwards from bin/Release/net10.0/.</summary>
    private static string? FindProjectDirectory()
    {
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "StateSave.Benchmarks.csproj")))
            {
                return directory.FullName;
            }
        }

        return null;
    }
}
