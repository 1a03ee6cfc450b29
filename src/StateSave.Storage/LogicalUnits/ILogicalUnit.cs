using StateSave.Scsi.Server;
using StateSave.Storage.Devices;

namespace StateSave.Storage.LogicalUnits;

/// <summary>
/// A logical unit's device server as the SCSI target device (<see cref="ScsiTargetDevice"/>) drives it.
/// <see cref="BlockLogicalUnit"/> is the direct-access one; a firmware simulator implements this for its
/// own model (reusing <see cref="UnitAttentionQueue"/> and <see cref="TaskSet"/> if it likes).
/// </summary>
public interface ILogicalUnit
{
    /// <summary>Where other components (and the target device) establish unit attentions for this logical unit.</summary>
    IUnitAttentionSink UnitAttentions { get; }

    /// <summary>
    /// Executes one command addressed to this logical unit, including task ordering, unit attention,
    /// sense format. <paramref name="targetVendorCommands"/> holds the target-wide vendor-specific handlers
    /// (consulted after the logical unit's own). Never throws for a bad command.
    /// </summary>
    ValueTask<ScsiCommandResult> ExecuteAsync(IScsiCommand command, VendorCommandTable? targetVendorCommands);

    /// <summary>A new I_T nexus exists.</summary>
    void OnNexusEstablished(ITNexus nexus);

    /// <summary>An I_T nexus ended (I_T NEXUS LOSS).</summary>
    void OnNexusLost(ITNexus nexus);

    /// <summary>LOGICAL UNIT RESET, after the transport aborted the tasks (SAM-5 §7.7).</summary>
    ValueTask ResetAsync(ITNexus requester);

    /// <summary>TARGET WARM/COLD RESET, after the transport aborted all tasks.</summary>
    ValueTask ResetTargetAsync(ITNexus requester, bool cold);

    /// <summary>ABORT TASK SET / CLEAR TASK SET done; other nexuses' tasks were cleared when <paramref name="otherNexusesAffected"/>.</summary>
    void OnTaskSetCleared(ITNexus requester, bool otherNexusesAffected);
}
