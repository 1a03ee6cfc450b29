using System.Buffers;
using System.IO.Pipelines;
using StateSave.Initiator.Configuration;
using StateSave.Iscsi.Negotiation;
using StateSave.Iscsi.Protocol;
using StateSave.Iscsi.Protocol.Pdus;
using StateSave.Iscsi.Transport;

namespace StateSave.Initiator.Login;

/// <summary>
/// Runs the login phase (RFC 7143 §6.3) on a fresh transport connection: the security stage (AuthMethod None or
/// CHAP), the operational stage through <see cref="NegotiationEngine"/>, and the transit to the full feature phase.
/// A redirection (status class 1) is returned, not followed: the caller connects to the new address.
/// </summary>
internal sealed class LoginNegotiator
{
    // Login PDUs are limited to 8192 bytes of data until MaxRecvDataSegmentLength is settled (RFC 7143 §13.12).
    private static readonly PduReaderOptions s_loginReader = new() { Direction = PduDirection.FromTarget };

    private readonly IIscsiTransportConnection _transport;
    private readonly InitiatorOptions _options;
    private readonly SessionType _sessionType;
    private readonly string? _targetName;
    private readonly Isid _isid;
    private readonly ushort _tsih;
    private readonly ushort _cid;
    private readonly uint _cmdSN;
    private readonly uint _itt;
    private uint _expStatSN;

    public LoginNegotiator(IIscsiTransportConnection transport, InitiatorOptions options, SessionType sessionType, string? targetName,
        Isid isid, ushort tsih, ushort cid, uint cmdSN, uint itt)
    {
        _transport = transport;
        _options = options;
        _sessionType = sessionType;
        _targetName = targetName;
        _isid = isid;
        _tsih = tsih;
        _cid = cid;
        _cmdSN = cmdSN;
        _itt = itt;
    }

