namespace StateSave.Scsi.Server;

/// <summary>
/// The transport's side of task aborts a device server decides on itself: PERSISTENT RESERVE OUT with PREEMPT AND
/// ABORT aborts every task of the preempted I_T nexuses on the logical unit (SPC-5 §5.14.11.4.4), as ABORT TASK SET
/// would, and only the transport knows the tasks in flight. Aborted tasks end without a response.
/// </summary>
public interface ITaskAborter
{
    /// <summary>
    /// Aborts the tasks addressed to <paramref name="lun"/> of every I_T nexus <paramref name="includes"/> accepts,
    /// except the task <paramref name="exceptTaskTag"/> of <paramref name="requester"/> (the command asking).
    /// </summary>
    void AbortTasks(LogicalUnitNumber lun, Func<ITNexus, bool> includes, ITNexus requester, ulong exceptTaskTag);
}
