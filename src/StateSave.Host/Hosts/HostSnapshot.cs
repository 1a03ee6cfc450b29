using StateSave.Host.Applications;
using StateSave.Host.Failover;
using StateSave.Host.Hba;

namespace StateSave.Host.Hosts;

/// <summary>A whole host frozen at one instant: HBA driver, failover driver and each application's log (and counters when it has some).</summary>
public sealed record HostSnapshot(string Name, DateTimeOffset Time, IReadOnlyList<string> InitiatorNames, HbaSnapshot Hba, FailoverSnapshot Failover,
    IReadOnlyList<ApplicationSnapshot> Applications);

/// <summary>One application's log (oldest first) and, for a verifying workload, its counters.</summary>
public sealed record ApplicationSnapshot(string Name, IReadOnlyList<ApplicationLogEntry> Log, long LogOverwritten, WorkloadStatistics? Statistics);