    public async Task<LoginResult> RunAsync(CancellationToken cancellationToken)
    {
        var engine = new NegotiationEngine(NegotiationRole.Initiator, _sessionType, LoginStage.SecurityNegotiation,
            _options.ToNegotiationSettings(_sessionType, _targetName), InitiatorOptions.KeyRegistry);
        ChapExchange? chap = _options.Chap is { } credentials ? new ChapExchange(credentials) : null;
        ChapStep chapStep = ChapStep.NotStarted;

        LoginStage stage = LoginStage.SecurityNegotiation;
        var toSend = new List<TextKeyValue>(engine.BuildOffers());
        // With CHAP the security stage needs several exchanges, so the first PDUs do not ask to transit.
        bool transit = chap is null;
        bool first = true;
        while (true)
        {
            LoginStage next = stage == LoginStage.SecurityNegotiation ? LoginStage.LoginOperationalNegotiation : LoginStage.FullFeaturePhase;
            (LoginResponsePdu response, IReadOnlyList<TextKeyValue> received) =
                await ExchangeAsync(stage, next, transit, toSend, cancellationToken).ConfigureAwait(false);

            if (response.Status.StatusClass == LoginStatusClass.Redirection)
            {
                string? address = Find(received, TextKeyNames.TargetAddress);
                if (address is null)
                {
                    throw new IscsiLoginException(response.Status, true, $"The target redirected the login ({response.Status}) without a TargetAddress.");
                }

                return new LoginResult { Parameters = NegotiatedParameters.Defaults, RedirectAddress = address, Status = response.Status };
            }

            if (!response.Status.IsSuccess)
            {
                throw new IscsiLoginException(response.Status, true, $"The target refused the login: {Describe(response.Status)}.");
            }

            if (!first && response.Tsih != 0 && _tsih != 0 && response.Tsih != _tsih)
            {
                throw Violation($"The target changed the TSIH from {_tsih} to {response.Tsih} during login.");
            }

            first = false;
            if (response.CurrentStage != stage)
            {
                throw Violation($"The Login Response is for stage {response.CurrentStage}, the request for {stage}.");
            }

            IReadOnlyList<TextKeyValue> answers;
            try
            {
                answers = engine.ProcessReceived(received);
            }
            catch (IscsiProtocolException error)
            {
                throw new IscsiLoginException(LoginStatus.InitiatorError, false, "Negotiation failed: " + error.Message, error);
            }

            toSend = new List<TextKeyValue>(answers);
            if (stage == LoginStage.SecurityNegotiation && chap is not null)
            {
                switch (chapStep)
                {
                    case ChapStep.NotStarted:
                        if (engine.GetNegotiatedParameters().AuthMethod != "CHAP")
                        {
                            throw new IscsiLoginException(LoginStatus.AuthenticationFailure, false,
                                $"The target did not agree to AuthMethod=CHAP (answered {Find(received, TextKeyNames.AuthMethod) ?? "nothing"}).");
                        }

                        toSend.AddRange(ChapExchange.AlgorithmOffer());
                        chapStep = ChapStep.AlgorithmSent;
                        transit = false;
                        continue;
                    case ChapStep.AlgorithmSent:
                        toSend.AddRange(chap.Respond(engine.AuthenticationPairs));
                        chapStep = ChapStep.ResponseSent;
                        transit = true;
                        continue;
                    case ChapStep.ResponseSent:
                        if (chap.AwaitingTargetResponse)
                        {
                            chap.VerifyTarget(engine.AuthenticationPairs);
                        }

                        chapStep = ChapStep.Done;
                        break;
                }

                if (chapStep == ChapStep.Done && !response.Transit)
                {
                    throw new IscsiLoginException(LoginStatus.AuthenticationFailure, false, "The target did not end the security stage after CHAP.");
                }
            }

            if (response.Transit)
            {
                if (response.NextStage == LoginStage.FullFeaturePhase)
                {
                    if (chap is not null && chapStep != ChapStep.Done)
                    {
                        throw new IscsiLoginException(LoginStatus.AuthenticationFailure, false,
                            "The target left the security stage before CHAP completed.");
                    }

                    return new LoginResult
                    {
                        Parameters = engine.GetNegotiatedParameters(),
                        Tsih = response.Tsih,
                        ExpStatSN = _expStatSN,
                        ExpCmdSN = response.ExpCmdSN,
                        MaxCmdSN = response.MaxCmdSN,
                    };
                }

                if (response.NextStage != stage)
                {
                    stage = response.NextStage;
                    engine.AdvanceStage(stage);
                    toSend.AddRange(engine.BuildOffers());
                }
            }

            transit = true;
        }
    }

