using StateSave.Initiator.Connections;
using StateSave.Iscsi.Protocol;
using StateSave.Iscsi.Protocol.Pdus;

namespace StateSave.Initiator.Commands;

/// <summary>A Task Management Function Request (RFC 7143 §11.5), always immediate.</summary>
internal sealed class TaskManagementOperation : ControlOperation
{
    private readonly TaskCompletionSource<TaskManagementResponse> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public required TaskManagementFunction Function { get; init; }

    public ulong Lun { get; init; }

    public uint ReferencedTaskTag { get; init; } = ReservedTag.Value;

    public uint RefCmdSN { get; init; }

    /// <summary>CmdSN the request carried (commands below it are covered by a task-set function).</summary>
    public uint SentCmdSN { get; private set; }

    public Task<TaskManagementResponse> Completion => _completion.Task;

    public override void Write(InitiatorConnection connection, uint cmdSN, uint expStatSN)
    {
        SentCmdSN = cmdSN;
        connection.Write(new TaskManagementFunctionRequestPdu
        {
            Immediate = true,
            Function = Function,
            Lun = Lun,
            InitiatorTaskTag = InitiatorTaskTag,
            ReferencedTaskTag = ReferencedTaskTag,
            CmdSN = cmdSN,
            ExpStatSN = expStatSN,
            RefCmdSN = RefCmdSN,
        });
    }

    public override bool Handle(in IscsiPdu pdu, out ControlOperation? followUp)
    {
        followUp = null;
        if (pdu.Opcode != IscsiOpcode.TaskManagementFunctionResponse)
        {
            throw new IscsiProtocolException($"{pdu.Opcode} answered a task management request.");
        }

        _completion.TrySetResult(pdu.As<TaskManagementFunctionResponsePdu>().Response);
        return true;
    }

    public override void Fail(Exception error) => _completion.TrySetException(error);
}
