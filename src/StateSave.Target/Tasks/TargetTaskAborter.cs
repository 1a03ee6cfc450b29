using StateSave.Scsi;
using StateSave.Scsi.Server;
using StateSave.Target.Sessions;

namespace StateSave.Target.Tasks;

/// <summary>
/// Aborts, for a device server, the tasks it preempts (PREEMPT AND ABORT, SPC-5 §5.14.11.4.4): every task on the
/// logical unit of the sessions whose I_T nexus it names, in every target that device server serves. The tasks end as
/// under ABORT TASK SET: no SCSI Response is sent for them (RFC 7143 §11.6.1).
/// </summary>
internal sealed class TargetTaskAborter(IscsiTargetServer server, IScsiDeviceServer device) : ITaskAborter
{
    public void AbortTasks(LogicalUnitNumber lun, Func<ITNexus, bool> includes, ITNexus requester, ulong exceptTaskTag)
    {
        ArgumentNullException.ThrowIfNull(includes);
        foreach (TargetSession session in server.Sessions.Snapshot())
        {
            if (session.Nexus is not { } nexus || !ReferenceEquals(session.Target?.Options.DeviceServer, device) || !includes(nexus))
            {
                continue;
            }

            bool isRequester = nexus.Equals(requester);
            foreach (TaskSnapshot task in session.Tasks.Snapshot())
            {
                if (task.Lun == lun && !(isRequester && task.InitiatorTaskTag == exceptTaskTag))
                {
                    task.Abort();
                }
            }
        }
    }
}
