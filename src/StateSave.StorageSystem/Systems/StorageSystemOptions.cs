using System.Net;
using StateSave.StorageSystem.Collection;
using StateSave.Target.Configuration;

namespace StateSave.StorageSystem.Systems;

/// <summary>What an emulated storage system is made of.</summary>
public sealed record StorageSystemOptions
{
    /// <summary>The iSCSI target the hosts log in to.</summary>
    public string TargetName { get; init; } = "iqn.2026-11.io.statesave:storage";

    /// <summary>One or two controllers, each with its portals.</summary>
    public IReadOnlyList<ControllerDefinition> Controllers { get; init; } =
    [
        new("A", [new IPEndPoint(IPAddress.Loopback, 0)]),
        new("B", [new IPEndPoint(IPAddress.Loopback, 0)]),
    ];

    /// <summary>Drives in the pool.</summary>
    public int Drives { get; init; } = 8;

    /// <summary>The logical units carved from the pool.</summary>
    public IReadOnlyList<LogicalUnitDefinition> LogicalUnits { get; init; } = [new(0, 64L * 1024 * 1024)];

    /// <summary>Initiators allowed to log in; null for any.</summary>
    public IList<string>? AllowedInitiators { get; init; }

    public ChapOptions? Chap { get; init; }

    /// <summary>How state saves are collected, and where packages go.</summary>
    public required StateSaveCollectorOptions Collection { get; init; }

    public SessionLimits Limits { get; init; } = new();
}

/// <summary>A controller: a name and its portals (each gets its own portal group tag).</summary>
public sealed record ControllerDefinition(string Name, IReadOnlyList<IPEndPoint> Portals);

/// <summary>A logical unit of the pool: its LUN and capacity (memory backed, thin provisioned).</summary>
public sealed record LogicalUnitDefinition(int Lun, long SizeBytes);
