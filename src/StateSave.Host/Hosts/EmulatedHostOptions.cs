using System.Net;
using StateSave.Host.Applications;
using StateSave.Host.Failover;
using StateSave.Host.Hba;

namespace StateSave.Host.Hosts;

/// <summary>A session the host logs in at start: through which port, to which portal, to which target (null: every target SendTargets lists there).</summary>
public sealed record PathBinding(string Port, EndPoint Portal, string? TargetName = null);

/// <summary>Everything an <see cref="EmulatedHost"/> is made of.</summary>
public sealed record EmulatedHostOptions
{
    /// <summary>The host's name (for logs and snapshots; several hosts can live in one process).</summary>
    public required string Name { get; init; }

    public required HbaDriverOptions Hba { get; init; }

    public FailoverOptions Failover { get; init; } = new();

    public IReadOnlyList<PathBinding> Paths { get; init; } = [];

    /// <summary>Applications, created once the multipath devices are known.</summary>
    public IReadOnlyList<Func<EmulatedHost, IHostApplication>> Applications { get; init; } = [];
}
