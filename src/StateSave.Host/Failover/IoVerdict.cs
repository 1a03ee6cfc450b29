using StateSave.Initiator.Commands;
using StateSave.Initiator.Scsi;
using StateSave.Scsi;

namespace StateSave.Host.Failover;

/// <summary>What the failover driver does with one attempt's response (see specs/host-emulation.md, retry rules).</summary>
internal enum IoDisposition
{
    /// <summary>GOOD: the I/O is done.</summary>
    Success,

    /// <summary>An answer no other path can change (e.g. ILLEGAL REQUEST, MEDIUM ERROR, RESERVATION CONFLICT): returned to the caller.</summary>
    Fatal,

    /// <summary>The path is broken (transport, session, protocol): fail it and retry on another.</summary>
    PathFailed,

    /// <summary>The path's target port group may not serve the LU now (ALUA standby, unavailable, offline, transitioning): retry elsewhere, re-read RTPG.</summary>
    AccessDenied,

    /// <summary>A unit attention or an aborted command: retry at once (any path).</summary>
    Retry,

    /// <summary>BUSY, TASK SET FULL, becoming ready: retry after a pause.</summary>
    RetryLater,
}

/// <summary>The classification of one response.</summary>
internal readonly record struct IoVerdict(IoDisposition Disposition, bool RefreshAccessStates = false, AsymmetricAccessState? AccessState = null)
{
    public static IoVerdict Classify(in ScsiCommandResponse response, bool pathFailed)
    {
        if (response.IsGood)
        {
            return new(IoDisposition.Success);
        }

        switch (response.Outcome)
        {
            case CommandOutcome.Aborted:
                // Aborted because the path failed under it, or by someone else's task management: never an application error.
                return new(pathFailed ? IoDisposition.PathFailed : IoDisposition.Retry);
            case CommandOutcome.SessionFailed or CommandOutcome.SessionClosed or CommandOutcome.ProtocolError or CommandOutcome.TargetFailure:
                return new(IoDisposition.PathFailed);
        }

        return response.Status switch
        {
            ScsiStatus.Busy or ScsiStatus.TaskSetFull => new(IoDisposition.RetryLater),
            ScsiStatus.TaskAborted => new(IoDisposition.Retry),
            ScsiStatus.CheckCondition when response.Sense is { } sense => ClassifySense(sense),
            ScsiStatus.CheckCondition => new(IoDisposition.Retry), // CHECK CONDITION without sense: try again
            _ => new(IoDisposition.Fatal),
        };
    }

    private static IoVerdict ClassifySense(in SenseData sense)
    {
        AdditionalSenseCode asc = sense.AdditionalSenseCode;
        switch (sense.SenseKey)
        {
            case SenseKey.UnitAttention:
                // SPC-5 §5.16.2.5: ASYMMETRIC ACCESS STATE CHANGED and changed inventory mean the ALUA states must be read again.
                bool refresh = asc == AdditionalSenseCode.AsymmetricAccessStateChanged || asc == AdditionalSenseCode.ImplicitAsymmetricAccessStateTransitionFailed
                    || asc == AdditionalSenseCode.ReportedLunsDataHasChanged || asc == AdditionalSenseCode.InquiryDataHasChanged;
                return new(IoDisposition.Retry, refresh);
            case SenseKey.NotReady when asc == AdditionalSenseCode.LogicalUnitNotAccessibleAsymmetricAccessStateTransition:
                return new(IoDisposition.AccessDenied, true, AsymmetricAccessState.Transitioning);
            case SenseKey.NotReady when asc == AdditionalSenseCode.LogicalUnitNotAccessibleTargetPortInStandbyState:
                return new(IoDisposition.AccessDenied, true, AsymmetricAccessState.Standby);
            case SenseKey.NotReady when asc == AdditionalSenseCode.LogicalUnitNotAccessibleTargetPortInUnavailableState:
                return new(IoDisposition.AccessDenied, true, AsymmetricAccessState.Unavailable);
            case SenseKey.NotReady when asc == AdditionalSenseCode.LogicalUnitNotReadyOffline:
                return new(IoDisposition.AccessDenied, true, AsymmetricAccessState.Offline);
            case SenseKey.NotReady when asc == AdditionalSenseCode.LogicalUnitIsInProcessOfBecomingReady:
                return new(IoDisposition.RetryLater);
            case SenseKey.AbortedCommand:
                return new(IoDisposition.Retry);
            default:
                return new(IoDisposition.Fatal);
        }
    }
}
