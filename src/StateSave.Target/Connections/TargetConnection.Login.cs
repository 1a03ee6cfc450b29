using System.Buffers;
using StateSave.Iscsi.Negotiation;
using StateSave.Iscsi.Protocol;
using StateSave.Iscsi.Protocol.Pdus;
using StateSave.Scsi.Server;
using StateSave.Target.Login;
using StateSave.Target.Logging;
using StateSave.Target.Names;
using StateSave.Target.Security;
using StateSave.Target.Sessions;

namespace StateSave.Target.Connections;

internal sealed partial class TargetConnection
{
    /// <summary>RFC 7143 §12.12: during login each side may send data segments of 8192 bytes.</summary>
    private const int LoginMaxRecvDataSegmentLength = 8192;

    /// <summary>iSCSI version 0x00 (RFC 7143 §11.12.4), the only one defined.</summary>
    private const byte IscsiVersion = 0x00;

    /// <summary>Runs the login phase. Returns true when the connection entered the full feature phase.</summary>
    private async Task<bool> LoginAsync()
    {
        var state = new LoginState();
        bool loggedIn = false;
        using var timeout = new CancellationTokenSource(_server.Limits.LoginTimeout);
        await using CancellationTokenRegistration onTimeout = timeout.Token.Register(() => Close("the login timed out"));
        await ReadLoopAsync(async pdu =>
        {
            if (pdu.Opcode != IscsiOpcode.LoginRequest)
            {
                // RFC 7143 §6.1: only Login Requests during the login phase.
                await RejectLoginAsync(state, LoginStatus.InvalidDuringLogin, $"{pdu.Opcode} during the login phase").ConfigureAwait(false);
                return false;
            }

            LoginRequestPdu request = pdu.As<LoginRequestPdu>();
            try
            {
                loggedIn = await ProcessLoginRequestAsync(state, request).ConfigureAwait(false);
                return !loggedIn;
            }
            catch (LoginRejectedException rejected)
            {
                await RejectLoginAsync(state, rejected.Status, rejected.Message, rejected.RedirectAddress).ConfigureAwait(false);
                return false;
            }
            catch (IscsiProtocolException error) when (error.Error is ProtocolErrorCode.NegotiationFailure or ProtocolErrorCode.MalformedText or ProtocolErrorCode.TextKeyTooLong or ProtocolErrorCode.TextValueTooLong
                or ProtocolErrorCode.TextTooLong or ProtocolErrorCode.InvalidField)
            {
                await RejectLoginAsync(state, LoginStatus.InitiatorError, error.Message).ConfigureAwait(false);
                return false;
            }
        }).ConfigureAwait(false);
        return loggedIn;
    }

