using System.Buffers;
using StateSave.Iscsi.Negotiation;
using StateSave.Iscsi.Protocol;
using StateSave.Iscsi.Protocol.Pdus;
using StateSave.Target.Sessions;

namespace StateSave.Target.Connections;

internal sealed partial class TargetConnection
{
    private readonly TextSegmentAssembler _textAssembler = new();
    private Queue<TextChunk>? _textContinuation;
    private uint _textContinuationTag = ReservedTag.Value;

    /// <summary>
    /// Text Request (RFC 7143 §11.10): SendTargets (§6.2 and appendix C) and full feature phase negotiation,
    /// with the C bit both ways: long requests are assembled, long answers are sent in pieces the initiator
    /// asks for with empty requests carrying the Target Transfer Tag.
    /// </summary>
    private async ValueTask HandleTextRequestAsync(TargetSession session, IscsiPdu pdu)
    {
        TextRequestPdu request = pdu.As<TextRequestPdu>();
        if (!session.TryAcceptCmdSN(request.CmdSN, request.Immediate, isTask: false))
        {
            return;
        }

        if (request.TargetTransferTag != ReservedTag.Value && request.TargetTransferTag == _textContinuationTag && _textContinuation is { Count: > 0 })
        {
            await SendTextChunkAsync(request).ConfigureAwait(false);
            return;
        }

        _textContinuation = null;
        _textContinuationTag = ReservedTag.Value;
        if (!_textAssembler.Append(request.DataSegment, request.Continue, out IReadOnlyList<TextKeyValue> pairs))
        {
            // More text to come: an empty answer asks for it.
            await SendAsync(new TextResponsePdu
            {
                Final = false,
                InitiatorTaskTag = request.InitiatorTaskTag,
                TargetTransferTag = NextTargetTransferTag(),
                Lun = 0,
            }, advanceStatSN: true).ConfigureAwait(false);
            return;
        }

        var answers = new List<TextKeyValue>();
        var negotiated = new List<TextKeyValue>();
        foreach (TextKeyValue pair in pairs)
        {
            if (pair.Key == TextKeyNames.SendTargets)
            {
                answers.AddRange(_server.SendTargets(session, pair.Value, _transport.LocalEndPoint));
            }
            else
            {
                negotiated.Add(pair);
            }
        }

        if (negotiated.Count > 0)
        {
            var engine = new NegotiationEngine(NegotiationRole.Target, session.IsDiscovery ? SessionType.Discovery : SessionType.Normal,
                LoginStage.FullFeaturePhase, _server.NegotiationSettingsFor(session.Target, PortalGroupTag), IscsiTargetServer.KeyRegistry);
            answers.AddRange(engine.ProcessReceived(negotiated));
        }

        byte[] text = TextCodec.Encode(answers);
        _textContinuation = new Queue<TextChunk>(TextSegmentSplitter.Split(text, MaxSendDataSegmentLength));
        _textContinuationTag = NextTargetTransferTag();
        await SendTextChunkAsync(request).ConfigureAwait(false);
    }

    private async ValueTask SendTextChunkAsync(TextRequestPdu request)
    {
        TextChunk chunk = _textContinuation!.Count > 0 ? _textContinuation.Dequeue() : new TextChunk(ReadOnlyMemory<byte>.Empty, false);
        bool more = chunk.Continue;
        await SendAsync(new TextResponsePdu
        {
            Final = !more,
            Continue = more,
            InitiatorTaskTag = request.InitiatorTaskTag,
            TargetTransferTag = more ? _textContinuationTag : ReservedTag.Value,
            DataSegment = new ReadOnlySequence<byte>(chunk.Data),
        }, advanceStatSN: true).ConfigureAwait(false);
        if (!more)
        {
            _textContinuation = null;
            _textContinuationTag = ReservedTag.Value;
        }
    }
}
