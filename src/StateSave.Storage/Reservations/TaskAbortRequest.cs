using StateSave.Scsi.Server;

namespace StateSave.Storage.Reservations;

/// <summary>
/// PREEMPT AND ABORT (SPC-5 §5.14.11.4.4) preempted registrations: the transport aborts every task of each
/// I_T nexus for which <see cref="Includes"/> is true, on this logical unit, except the PERSISTENT RESERVE OUT
/// task itself (<see cref="RequestTaskTag"/> on <see cref="RequestedBy"/>), as if by ABORT TASK SET, without
/// establishing COMMANDS CLEARED BY ANOTHER INITIATOR (the preempted nexuses receive REGISTRATIONS PREEMPTED).
/// </summary>
public sealed class TaskAbortRequest
{
    private readonly IReadOnlyList<Func<ITNexus, bool>> _matchers;

    internal TaskAbortRequest(ITNexus requestedBy, ulong requestTaskTag, IReadOnlyList<Func<ITNexus, bool>> matchers)
    {
        RequestedBy = requestedBy;
        RequestTaskTag = requestTaskTag;
        _matchers = matchers;
    }

    /// <summary>The I_T nexus that sent PREEMPT AND ABORT.</summary>
    public ITNexus RequestedBy { get; }

    /// <summary>The task tag of the PERSISTENT RESERVE OUT command, which is not aborted.</summary>
    public ulong RequestTaskTag { get; }

    /// <summary>Whether the tasks of <paramref name="nexus"/> are to be aborted.</summary>
    public bool Includes(ITNexus nexus)
    {
        ArgumentNullException.ThrowIfNull(nexus);
        foreach (Func<ITNexus, bool> matcher in _matchers)
        {
            if (matcher(nexus))
            {
                return true;
            }
        }

        return false;
    }
}
