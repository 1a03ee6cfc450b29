using System.Globalization;

namespace StateSave.Comparison.Running;

/// <summary>The command line: how many rounds, how long each measurement, which measurements, where the results go.</summary>
internal sealed record HarnessOptions
{
    public const string Usage =
        """
        usage: run-comparison.sh [--rounds N] [--duration S] [--quick] [--only NAME,...] [--output PATH] [--port-base P]
                                [--trace-allocations]
          --rounds N      rounds; each runs every workload once on every system, in a rotated order (default 3)
          --duration S    seconds per throughput measurement (default 10)
          --quick         smoke test: 1 round, 3 s, small collections (4 and 8 hosts of 1 MiB)
          --only NAMES    run only these measurement groups (comma separated): target, initiator, loopback, collection
          --output PATH   where the Markdown results go (default benchmarks/RESULTS.md in the repository)
          --port-base P   first of the 5 TCP ports used (default 3370): our target, tgtd (and its control port),
                          iperf3, the two storage-system controllers
          --trace-allocations  print after each measurement which types it allocated (GC allocation ticks);
                          the listener allocates too, so such a run's allocation figures are not the ones to report
        """;

    public int Rounds { get; init; } = 3;

    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(10);

    public bool Quick { get; init; }

    /// <summary>The measurement groups to run; every group when empty.</summary>
    public IReadOnlySet<string> Only { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    public string? Output { get; init; }

    public int PortBase { get; init; } = 3370;

    public bool TraceAllocations { get; init; }

    /// <summary>The LU size served by both targets.</summary>
    public long LogicalUnitBytes { get; init; } = 1L << 30;

    /// <summary>The host counts of the state-save collections.</summary>
    public IReadOnlyList<int> CollectionHosts { get; init; } = [16, 64];

    /// <summary>State per host in a collection.</summary>
    public long StateBytesPerHost { get; init; } = 8L << 20;

    /// <summary>Steady-state run before an initiator measurement window opens (login, JIT, queues filled).</summary>
    public TimeSpan WarmUp => Quick ? TimeSpan.FromSeconds(0.5) : TimeSpan.FromSeconds(1);

    public IReadOnlyList<string> Arguments { get; init; } = [];

    public static readonly IReadOnlyList<string> Groups = ["target", "initiator", "loopback", "collection"];

    public bool Runs(string group) => Only.Count == 0 || Only.Contains(group);

    /// <summary>Parses the arguments; null with <paramref name="problem"/> set when they are not usable.</summary>
    public static HarnessOptions? Parse(IReadOnlyList<string> args, out string? problem)
    {
        problem = null;
        var options = new HarnessOptions { Arguments = args };
        bool quick = args.Contains("--quick", StringComparer.Ordinal);
        if (quick)
        {
            options = options with
            {
                Quick = true, Rounds = 1, Duration = TimeSpan.FromSeconds(3), CollectionHosts = [4, 8], StateBytesPerHost = 1L << 20,
            };
        }

        for (int i = 0; i < args.Count; i++)
        {
            string name = args[i];
            string? value = i + 1 < args.Count ? args[i + 1] : null;
            switch (name)
            {
                case "--quick":
                    continue;
                case "--trace-allocations":
                    options = options with { TraceAllocations = true };
                    continue;
                case "--rounds" when int.TryParse(value, CultureInfo.InvariantCulture, out int rounds) && rounds is >= 1 and <= 100:
                    options = options with { Rounds = rounds };
                    break;
                case "--duration" when double.TryParse(value, CultureInfo.InvariantCulture, out double seconds) && seconds is >= 1 and <= 3600:
                    options = options with { Duration = TimeSpan.FromSeconds(seconds) };
                    break;
                case "--only" when value is not null:
                    string[] groups = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    string? unknown = groups.FirstOrDefault(g => !Groups.Contains(g, StringComparer.Ordinal));
                    if (unknown is not null || groups.Length == 0)
                    {
                        problem = $"--only: '{unknown}' is not one of {string.Join(", ", Groups)}";
                        return null;
                    }

                    options = options with { Only = new HashSet<string>(groups, StringComparer.Ordinal) };
                    break;
                case "--output" when !string.IsNullOrWhiteSpace(value):
                    options = options with { Output = Path.GetFullPath(value) };
                    break;
                case "--port-base" when int.TryParse(value, CultureInfo.InvariantCulture, out int port) && port is >= 1024 and <= 65530:
                    options = options with { PortBase = port };
                    break;
                case "--help" or "-h":
                    problem = "";
                    return null;
                default:
                    problem = value is null || !name.StartsWith("--", StringComparison.Ordinal)
                        ? $"unknown or incomplete option '{name}'"
                        : $"option {name}: unusable value '{value}'";
                    return null;
            }

            i++;
        }

        return options;
    }
}
