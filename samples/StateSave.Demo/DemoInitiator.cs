using System.Buffers;
using StateSave.Iscsi.Negotiation;
using StateSave.Iscsi.Protocol;
using StateSave.Iscsi.Protocol.Pdus;

namespace StateSave.Demo;

/// <summary>
/// The initiator side of the demo: login through the security and operational stages with the negotiation
/// engine, SendTargets discovery, NOP-Out pings checked against their echo, and logout (RFC 7143 §6, §11).
/// Just enough of an initiator to exercise the wire layer end to end; the real one is a later component.
/// </summary>
internal sealed class DemoInitiator(PduChannel channel, string initiatorName, Isid isid)
{
    public const int OwnMaxRecvDataSegmentLength = 65536;

    private uint _cmdSN = 1;
    private uint _expStatSN;
    private uint _nextTaskTag = 1;

    public NegotiatedParameters Parameters { get; private set; } = NegotiatedParameters.Defaults;

    /// <summary>Logs in; returns the negotiated parameters. Throws when the target refuses.</summary>
    public async Task<NegotiatedParameters> LoginAsync(SessionType sessionType, string? targetName, bool digests, CancellationToken cancellationToken)
    {
        var settings = new NegotiationSettings
        {
            InitiatorName = initiatorName,
            TargetName = targetName,
            HeaderDigests = digests ? [DigestType.Crc32C, DigestType.None] : [DigestType.None],
            DataDigests = digests ? [DigestType.Crc32C, DigestType.None] : [DigestType.None],
            MaxRecvDataSegmentLength = OwnMaxRecvDataSegmentLength,
        };
        var engine = new NegotiationEngine(NegotiationRole.Initiator, sessionType, LoginStage.SecurityNegotiation, settings);
        uint itt = _nextTaskTag++;
        ushort tsih = 0;

        LoginStage stage = LoginStage.SecurityNegotiation;
        IReadOnlyList<TextKeyValue> toSend = engine.BuildOffers();
        while (true)
        {
            LoginStage next = stage == LoginStage.SecurityNegotiation ? LoginStage.LoginOperationalNegotiation : LoginStage.FullFeaturePhase;
            var request = new LoginRequestPdu
            {
                Transit = true, CurrentStage = stage, NextStage = next, Isid = isid, Tsih = tsih, InitiatorTaskTag = itt,
                Cid = 0, CmdSN = _cmdSN, ExpStatSN = _expStatSN, DataSegment = new ReadOnlySequence<byte>(TextCodec.Encode(toSend)),
            };
            await channel.SendAsync(request, $"CSG={(int)stage} NSG={(int)next} {string.Join(' ', toSend.Select(p => $"{p.Key}={p.Value}"))}", cancellationToken);

            (LoginResponsePdu response, IReadOnlyList<TextKeyValue> received) = await channel.ReceiveAsync(pdu =>
            {
                LoginResponsePdu r = pdu.As<LoginResponsePdu>();
                return (r, TextCodec.Decode(r.DataSegment));
            }, cancellationToken);

            if (!response.Status.IsSuccess)
            {
                throw new InvalidOperationException($"Login refused: status {response.Status}.");
            }

            _expStatSN = response.StatSN + 1;
            tsih = response.Tsih;
            toSend = engine.ProcessReceived(received);
            if (response.Transit && response.NextStage == LoginStage.FullFeaturePhase && toSend.Count == 0)
            {
                Parameters = engine.GetNegotiatedParameters();
                channel.EnterFullFeaturePhase(Parameters, OwnMaxRecvDataSegmentLength);
                return Parameters;
            }

            if (response.Transit)
            {
                stage = response.NextStage;
                engine.AdvanceStage(stage);
                toSend = [.. toSend, .. engine.BuildOffers()];
            }
        }
    }

    /// <summary>SendTargets=All on a discovery session; returns the text pairs the target answered.</summary>
    public async Task<IReadOnlyList<TextKeyValue>> SendTargetsAsync(CancellationToken cancellationToken)
    {
        var request = new TextRequestPdu
        {
            InitiatorTaskTag = _nextTaskTag++, CmdSN = _cmdSN++, ExpStatSN = _expStatSN,
            DataSegment = new ReadOnlySequence<byte>(TextCodec.Encode([new TextKeyValue(TextKeyNames.SendTargets, "All")])),
        };
        await channel.SendAsync(request, "SendTargets=All", cancellationToken);

        var assembler = new TextSegmentAssembler();
        while (true)
        {
            (bool complete, IReadOnlyList<TextKeyValue> pairs, TextResponsePdu response) = await channel.ReceiveAsync(pdu =>
            {
                TextResponsePdu r = pdu.As<TextResponsePdu>();
                bool done = assembler.Append(r.DataSegment, r.Continue, out IReadOnlyList<TextKeyValue> p);
                return (done, p, r);
            }, cancellationToken);
            _expStatSN = response.StatSN + 1;
            if (complete && response.Final)
            {
                return pairs;
            }

            // RFC 7143 §11.10.4: ask for the rest by echoing the target's Target Transfer Tag with an empty request.
            await channel.SendAsync(new TextRequestPdu
            {
                InitiatorTaskTag = request.InitiatorTaskTag, TargetTransferTag = response.TargetTransferTag, CmdSN = _cmdSN++, ExpStatSN = _expStatSN,
            }, "continue", cancellationToken);
        }
    }

    /// <summary>Sends an immediate NOP-Out with <paramref name="pingData"/> and checks the NOP-In echoes it (RFC 7143 §11.18.4).</summary>
    public async Task PingAsync(ReadOnlyMemory<byte> pingData, CancellationToken cancellationToken)
    {
        uint itt = _nextTaskTag++;
        await channel.SendAsync(new NopOutPdu
        {
            Immediate = true, InitiatorTaskTag = itt, CmdSN = _cmdSN, ExpStatSN = _expStatSN, DataSegment = new ReadOnlySequence<byte>(pingData),
        }, $"ping {pingData.Length} B", cancellationToken);

        (NopInPdu reply, bool echoed) = await channel.ReceiveAsync(pdu =>
        {
            NopInPdu r = pdu.As<NopInPdu>();
            return (r, r.DataSegment.ToArray().AsSpan().SequenceEqual(pingData.Span));
        }, cancellationToken);
        if (reply.InitiatorTaskTag != itt || !echoed)
        {
            throw new InvalidOperationException($"NOP-In for ITT 0x{reply.InitiatorTaskTag:x8} did not echo the ping sent with ITT 0x{itt:x8}.");
        }

        _expStatSN = reply.StatSN + 1;
    }

    /// <summary>Closes the session with a Logout Request and waits for the Logout Response.</summary>
    public async Task LogoutAsync(CancellationToken cancellationToken)
    {
        await channel.SendAsync(new LogoutRequestPdu
        {
            Immediate = true, Reason = LogoutReason.CloseSession, InitiatorTaskTag = _nextTaskTag++, CmdSN = _cmdSN, ExpStatSN = _expStatSN,
        }, "close session", cancellationToken);
        LogoutResponsePdu response = await channel.ReceiveAsync(pdu => pdu.As<LogoutResponsePdu>(), cancellationToken);
        if (response.Response != LogoutResponseCode.ClosedSuccessfully)
        {
            throw new InvalidOperationException($"Logout failed: {response.Response}.");
        }
    }
}
