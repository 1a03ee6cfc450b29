using StateSave.Iscsi.Protocol;
using StateSave.Iscsi.Protocol.Pdus;
using StateSave.Scsi;
using StateSave.Scsi.Server;
using StateSave.Target.Logging;
using StateSave.Target.Sessions;
using StateSave.Target.Tasks;

namespace StateSave.Target.Connections;

internal sealed partial class TargetConnection
{
    /// <summary>
    /// Task Management Function Request (RFC 7143 §11.5). Runs beside the read loop: aborting waits for the
    /// aborted tasks to end, and Data-Out for other tasks must keep flowing meanwhile.
    /// </summary>
    private void HandleTaskManagement(TargetSession session, IscsiPdu pdu)
    {
        TaskManagementFunctionRequestPdu request = pdu.As<TaskManagementFunctionRequestPdu>();
        if (!session.TryAcceptCmdSN(request.CmdSN, request.Immediate, isTask: false))
        {
            return;
        }

        _ = RunTaskManagementAsync(session, request);
    }

    private async Task RunTaskManagementAsync(TargetSession session, TaskManagementFunctionRequestPdu request)
    {
        TaskManagementResponse response;
        try
        {
            response = await PerformAsync(session, request).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A device server fault during a reset is reported as a rejected function, not a dropped connection.
        catch (Exception error) when (error is not OperationCanceledException)
#pragma warning restore CA1031
        {
            TargetLog.ConnectionFaulted(_logger, ConnectionId, error);
            response = TaskManagementResponse.FunctionRejected;
        }

        var lun = new LogicalUnitNumber(request.Lun);
        TargetLog.TaskManagement(_logger, session.Tsih, request.Function, lun, request.ReferencedTaskTag, response);
        try
        {
            await SendAsync(new TaskManagementFunctionResponsePdu { Response = response, InitiatorTaskTag = request.InitiatorTaskTag },
                advanceStatSN: true).ConfigureAwait(false);
        }
        catch (Exception error) when (error is OperationCanceledException or IOException or InvalidOperationException or ObjectDisposedException)
        {
            return; // the connection closed
        }

        if (request.Function == TaskManagementFunction.TargetColdReset && response == TaskManagementResponse.FunctionComplete)
        {
            // RFC 7143 §11.5.1: after a cold reset the target drops all its connections. The response queued above
            // must reach the initiator first: an abortive close could discard it and the initiator would see a reset
            // instead of the function's completion.
            foreach (TargetSession other in _server.SessionsOf(session.Target!))
            {
                other.Connection?.Close("target cold reset", drainOutput: true);
            }
        }
    }

    private async Task<TaskManagementResponse> PerformAsync(TargetSession session, TaskManagementFunctionRequestPdu request)
    {
        var lun = new LogicalUnitNumber(request.Lun);
        ITNexus nexus = session.Nexus!;
        IScsiDeviceServer device = session.Target!.Options.DeviceServer;
        bool lunScoped = request.Function is TaskManagementFunction.AbortTask or TaskManagementFunction.AbortTaskSet
            or TaskManagementFunction.ClearTaskSet or TaskManagementFunction.ClearAca or TaskManagementFunction.LogicalUnitReset;
        if (lunScoped && !device.IsAccessible(lun, nexus))
        {
            return TaskManagementResponse.LunDoesNotExist;
        }

        switch (request.Function)
        {
            case TaskManagementFunction.AbortTask:
                if (session.Tasks.TryGetSnapshot(request.ReferencedTaskTag, out TaskSnapshot task) && task.Lun == lun)
                {
                    await AbortAsync([task]).ConfigureAwait(false);
                    return TaskManagementResponse.FunctionComplete;
                }

                // RFC 7143 §11.5.1: a task not received yet but inside the window counts as received and aborted.
                return session.IsPending(request.RefCmdSN) && SerialNumber.LessThan(request.RefCmdSN, request.CmdSN)
                    ? TaskManagementResponse.FunctionComplete
                    : TaskManagementResponse.TaskDoesNotExist;

            case TaskManagementFunction.AbortTaskSet:
                await AbortAsync(session.Tasks.Snapshot().Where(t => t.Lun == lun)).ConfigureAwait(false);
                device.OnTaskSetCleared(lun, nexus, otherNexusesAffected: false);
                return TaskManagementResponse.FunctionComplete;

            case TaskManagementFunction.ClearTaskSet:
                await AbortAsync(TasksOfTarget(session.Target, t => t.Lun == lun)).ConfigureAwait(false);
                device.OnTaskSetCleared(lun, nexus, otherNexusesAffected: true);
                return TaskManagementResponse.FunctionComplete;

            case TaskManagementFunction.LogicalUnitReset:
                await AbortAsync(TasksOfTarget(session.Target, t => t.Lun == lun)).ConfigureAwait(false);
                await device.ResetLogicalUnitAsync(lun, nexus).ConfigureAwait(false);
                return TaskManagementResponse.FunctionComplete;

            case TaskManagementFunction.TargetWarmReset:
            case TaskManagementFunction.TargetColdReset:
                await AbortAsync(TasksOfTarget(session.Target, _ => true)).ConfigureAwait(false);
                await device.ResetTargetAsync(nexus, cold: request.Function == TaskManagementFunction.TargetColdReset).ConfigureAwait(false);
                return TaskManagementResponse.FunctionComplete;

            case TaskManagementFunction.TaskReassign:
                return TaskManagementResponse.TaskAllegianceReassignmentNotSupported; // needs ErrorRecoveryLevel 2

            default:
                return TaskManagementResponse.TaskManagementFunctionNotSupported; // CLEAR ACA: NACA is not supported
        }
    }

    private IEnumerable<TaskSnapshot> TasksOfTarget(TargetNode target, Func<TaskSnapshot, bool> match) =>
        _server.SessionsOf(target).SelectMany(s => s.Tasks.Snapshot()).Where(match);

    private static async Task AbortAsync(IEnumerable<TaskSnapshot> tasks)
    {
        TaskSnapshot[] aborted = [.. tasks];
        foreach (TaskSnapshot task in aborted)
        {
            task.Abort();
        }

        await IscsiTargetServer.WaitForTasksAsync(aborted, TimeSpan.FromSeconds(30)).ConfigureAwait(false);
    }
}