    private async ValueTask<bool> ProcessLoginRequestAsync(LoginState state, LoginRequestPdu request)
    {
        CheckSameLogin(state, request);
        if (!state.Assembler.Append(request.DataSegment, request.Continue, out IReadOnlyList<TextKeyValue> pairs))
        {
            // C=1: the initiator has more text; an empty response asks for it (RFC 7143 §6.3).
            await SendLoginResponseAsync(state, request, transit: false, LoginStage.SecurityNegotiation, [], LoginStatus.Success).ConfigureAwait(false);
            return false;
        }

        if (request.CurrentStage is not (LoginStage.SecurityNegotiation or LoginStage.LoginOperationalNegotiation) || request.CurrentStage != state.Stage)
        {
            throw new LoginRejectedException(LoginStatus.InitiatorError, $"CSG {request.CurrentStage} where the login is in stage {state.Stage}");
        }

        if (request.Transit && (request.NextStage <= request.CurrentStage || request.NextStage is not (LoginStage.LoginOperationalNegotiation or LoginStage.FullFeaturePhase)))
        {
            throw new LoginRejectedException(LoginStatus.InitiatorError, $"a transit from {request.CurrentStage} to {request.NextStage}");
        }

        TargetLog.LoginText(_logger, ConnectionId, "in", request.CurrentStage, new LoggedText(pairs));

        if (state.Engine is null)
        {
            StartLogin(state, request, pairs);
        }

        NegotiationEngine engine = state.Engine!;
        var chapPairs = new List<TextKeyValue>();
        var otherPairs = new List<TextKeyValue>();
        foreach (TextKeyValue pair in pairs)
        {
            (pair.Key.StartsWith("CHAP_", StringComparison.Ordinal) ? chapPairs : otherPairs).Add(pair);
        }

        var answers = new List<TextKeyValue>(engine.ProcessReceived(otherPairs));
        if (!state.OfferedInStage)
        {
            answers.AddRange(engine.BuildOffers());
            state.OfferedInStage = true;
        }

        if (state.Stage == LoginStage.SecurityNegotiation)
        {
            Authenticate(state, engine, chapPairs, answers);
        }
        else if (chapPairs.Count > 0)
        {
            throw new LoginRejectedException(LoginStatus.InitiatorError, "CHAP keys outside the security negotiation stage");
        }

        bool transit = request.Transit && engine.AllOffersAnswered;
        if (transit && state.Stage == LoginStage.SecurityNegotiation && state.Chap is { IsAuthenticated: false })
        {
            // With AuthMethod=CHAP agreed the exchange goes on (T=0, RFC 7143 §6.2: the target may refuse a transit);
            // an initiator that cannot do CHAP cannot leave the security stage.
            if (!string.Equals(engine.GetNegotiatedParameters().AuthMethod, "CHAP", StringComparison.Ordinal))
            {
                throw new LoginRejectedException(LoginStatus.AuthenticationFailure, "the initiator left security negotiation without authenticating");
            }

            transit = false;
        }

        if (!transit || request.NextStage != LoginStage.FullFeaturePhase)
        {
            await SendLoginResponseAsync(state, request, transit, request.NextStage, answers, LoginStatus.Success).ConfigureAwait(false);
            if (transit)
            {
                state.Stage = request.NextStage;
                state.OfferedInStage = false;
                engine.AdvanceStage(request.NextStage);
            }

            return false;
        }

        await EnterFullFeaturePhaseAsync(state, request, answers).ConfigureAwait(false);
        return true;
    }

    private static void CheckSameLogin(LoginState state, in LoginRequestPdu request)
    {
        if (!state.FirstRequestSeen)
        {
            state.FirstRequestSeen = true;
            state.Isid = request.Isid;
            state.Tsih = request.Tsih;
            state.Cid = request.Cid;
            state.InitiatorTaskTag = request.InitiatorTaskTag;
            state.CmdSN = request.CmdSN;
            state.Stage = request.CurrentStage;

            // RFC 7143 §11.12.4: version 0x00 is the only one; a VersionMin above it cannot be served.
            if (request.VersionMin > IscsiVersion)
            {
                throw new LoginRejectedException(LoginStatus.UnsupportedVersion, $"VersionMin 0x{request.VersionMin:x2} is above 0x{IscsiVersion:x2}");
            }

            return;
        }

        // RFC 7143 §6.1: ISID, TSIH, CID and ITT stay the same through one login.
        if (request.Isid != state.Isid || request.Tsih != state.Tsih || request.Cid != state.Cid || request.InitiatorTaskTag != state.InitiatorTaskTag)
        {
            throw new LoginRejectedException(LoginStatus.InitiatorError, "ISID, TSIH, CID or ITT changed during the login");
        }

        state.CmdSN = request.CmdSN;
    }

