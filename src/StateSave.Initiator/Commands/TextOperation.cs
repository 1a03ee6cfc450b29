using System.Buffers;
using StateSave.Initiator.Connections;
using StateSave.Iscsi.Negotiation;
using StateSave.Iscsi.Protocol;
using StateSave.Iscsi.Protocol.Pdus;

namespace StateSave.Initiator.Commands;

/// <summary>
/// A Text Request exchange (RFC 7143 §11.10): sends the keys, then follows the target's continuation (C bit, or
/// F=0 with a Target Transfer Tag) with empty requests until the final response; the text is reassembled (bounded).
/// </summary>
internal sealed class TextOperation : ControlOperation
{
    private readonly TaskCompletionSource<IReadOnlyList<TextKeyValue>> _completion;
    private readonly TextSegmentAssembler _assembler;
    private readonly List<TextKeyValue> _received;

    public TextOperation(ReadOnlyMemory<byte> text, int maxTotalTextLength)
        : this(text, ReservedTag.Value, new TaskCompletionSource<IReadOnlyList<TextKeyValue>>(TaskCreationOptions.RunContinuationsAsynchronously),
            new TextSegmentAssembler(maxTotalTextLength), [])
    {
    }

    private TextOperation(ReadOnlyMemory<byte> text, uint targetTransferTag, TaskCompletionSource<IReadOnlyList<TextKeyValue>> completion,
        TextSegmentAssembler assembler, List<TextKeyValue> received)
    {
        Text = text;
        TargetTransferTag = targetTransferTag;
        _completion = completion;
        _assembler = assembler;
        _received = received;
    }

    public override bool Immediate => false;

    public ReadOnlyMemory<byte> Text { get; }

    public uint TargetTransferTag { get; }

    public Task<IReadOnlyList<TextKeyValue>> Completion => _completion.Task;

    public override void Write(InitiatorConnection connection, uint cmdSN, uint expStatSN) =>
        connection.Write(new TextRequestPdu
        {
            Immediate = false,
            Final = true,
            InitiatorTaskTag = InitiatorTaskTag,
            TargetTransferTag = TargetTransferTag,
            CmdSN = cmdSN,
            ExpStatSN = expStatSN,
            Lun = 0,
            DataSegment = new ReadOnlySequence<byte>(Text),
        });

    public override bool Handle(in IscsiPdu pdu, out ControlOperation? followUp)
    {
        followUp = null;
        if (pdu.Opcode != IscsiOpcode.TextResponse)
        {
            throw new IscsiProtocolException($"{pdu.Opcode} answered a Text Request.");
        }

        TextResponsePdu response = pdu.As<TextResponsePdu>();
        if (_assembler.Append(response.DataSegment, response.Continue, out IReadOnlyList<TextKeyValue> pairs))
        {
            _received.AddRange(pairs);
        }

        if (response.Final && !response.Continue)
        {
            _completion.TrySetResult(_received);
            return true;
        }

        // More to come: an empty request with the target's Target Transfer Tag asks for it (RFC 7143 §11.10.4).
        followUp = new TextOperation(ReadOnlyMemory<byte>.Empty, response.TargetTransferTag, _completion, _assembler, _received)
        {
            InitiatorTaskTag = InitiatorTaskTag,
        };
        return true;
    }

    public override void Fail(Exception error) => _completion.TrySetException(error);
}
