using StateSave.Initiator.Scsi;

namespace StateSave.Host.Failover;

/// <summary>One path-state change: when, which device and path, old and new state (and ALUA state), and why.</summary>
public sealed record PathHistoryEntry(DateTimeOffset Time, string Device, string Path, PathState OldState, PathState NewState,
    AsymmetricAccessState OldAccessState, AsymmetricAccessState NewAccessState, string Reason);
