namespace StateSave.StorageSystem.Collection;

/// <summary>A failure in the storage system that starts a collection: its ID, when, what failed, why, and the LUN it concerns.</summary>
public sealed record FailureReport(ulong Id, DateTimeOffset Time, string Component, string Reason, ulong Lun = 0);
