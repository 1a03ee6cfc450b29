using System.Runtime.CompilerServices;
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
    /// <summary>A SCSI Command (RFC 7143 §11.3): admitted by CmdSN, copied out of the receive buffer and started.</summary>
    private async ValueTask HandleScsiCommandAsync(TargetSession session, IscsiPdu pdu)
    {
        ScsiCommandPdu command = pdu.As<ScsiCommandPdu>();
        if (!session.TryAcceptCmdSN(command.CmdSN, command.Immediate, isTask: true))
        {
            (uint exp, uint max) = session.Window;
            TargetLog.CommandOutsideWindow(_logger, ConnectionId, command.CmdSN, exp, max);
            return;
        }

        TargetTask task = _taskPool.Rent();
        task.Start(command, session.Nexus!);
        if (!session.Tasks.TryAdd(task))
        {
            session.TaskEnded();
            task.MarkCompleted();
            _taskPool.Return(task);
            await SendRejectAsync(RejectReason.InvalidPduField, pdu.Header, $"ITT 0x{command.InitiatorTaskTag:x8} is already in use").ConfigureAwait(false);
            return;
        }

        DataOutError? error = !Parameters.ImmediateData && !command.DataSegment.IsEmpty
            ? new DataOutError(SenseData.AbortedCommand(AdditionalSenseCode.WriteErrorUnexpectedUnsolicitedData), "immediate data with ImmediateData=No")
            : task.AcceptImmediateData(command, Parameters.InitialR2T, Parameters.FirstBurstLength);
        task.Run(RunTaskAsync(session, task, error));
    }

    /// <summary>Executes the command on the device server and sends its status; never throws.</summary>
    /// <remarks>Pooled state machine: a command that suspends (waiting for Data-Out, for the send lock) allocates nothing either.</remarks>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask RunTaskAsync(TargetSession session, TargetTask task, DataOutError? refused)
    {
        ScsiCommandResult result;
        IScsiDeviceServer device = session.Target!.Options.DeviceServer;
        try
        {
            result = refused is null ? await device.ExecuteAsync(task).ConfigureAwait(false) : ScsiCommandResult.CheckCondition(refused.Sense);
        }
        catch (OperationCanceledException) when (task.Aborted.IsCancellationRequested)
        {
            result = ScsiCommandResult.TaskAborted;
        }
#pragma warning disable CA1031 // A device server fault is the command's HARDWARE ERROR, not the connection's end.
        catch (Exception error)
#pragma warning restore CA1031
        {
            TargetLog.DeviceServerFault(_logger, task.InitiatorTaskTag, task.Cdb.Span[0], error);
            result = ScsiCommandResult.CheckCondition(SenseData.HardwareError(AdditionalSenseCode.InternalTargetFailure));
        }

        if ((refused ?? task.DataOutFailure) is { } failure)
        {
            TargetLog.DataOutError(_logger, task.InitiatorTaskTag, failure.Detail);
            result = ScsiCommandResult.CheckCondition(failure.Sense);
        }

        try
        {
            // An aborted task gets no response (RFC 7143 §11.5.1); the TMF response reports it.
            if (!task.IsAborted && !_closing.IsCancellationRequested)
            {
                await task.SendStatusAsync(result, _closing.Token).ConfigureAwait(false);
                if (_logger.IsEnabled(Microsoft.Extensions.Logging.LogLevel.Trace))
                {
                    TargetLog.CommandCompleted(_logger, task.InitiatorTaskTag, task.Cdb.Span[0], task.Lun, result);
                }
            }
        }
        catch (Exception error) when (error is OperationCanceledException or IOException or InvalidOperationException or ObjectDisposedException)
        {
            // The connection is closing (or closed): no status can reach the initiator any more.
        }
        finally
        {
            session.Tasks.Remove(task);
            session.Counters.Record(task.DataInBytes, task.DataOutBytes, result.Status == ScsiStatus.CheckCondition, task.IsAborted);
            session.TaskEnded();
            task.MarkCompleted(); // the task goes back to the pool once this method has returned (TargetTask.Run)
        }
    }

    /// <summary>A Data-Out PDU (RFC 7143 §11.7): its data goes to the task it belongs to.</summary>
    private static void HandleDataOut(TargetSession session, IscsiPdu pdu)
    {
        ScsiDataOutPdu dataOut = pdu.As<ScsiDataOutPdu>();
        if (!session.Tasks.TryGetSnapshot(dataOut.InitiatorTaskTag, out TaskSnapshot task))
        {
            return; // the task already ended (e.g. refused or aborted): the rest of its data is discarded
        }

        // A refused Data-Out ends the command with CHECK CONDITION (logged when the status is sent).
        task.Task.AcceptDataOut(task.Generation, dataOut);
    }
}
