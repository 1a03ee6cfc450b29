using StateSave.Initiator.Scsi;

namespace StateSave.Host.Failover;

/// <summary>The failover driver's state frozen at one instant: devices, their paths with ALUA states, and the path-state history.</summary>
public sealed record FailoverSnapshot(DateTimeOffset Time, PathSelectionPolicy Policy, IReadOnlyList<MultipathDeviceSnapshot> Devices,
    IReadOnlyList<PathHistoryEntry> History, long HistoryOverwritten);

/// <summary>One multipath device (one logical unit) and its counters.</summary>
public sealed record MultipathDeviceSnapshot(string Name, string Identity, string Vendor, string Product, uint BlockLength, ulong BlockCount,
    long Ios, long Retries, long PathSwitches, long Errors, IReadOnlyList<PathSnapshot> Paths);

/// <summary>One path of a multipath device.</summary>
public sealed record PathSnapshot(string Name, string Session, string Port, string Portal, string TargetName, ulong Lun, ushort? RelativeTargetPort,
    ushort? TargetPortGroup, PathState State, AsymmetricAccessState AccessState, bool Preferred, int InFlight, long Ios, long Errors, long Failures,
    DateTimeOffset LastChange, string LastReason);
