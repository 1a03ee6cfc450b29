namespace StateSave.Iscsi.Protocol;

/// <summary>
/// A target-to-initiator PDU that carries the target's sequence numbers at bytes 24-35 (RFC 7143 §11.x:
/// StatSN, ExpCmdSN, MaxCmdSN). A target's connection fills them in one place, under its send lock, so
/// they go out in the order they were assigned.
/// </summary>
public interface ITargetSequencedPdu
{
    /// <summary>StatSN (for Data-In without status and R2T: the next StatSN, not advanced).</summary>
    uint StatSN { get; set; }

    /// <summary>The next CmdSN the target expects.</summary>
    uint ExpCmdSN { get; set; }

    /// <summary>The highest CmdSN the target accepts now.</summary>
    uint MaxCmdSN { get; set; }
}
