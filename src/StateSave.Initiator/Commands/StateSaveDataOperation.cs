using StateSave.Initiator.Connections;
using StateSave.Iscsi.InBand;
using StateSave.Iscsi.Protocol;
using StateSave.Iscsi.Protocol.Pdus;

namespace StateSave.Initiator.Commands;

/// <summary>One State Save Data PDU (vendor-specific 1Ch, immediate, no CmdSN consumed) written by the session's writer; no answer comes.</summary>
internal sealed class StateSaveDataOperation(StateSaveDataPdu pdu) : ControlOperation
{
    private readonly TaskCompletionSource _written = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Written => _written.Task;

    public override void Write(InitiatorConnection connection, uint cmdSN, uint expStatSN)
    {
        VendorSpecificPdu wire = pdu.ToVendorSpecificPdu();
        connection.Write(wire);
        _written.TrySetResult();
    }

    public override bool Handle(in IscsiPdu pdu, out ControlOperation? followUp) =>
        throw new IscsiProtocolException($"{pdu.Opcode} answered State Save Data, which has no answer.");

    public override void Fail(Exception error) => _written.TrySetException(error);
}
