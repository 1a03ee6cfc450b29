using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace StateSave.Host.Failover;

/// <summary>Failover driver settings: path selection, probing and how long an I/O may wait for a usable path.</summary>
public sealed record FailoverOptions
{
    public PathSelectionPolicy Policy { get; init; } = PathSelectionPolicy.RoundRobin;

    /// <summary>How often failed paths are probed (TEST UNIT READY) and failed sessions logged in again.</summary>
    public TimeSpan ProbeInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How often ALUA states are re-read even without a unit attention; zero only re-reads on events.</summary>
    public TimeSpan AccessStatePollInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a probe (TEST UNIT READY on a failed path) may take.</summary>
    public TimeSpan ProbeTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long an I/O keeps being retried while no path can take it (all failed, transitioning, busy) before the
    /// application sees an error (queue_if_no_path with a limit).
    /// </summary>
    public TimeSpan NoPathTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Pause between retries when no other path is ready (BUSY, transitioning, all paths failed).</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Capacity of the path-state history ring.</summary>
    public int HistoryCapacity { get; init; } = 512;

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;
}