    private async Task<(LoginResponsePdu Response, IReadOnlyList<TextKeyValue> Pairs)> ExchangeAsync(LoginStage stage, LoginStage next, bool transit,
        IReadOnlyList<TextKeyValue> pairs, CancellationToken cancellationToken)
    {
        byte[] text = TextCodec.Encode(pairs);
        if (text.Length > PduReaderOptions.DefaultMaxRecvDataSegmentLength)
        {
            throw new IscsiLoginException(LoginStatus.InitiatorError, false, $"The login text ({text.Length} bytes) does not fit one login PDU.");
        }

        await SendAsync(stage, next, transit, text, cancellationToken).ConfigureAwait(false);
        var assembler = new TextSegmentAssembler();
        while (true)
        {
            (LoginResponsePdu response, bool complete, IReadOnlyList<TextKeyValue> received) =
                await ReceiveAsync(assembler, cancellationToken).ConfigureAwait(false);
            if (complete || !response.Status.IsSuccess)
            {
                return (response, received);
            }

            // C bit: the target has more text; an empty Login Request asks for it (RFC 7143 §11.12.2).
            await SendAsync(stage, next, transit: false, [], cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task SendAsync(LoginStage stage, LoginStage next, bool transit, byte[] text, CancellationToken cancellationToken)
    {
        var request = new LoginRequestPdu
        {
            Transit = transit,
            CurrentStage = stage,
            NextStage = next, // ignored on the wire unless T is set
            VersionMax = 0,
            VersionMin = 0,
            Isid = _isid,
            Tsih = _tsih,
            InitiatorTaskTag = _itt,
            Cid = _cid,
            CmdSN = _cmdSN,
            ExpStatSN = _expStatSN,
            DataSegment = new ReadOnlySequence<byte>(text),
        };
        IscsiPduWriter.Write(_transport.Output, request);
        FlushResult flushed = await _transport.Output.FlushAsync(cancellationToken).ConfigureAwait(false);
        if (flushed.IsCompleted || flushed.IsCanceled)
        {
            throw new TransportException("The connection closed during login.");
        }
    }

    private async Task<(LoginResponsePdu Response, bool Complete, IReadOnlyList<TextKeyValue> Pairs)> ReceiveAsync(
        TextSegmentAssembler assembler, CancellationToken cancellationToken)
    {
        (bool read, IscsiPdu pdu, SequencePosition consumed) =
            await IscsiPduReader.ReadAsync(_transport.Input, s_loginReader, cancellationToken).ConfigureAwait(false);
        if (!read)
        {
            throw new TransportException("The target closed the connection during login.");
        }

        try
        {
            if (pdu.Opcode != IscsiOpcode.LoginResponse)
            {
                throw Violation($"The target sent {pdu.Opcode} during login.");
            }

            LoginResponsePdu response = pdu.As<LoginResponsePdu>();
            if (response.InitiatorTaskTag != _itt)
            {
                throw Violation($"The Login Response carries ITT 0x{response.InitiatorTaskTag:x8}, not 0x{_itt:x8}.");
            }

            if (response.Isid != _isid)
            {
                throw Violation($"The Login Response carries ISID {response.Isid}, not {_isid}.");
            }

            _expStatSN = response.StatSN + 1;
            if (!response.Status.IsSuccess && response.Status.StatusClass != LoginStatusClass.Redirection)
            {
                return (response, true, []);
            }

            bool complete = assembler.Append(response.DataSegment, response.Continue, out IReadOnlyList<TextKeyValue> pairs);
            return (response, complete, pairs);
        }
        catch (IscsiProtocolException error)
        {
            throw Violation(error.Message);
        }
        finally
        {
            _transport.Input.AdvanceTo(consumed);
        }
    }

    private static string? Find(IReadOnlyList<TextKeyValue> pairs, string key)
    {
        foreach (TextKeyValue pair in pairs)
        {
            if (pair.Key == key)
            {
                return pair.Value;
            }
        }

        return null;
    }

    private static string Describe(LoginStatus status) => status switch
    {
        { StatusClass: LoginStatusClass.InitiatorError, StatusDetail: 0x01 } => "authentication failure (0201h)",
        { StatusClass: LoginStatusClass.InitiatorError, StatusDetail: 0x02 } => "authorization failure (0202h)",
        { StatusClass: LoginStatusClass.InitiatorError, StatusDetail: 0x03 } => "target not found (0203h)",
        { StatusClass: LoginStatusClass.InitiatorError, StatusDetail: 0x04 } => "target removed (0204h)",
        { StatusClass: LoginStatusClass.InitiatorError, StatusDetail: 0x07 } => "missing parameter (0207h)",
        { StatusClass: LoginStatusClass.TargetError, StatusDetail: 0x01 } => "service unavailable (0301h)",
        { StatusClass: LoginStatusClass.TargetError, StatusDetail: 0x02 } => "out of resources (0302h)",
        _ => $"status {(int)status.StatusClass:x2}{status.StatusDetail:x2}h",
    };

    private static IscsiLoginException Violation(string message) => new(LoginStatus.InitiatorError, false, "Login protocol error: " + message);

    private enum ChapStep
    {
        NotStarted,
        AlgorithmSent,
        ResponseSent,
        Done,
    }
}