    /// <summary>The first request: who is logging in to what, and whether it may (RFC 7143 §6.1, §11.13.5).</summary>
    private void StartLogin(LoginState state, in LoginRequestPdu request, IReadOnlyList<TextKeyValue> pairs)
    {
        string? initiatorName = Find(pairs, TextKeyNames.InitiatorName);
        string? sessionType = Find(pairs, TextKeyNames.SessionType);
        string? targetName = Find(pairs, TextKeyNames.TargetName);
        if (initiatorName is null)
        {
            throw new LoginRejectedException(LoginStatus.MissingParameter, "the first Login Request has no InitiatorName");
        }

        if (!IscsiName.IsValid(initiatorName, out string? problem))
        {
            throw new LoginRejectedException(LoginStatus.InitiatorError, $"InitiatorName '{initiatorName}': {problem}");
        }

        state.InitiatorName = initiatorName;
        state.SessionType = sessionType switch
        {
            null or "Normal" => SessionType.Normal,
            "Discovery" => SessionType.Discovery,
            _ => throw new LoginRejectedException(LoginStatus.SessionTypeNotSupported, $"SessionType={sessionType}"),
        };

        if (state.SessionType == SessionType.Normal)
        {
            if (targetName is null)
            {
                throw new LoginRejectedException(LoginStatus.MissingParameter, "a normal session needs TargetName");
            }

            TargetNode target = _server.FindTarget(targetName) is { } found && found.IsReachableThrough(PortalGroupTag)
                ? found
                : throw new LoginRejectedException(LoginStatus.NotFound, $"no target '{targetName}' behind portal group {PortalGroupTag}");
            if (target.Options.RedirectTo is { } address)
            {
                throw new LoginRejectedException(
                    target.Options.RedirectPermanently ? LoginStatus.TargetMovedPermanently : LoginStatus.TargetMovedTemporarily,
                    $"redirected to {address}") { RedirectAddress = address };
            }

            if (!target.Allows(initiatorName))
            {
                throw new LoginRejectedException(LoginStatus.AuthorizationFailure, $"'{initiatorName}' may not log in to '{targetName}'");
            }

            state.Target = target;
            if (target.Options.Chap is { } chap)
            {
                state.Chap = new ChapAuthenticator(chap);
            }
        }

        if (state.Tsih != 0)
        {
            // A connection for an existing session (RFC 7143 §5.3.4): it must exist, and with MaxConnections=1
            // only a reinstatement of its connection (same CID) is possible.
            TargetSession? session = _server.Sessions.Find(state.Tsih);
            if (session is null || session.Isid != state.Isid || !string.Equals(session.InitiatorName, initiatorName, StringComparison.Ordinal)
                || !ReferenceEquals(session.Target, state.Target))
            {
                throw new LoginRejectedException(LoginStatus.SessionDoesNotExist, $"no session with TSIH {state.Tsih} for this initiator and ISID");
            }

            if (session.Connection is { } existing && existing.Cid != state.Cid)
            {
                throw new LoginRejectedException(LoginStatus.TooManyConnections, "the session already has its one connection (MaxConnections=1)");
            }

            state.ExistingSession = session;
        }

        if (state.Chap is not null && request.CurrentStage != LoginStage.SecurityNegotiation)
        {
            throw new LoginRejectedException(LoginStatus.AuthenticationFailure, "the target requires CHAP but the login skipped security negotiation");
        }

        state.Settings = _server.NegotiationSettingsFor(state.Target, PortalGroupTag);
        state.Engine = new NegotiationEngine(NegotiationRole.Target, state.SessionType, request.CurrentStage, state.Settings,
            IscsiTargetServer.KeyRegistry, isLeadingConnection: state.Tsih == 0);
    }

    private static void Authenticate(LoginState state, NegotiationEngine engine, List<TextKeyValue> chapPairs, List<TextKeyValue> answers)
    {
        if (state.Chap is not { } chap)
        {
            if (chapPairs.Count > 0)
            {
                throw new LoginRejectedException(LoginStatus.AuthenticationFailure, "CHAP keys but the target does not use CHAP");
            }

            return;
        }

        string authMethod = engine.GetNegotiatedParameters().AuthMethod;
        if (!string.Equals(authMethod, "CHAP", StringComparison.Ordinal))
        {
            if (chapPairs.Count > 0)
            {
                throw new LoginRejectedException(LoginStatus.AuthenticationFailure, "CHAP keys before AuthMethod=CHAP was agreed");
            }

            return; // the transit check fails the login if the initiator goes on without CHAP
        }

        (IReadOnlyList<TextKeyValue> answer, string? failure) = chap.Process(chapPairs);
        if (failure is not null)
        {
            throw new LoginRejectedException(LoginStatus.AuthenticationFailure, failure);
        }

        answers.AddRange(answer);
    }

