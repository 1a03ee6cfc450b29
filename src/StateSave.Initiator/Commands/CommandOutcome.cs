namespace StateSave.Initiator.Commands;

/// <summary>How a command ended, from the initiator's point of view.</summary>
public enum CommandOutcome : byte
{
    /// <summary>A SCSI status arrived (SCSI Response or Data-In with S); see <see cref="ScsiCommandResponse.Status"/>.</summary>
    Completed,

    /// <summary>The target answered with a service response other than "command completed at target".</summary>
    TargetFailure,

    /// <summary>The command was aborted by a task management function (or cancelled by the caller).</summary>
    Aborted,

    /// <summary>The target rejected the command PDU (Reject, RFC 7143 §11.17) or broke the protocol for it.</summary>
    ProtocolError,

    /// <summary>The session failed (recovery disabled or exhausted) before a status arrived.</summary>
    SessionFailed,

    /// <summary>The session was closed (logout) before a status arrived.</summary>
    SessionClosed,
}
