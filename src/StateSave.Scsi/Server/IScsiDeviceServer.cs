namespace StateSave.Scsi.Server;

/// <summary>
/// What a SCSI transport (the iSCSI target) needs from the SCSI target device behind one target
/// (SAM-5 §4.6): the device servers of its logical units, task management that touches their state,
/// and I_T nexus events. Aborting the tasks themselves is the transport's job (it signals
/// <see cref="IScsiCommand.Aborted"/>); these calls update device server state such as unit attentions
/// and reservations.
/// </summary>
public interface IScsiDeviceServer
{
    /// <summary>Executes one command and reports how it ended. Never throws for a bad command: that is CHECK CONDITION.</summary>
    ValueTask<ScsiCommandResult> ExecuteAsync(IScsiCommand command);

    /// <summary>Whether the logical unit exists and the nexus may see it (task management answers "LUN does not exist" otherwise).</summary>
    bool IsAccessible(LogicalUnitNumber lun, ITNexus nexus);

    /// <summary>LOGICAL UNIT RESET (SAM-5 §7.7): after the transport aborted the LU's tasks.</summary>
    ValueTask ResetLogicalUnitAsync(LogicalUnitNumber lun, ITNexus requester);

    /// <summary>TARGET WARM RESET / TARGET COLD RESET (RFC 7143 §11.5.1): after the transport aborted all tasks.</summary>
    ValueTask ResetTargetAsync(ITNexus requester, bool cold);

    /// <summary>
    /// ABORT TASK SET or CLEAR TASK SET completed on <paramref name="lun"/>: tasks of other nexuses
    /// were cleared when <paramref name="otherNexusesAffected"/> (SAM-5 §7.4, UA 2Fh/00h).
    /// </summary>
    void OnTaskSetCleared(LogicalUnitNumber lun, ITNexus requester, bool otherNexusesAffected);

    /// <summary>A new I_T nexus exists (iSCSI: a session reached full feature phase).</summary>
    void OnNexusEstablished(ITNexus nexus);

    /// <summary>An I_T nexus ended (iSCSI: the session closed or was reinstated; SPC-5 I_T NEXUS LOSS).</summary>
    void OnNexusLost(ITNexus nexus);

    /// <summary>
    /// Called once by the transport before the first command: where the device server asks for tasks to be aborted
    /// (PREEMPT AND ABORT). A device server that never aborts tasks on its own ignores it.
    /// </summary>
    void AttachTaskAborter(ITaskAborter aborter)
    {
    }
}
