using System.Buffers;
using StateSave.Iscsi.Negotiation;
using StateSave.Iscsi.Protocol;
using StateSave.Iscsi.Protocol.Pdus;

namespace StateSave.Demo;

/// <summary>
/// The target side of the demo: answers login with the negotiation engine, SendTargets, NOP-Out pings and
/// logout, and answers bad PDUs with a Reject. Only what the demo needs; the real target is a later component.
/// </summary>
internal sealed class DemoResponder(PduChannel channel, string targetName, string targetAddress)
{
    public const int OwnMaxRecvDataSegmentLength = 262144;
    private const uint CommandWindow = 32;

    private uint _statSN = 0x1000;
    private uint _expCmdSN;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await LoginAsync(cancellationToken);
        while (true)
        {
            (Func<ValueTask> reply, bool goOn) answer;
            try
            {
                // The handler runs while the received PDU's buffer is valid: it copies what the answer needs.
                answer = await channel.ReceiveAsync(HandleFullFeaturePdu, cancellationToken);
            }
            catch (IscsiProtocolException error) when (error.Action == ProtocolErrorAction.Reject && error.RejectReason is RejectReason reason)
            {
                if (error.BytesToSkip > 0)
                {
                    await IscsiPduReader.SkipAsync(channel.Connection.Input, error.BytesToSkip, cancellationToken);
                }

                await channel.SendAsync(new RejectPdu
                {
                    Reason = reason, StatSN = _statSN++, ExpCmdSN = _expCmdSN, MaxCmdSN = _expCmdSN + CommandWindow,
                    DataSegment = new ReadOnlySequence<byte>(error.OffendingHeader),
                }, error.Message, cancellationToken);
                continue;
            }

            await answer.reply();
            if (!answer.goOn)
            {
                return;
            }
        }
    }

    private async Task LoginAsync(CancellationToken cancellationToken)
    {
        var settings = new NegotiationSettings
        {
            TargetName = targetName,
            TargetPortalGroupTag = 1,
            HeaderDigests = [DigestType.Crc32C, DigestType.None],
            DataDigests = [DigestType.Crc32C, DigestType.None],
            MaxRecvDataSegmentLength = OwnMaxRecvDataSegmentLength,
        };
        var engine = new NegotiationEngine(NegotiationRole.Target, SessionType.Normal, LoginStage.SecurityNegotiation, settings);
        var assembler = new TextSegmentAssembler();
        bool offeredInStage = false;
        while (true)
        {
            (LoginRequestPdu request, IReadOnlyList<TextKeyValue>? pairs) = await channel.ReceiveAsync(pdu =>
            {
                LoginRequestPdu r = pdu.As<LoginRequestPdu>();
                return (r, assembler.Append(r.DataSegment, r.Continue, out IReadOnlyList<TextKeyValue> p) ? p : null);
            }, cancellationToken);

            _expCmdSN = request.CmdSN;
            if (request.CurrentStage != engine.Stage)
            {
                engine.AdvanceStage(request.CurrentStage);
                offeredInStage = false;
            }

            List<TextKeyValue> answers = pairs is null ? [] : [.. engine.ProcessReceived(pairs)];
            if (!offeredInStage && request.CurrentStage == LoginStage.LoginOperationalNegotiation)
            {
                answers.AddRange(engine.BuildOffers());
                offeredInStage = true;
            }

            // Transit when the initiator asks to and every offer of ours has been answered (RFC 7143 §6.2).
            bool transit = request.Transit && pairs is not null && engine.AllOffersAnswered;
            bool final = transit && request.NextStage == LoginStage.FullFeaturePhase;
            await channel.SendAsync(new LoginResponsePdu
            {
                Transit = transit, CurrentStage = request.CurrentStage, NextStage = transit ? request.NextStage : LoginStage.SecurityNegotiation,
                Isid = request.Isid, Tsih = final ? (ushort)1 : request.Tsih, InitiatorTaskTag = request.InitiatorTaskTag,
                StatSN = _statSN++, ExpCmdSN = _expCmdSN, MaxCmdSN = _expCmdSN + CommandWindow, Status = LoginStatus.Success,
                DataSegment = new ReadOnlySequence<byte>(TextCodec.Encode(answers)),
            }, string.Join(' ', answers.Select(p => $"{p.Key}={p.Value}")), cancellationToken);

            if (final)
            {
                channel.EnterFullFeaturePhase(engine.GetNegotiatedParameters(), OwnMaxRecvDataSegmentLength);
                return;
            }
        }
    }

    private (Func<ValueTask> Reply, bool GoOn) HandleFullFeaturePdu(IscsiPdu pdu) => pdu.Opcode switch
    {
        IscsiOpcode.NopOut => (AnswerNop(pdu.As<NopOutPdu>()), true),
        IscsiOpcode.TextRequest => (AnswerText(pdu.As<TextRequestPdu>()), true),
        IscsiOpcode.LogoutRequest => (AnswerLogout(pdu.As<LogoutRequestPdu>()), false),
        _ => (RejectUnsupported(pdu), true),
    };

    private Func<ValueTask> AnswerNop(NopOutPdu ping)
    {
        AdvanceCmdSN(ping.Immediate);
        byte[] echo = ping.DataSegment.ToArray();
        var reply = new NopInPdu
        {
            InitiatorTaskTag = ping.InitiatorTaskTag, StatSN = _statSN++, ExpCmdSN = _expCmdSN, MaxCmdSN = _expCmdSN + CommandWindow,
            DataSegment = new ReadOnlySequence<byte>(echo),
        };
        return () => channel.SendAsync(reply, $"echo {echo.Length} B");
    }

    private Func<ValueTask> AnswerText(TextRequestPdu request)
    {
        AdvanceCmdSN(request.Immediate);
        IReadOnlyList<TextKeyValue> asked = TextCodec.Decode(request.DataSegment);
        List<TextKeyValue> answer = asked.Any(p => p.Key == TextKeyNames.SendTargets)
            ? [new(TextKeyNames.TargetName, targetName), new(TextKeyNames.TargetAddress, targetAddress)]
            : [];
        var reply = new TextResponsePdu
        {
            InitiatorTaskTag = request.InitiatorTaskTag, StatSN = _statSN++, ExpCmdSN = _expCmdSN, MaxCmdSN = _expCmdSN + CommandWindow,
            DataSegment = new ReadOnlySequence<byte>(TextCodec.Encode(answer)),
        };
        return () => channel.SendAsync(reply, string.Join(' ', answer.Select(p => $"{p.Key}={p.Value}")));
    }

    private Func<ValueTask> AnswerLogout(LogoutRequestPdu request)
    {
        AdvanceCmdSN(request.Immediate);
        var reply = new LogoutResponsePdu
        {
            InitiatorTaskTag = request.InitiatorTaskTag, StatSN = _statSN++, ExpCmdSN = _expCmdSN, MaxCmdSN = _expCmdSN + CommandWindow,
            Time2Wait = 2, Time2Retain = 20,
        };
        return () => channel.SendAsync(reply);
    }

    private Func<ValueTask> RejectUnsupported(in IscsiPdu pdu)
    {
        byte[] header = pdu.Header.ToArray();
        string detail = $"{pdu.Opcode} is not handled by the demo";
        var reply = new RejectPdu
        {
            Reason = RejectReason.CommandNotSupported, StatSN = _statSN++, ExpCmdSN = _expCmdSN, MaxCmdSN = _expCmdSN + CommandWindow,
            DataSegment = new ReadOnlySequence<byte>(header),
        };
        return () => channel.SendAsync(reply, detail);
    }

    private void AdvanceCmdSN(bool immediate)
    {
        if (!immediate)
        {
            _expCmdSN++;
        }
    }
}
