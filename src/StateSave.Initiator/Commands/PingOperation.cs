using System.Buffers;
using StateSave.Initiator.Connections;
using StateSave.Iscsi.Protocol;
using StateSave.Iscsi.Protocol.Pdus;

namespace StateSave.Initiator.Commands;

/// <summary>
/// A NOP-Out (RFC 7143 §11.18): a ping the target answers (ITT set), or the answer to the target's ping
/// (ITT FFFFFFFFh, echoing its Target Transfer Tag, LUN and data).
/// </summary>
internal sealed class PingOperation : ControlOperation
{
    private readonly TaskCompletionSource<bool> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ulong Lun { get; init; }

    public uint TargetTransferTag { get; init; } = ReservedTag.Value;

    public ReadOnlyMemory<byte> Data { get; init; }

    /// <summary>Completes with true when the NOP-In echoed the data.</summary>
    public Task<bool> Completion => _completion.Task;

    public override void Write(InitiatorConnection connection, uint cmdSN, uint expStatSN)
    {
        connection.Write(new NopOutPdu
        {
            Immediate = true,
            Lun = Lun,
            InitiatorTaskTag = InitiatorTaskTag,
            TargetTransferTag = TargetTransferTag,
            CmdSN = cmdSN,
            ExpStatSN = expStatSN,
            DataSegment = new ReadOnlySequence<byte>(Data),
        });
        if (!ExpectsResponse)
        {
            _completion.TrySetResult(true);
        }
    }

    public override bool Handle(in IscsiPdu pdu, out ControlOperation? followUp)
    {
        followUp = null;
        if (pdu.Opcode != IscsiOpcode.NopIn)
        {
            throw new IscsiProtocolException($"{pdu.Opcode} answered a NOP-Out.");
        }

        NopInPdu reply = pdu.As<NopInPdu>();
        bool echoed = reply.DataSegment.Length == Data.Length;
        if (echoed && Data.Length > 0)
        {
            byte[] copy = reply.DataSegment.ToArray();
            echoed = copy.AsSpan().SequenceEqual(Data.Span);
        }

        _completion.TrySetResult(echoed);
        return true;
    }

    public override void Fail(Exception error) => _completion.TrySetException(error);
}