    private async ValueTask EnterFullFeaturePhaseAsync(LoginState state, LoginRequestPdu request, List<TextKeyValue> answers)
    {
        NegotiationEngine engine = state.Engine!;
        NegotiatedParameters parameters = engine.GetNegotiatedParameters() with { InitiatorName = state.InitiatorName };
        TargetSession session;
        if (state.ExistingSession is { } existing)
        {
            // Connection reinstatement (RFC 7143 §6.3.4): the old connection's tasks end with it.
            existing.Connection?.Close("reinstated by a new connection with the same CID");
            session = existing;
        }
        else
        {
            if (_server.Sessions.Find(state.InitiatorName!, state.Isid, state.Target?.Name) is { } old)
            {
                // Session reinstatement (RFC 7143 §6.3.5): the new session replaces the old one.
                TargetLog.SessionReinstated(_logger, old.Tsih, old.InitiatorName, old.Isid);
                old.Connection?.Close("the session was reinstated");
                await _server.EndSessionAsync(old, "reinstated").ConfigureAwait(false);
            }

            ITNexus? nexus = state.Target is { } target
                ? new ITNexus(state.InitiatorName!, $"{state.InitiatorName},i,0x{state.Isid}", target.Name,
                    $"{target.Name},t,0x{PortalGroupTag:x4}", PortalGroupTag == 0 ? (ushort)1 : PortalGroupTag, PortalGroupTag)
                : null;
            session = _server.Sessions.Add(tsih => new TargetSession(tsih, state.Isid, state.InitiatorName!, state.Target, parameters, nexus,
                state.CmdSN, _server.Limits.CommandWindow))
                ?? throw new LoginRejectedException(LoginStatus.OutOfResources, "the server has no room for another session");
            if (nexus is not null)
            {
                state.Target!.Options.DeviceServer.OnNexusEstablished(nexus);
            }
        }

        Cid = state.Cid;
        Parameters = session.Parameters;
        state.Tsih = session.Tsih;
        session.Connection = this;
        Session = session;
        await SendLoginResponseAsync(state, request, transit: true, LoginStage.FullFeaturePhase, answers, LoginStatus.Success).ConfigureAwait(false);

        // From here on: the negotiated digests, and data segments up to what the target declared.
        DigestOptions digests = (Parameters.HeaderDigest == DigestType.Crc32C ? DigestOptions.HeaderDigest : DigestOptions.None)
            | (Parameters.DataDigest == DigestType.Crc32C ? DigestOptions.DataDigest : DigestOptions.None);
        _sendDigests = digests;
        _readerOptions = _readerOptions with { Digests = digests, MaxRecvDataSegmentLength = Parameters.TargetMaxRecvDataSegmentLength };
        TargetLog.LoginSucceeded(_logger, state.SessionType, session.Tsih, session.InitiatorName, session.Isid,
            session.Target?.Name, Parameters.HeaderDigest, Parameters.DataDigest, Parameters.InitiatorMaxRecvDataSegmentLength);
        StartPings();
    }

    private async ValueTask SendLoginResponseAsync(LoginState state, LoginRequestPdu request, bool transit, LoginStage nextStage,
        List<TextKeyValue> answers, LoginStatus status)
    {
        _loginWindow = (state.CmdSN, state.CmdSN + (uint)_server.Limits.CommandWindow - 1);
        byte[] text = answers.Count == 0 ? [] : TextCodec.Encode(answers);
        TargetLog.LoginText(_logger, ConnectionId, "out", request.CurrentStage, new LoggedText(answers));

        var response = new LoginResponsePdu
        {
            Transit = transit,
            CurrentStage = request.CurrentStage,
            NextStage = transit ? nextStage : 0,
            VersionMax = IscsiVersion,
            VersionActive = IscsiVersion,
            Isid = state.Isid,
            Tsih = state.Tsih,
            InitiatorTaskTag = state.InitiatorTaskTag,
            Status = status,
            DataSegment = new ReadOnlySequence<byte>(text),
        };
        await SendAsync(response, advanceStatSN: true).ConfigureAwait(false);
    }

    private async ValueTask RejectLoginAsync(LoginState state, LoginStatus status, string reason, string? redirectAddress = null)
    {
        TargetLog.LoginFailed(_logger, state.InitiatorName, ConnectionId, status, reason);
        _endReason = $"login failed ({status}): {reason}";
        byte[] text = redirectAddress is null ? [] : TextCodec.Encode([new TextKeyValue(TextKeyNames.TargetAddress, redirectAddress)]);
        _loginWindow = (state.CmdSN, state.CmdSN + (uint)_server.Limits.CommandWindow - 1);
        var response = new LoginResponsePdu
        {
            CurrentStage = state.Stage,
            VersionMax = IscsiVersion,
            VersionActive = IscsiVersion,
            Isid = state.Isid,
            Tsih = state.Tsih,
            InitiatorTaskTag = state.InitiatorTaskTag,
            Status = status,
            DataSegment = new ReadOnlySequence<byte>(text),
        };
        await SendAsync(response, advanceStatSN: true).ConfigureAwait(false);
    }

    private static string? Find(IReadOnlyList<TextKeyValue> pairs, string key)
    {
        foreach (TextKeyValue pair in pairs)
        {
            if (string.Equals(pair.Key, key, StringComparison.Ordinal))
            {
                return pair.Value;
            }
        }

        return null;
    }
}
