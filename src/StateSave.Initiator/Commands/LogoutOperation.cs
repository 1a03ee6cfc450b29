using StateSave.Initiator.Connections;
using StateSave.Iscsi.Protocol;
using StateSave.Iscsi.Protocol.Pdus;

namespace StateSave.Initiator.Commands;

/// <summary>A Logout Request (RFC 7143 §11.14), immediate.</summary>
internal sealed class LogoutOperation : ControlOperation
{
    private readonly TaskCompletionSource<LogoutResponsePdu> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public LogoutReason Reason { get; init; } = LogoutReason.CloseSession;

    public ushort Cid { get; init; }

    public Task<LogoutResponsePdu> Completion => _completion.Task;

    public override void Write(InitiatorConnection connection, uint cmdSN, uint expStatSN) =>
        connection.Write(new LogoutRequestPdu
        {
            Immediate = true,
            Reason = Reason,
            InitiatorTaskTag = InitiatorTaskTag,
            Cid = Cid,
            CmdSN = cmdSN,
            ExpStatSN = expStatSN,
        });

    public override bool Handle(in IscsiPdu pdu, out ControlOperation? followUp)
    {
        followUp = null;
        if (pdu.Opcode != IscsiOpcode.LogoutResponse)
        {
            throw new IscsiProtocolException($"{pdu.Opcode} answered a Logout Request.");
        }

        _completion.TrySetResult(pdu.As<LogoutResponsePdu>());
        return true;
    }

    public override void Fail(Exception error) => _completion.TrySetException(error);
}
