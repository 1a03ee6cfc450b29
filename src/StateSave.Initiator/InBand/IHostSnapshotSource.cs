using StateSave.Scsi.InBand;

namespace StateSave.Initiator.InBand;

/// <summary>What a host freezes when the storage asks it to save its state (the failover driver implements it).</summary>
public interface IHostSnapshotSource
{
    /// <summary>The host's name, for the snapshot's manifest.</summary>
    string HostName { get; }

    /// <summary>Freezes the state <paramref name="scope"/> asks for, for <paramref name="failureId"/>, as buffers.</summary>
    ValueTask<IReadOnlyList<SnapshotBuffer>> FreezeAsync(ulong failureId, StateSaveScope scope, StateSaveParameters parameters, CancellationToken cancellationToken);
}
