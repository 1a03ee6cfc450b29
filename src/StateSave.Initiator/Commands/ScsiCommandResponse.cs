using StateSave.Iscsi.Protocol;
using StateSave.Scsi;

namespace StateSave.Initiator.Commands;

/// <summary>
/// The result of a SCSI command: outcome, SCSI status, decoded sense data (fixed or descriptor format), and the
/// residual (RFC 7143 §11.4.5). <see cref="IsGood"/> is true only when the target's GOOD status arrived.
/// </summary>
public readonly record struct ScsiCommandResponse
{
    public CommandOutcome Outcome { get; init; }

    /// <summary>The iSCSI service response (RFC 7143 §11.4.3), when <see cref="Outcome"/> is Completed or TargetFailure.</summary>
    public ScsiServiceResponse ServiceResponse { get; init; }

    public ScsiStatus Status { get; init; }

    /// <summary>Sense data from the SCSI Response, decoded; null when none came or it could not be decoded.</summary>
    public SenseData? Sense { get; init; }

    /// <summary>Length of the sense data the target sent (0 when none).</summary>
    public int SenseLength { get; init; }

    /// <summary>U: the target transferred less than the Expected Data Transfer Length, by <see cref="ResidualCount"/>.</summary>
    public bool ResidualUnderflow { get; init; }

    /// <summary>O: the command wanted more than the Expected Data Transfer Length, by <see cref="ResidualCount"/>.</summary>
    public bool ResidualOverflow { get; init; }

    public uint ResidualCount { get; init; }

    /// <summary>Data-In bytes placed in the caller's buffer (the highest offset written).</summary>
    public int DataInLength { get; init; }

    /// <summary>Set when <see cref="Outcome"/> is ProtocolError because of a Reject.</summary>
    public RejectReason? RejectReason { get; init; }

    /// <summary>True only when the target's GOOD status arrived for this command.</summary>
    public bool IsGood => Outcome == CommandOutcome.Completed && ServiceResponse == ScsiServiceResponse.CommandCompletedAtTarget && Status == ScsiStatus.Good;

    public override string ToString() => Outcome == CommandOutcome.Completed
        ? $"{Status}{(Sense is { } s ? " " + s : string.Empty)}{(ResidualUnderflow ? $" underflow {ResidualCount}" : ResidualOverflow ? $" overflow {ResidualCount}" : string.Empty)}"
        : Outcome + (RejectReason is { } r ? " " + r : string.Empty);
}
