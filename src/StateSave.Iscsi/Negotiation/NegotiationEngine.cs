using System.Globalization;

using StateSave.Iscsi.Protocol;
namespace StateSave.Iscsi.Negotiation;

/// <summary>
/// Text negotiation (RFC 7143 §6.2) for one side of a login or Text exchange; the same engine serves the initiator
/// and the target. Call <see cref="BuildOffers"/> for what this side sends on its own, <see cref="ProcessReceived"/>
/// for each logical text data segment from the peer (it returns the answers to send), and
/// <see cref="GetNegotiatedParameters"/> once <see cref="AllOffersAnswered"/>. Not thread-safe.
/// </summary>
/// <remarks>
/// SendTargets answers (repeated TargetName/TargetAddress) belong to the discovery layer and are not fed here.
/// CHAP_* keys are collected in <see cref="AuthenticationPairs"/> for the authentication layer.
/// </remarks>
public sealed class NegotiationEngine
{
    private readonly TextKeyRegistry _registry;
    private readonly NegotiationSettings _settings;
    private readonly HashSet<string> _received = new(StringComparer.Ordinal);
    private readonly HashSet<string> _receivedInSegment = new(StringComparer.Ordinal);
    private readonly HashSet<string> _sent = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _outstanding = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _results = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _initiatorDeclarations = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _targetDeclarations = new(StringComparer.Ordinal);
    private readonly List<TextKeyValue> _authenticationPairs = [];

    public NegotiationEngine(NegotiationRole role, SessionType sessionType, LoginStage stage, NegotiationSettings? settings = null,
        TextKeyRegistry? registry = null, bool isLeadingConnection = true)
    {
        Role = role;
        SessionType = sessionType;
        Stage = stage;
        _settings = settings ?? NegotiationSettings.Default;
        _registry = registry ?? TextKeyRegistry.Standard;
        IsLeadingConnection = isLeadingConnection;
        ValidateSettings();
    }

    public NegotiationRole Role { get; }

    /// <summary>The session type; a target learns it from the initiator's SessionType declaration.</summary>
    public SessionType SessionType { get; private set; }

    public LoginStage Stage { get; private set; }

    public bool IsLeadingConnection { get; }

    /// <summary>Whether every key this side offered has been answered.</summary>
    public bool AllOffersAnswered => _outstanding.Count == 0;

    /// <summary>Keys offered and not answered yet.</summary>
    public IReadOnlyCollection<string> OutstandingOffers => _outstanding.Keys;

    /// <summary>CHAP_* pairs received, in order, for the authentication layer.</summary>
    public IReadOnlyList<TextKeyValue> AuthenticationPairs => _authenticationPairs;

    private NegotiationRole PeerRole => Role == NegotiationRole.Initiator ? NegotiationRole.Target : NegotiationRole.Initiator;

    private Dictionary<string, string> OwnDeclarations => Role == NegotiationRole.Initiator ? _initiatorDeclarations : _targetDeclarations;

    private Dictionary<string, string> PeerDeclarations => Role == NegotiationRole.Initiator ? _targetDeclarations : _initiatorDeclarations;

    /// <summary>Moves to a later stage (e.g. from security to operational negotiation); what was settled is kept.</summary>
    public void AdvanceStage(LoginStage next)
    {
        if (next < Stage)
        {
            throw new ArgumentOutOfRangeException(nameof(next), next, $"The negotiation is already in stage {Stage}.");
        }
        Stage = next;
    }

    /// <summary>
    /// The keys this side sends on its own in the current stage and not sent before: declarations, and offers for
    /// the keys the peer has not offered. An initiator offers every relevant key; a target offers only keys whose
    /// setting differs from the RFC default (the initiator's offers are answered by <see cref="ProcessReceived"/>).
    /// </summary>
    public IReadOnlyList<TextKeyValue> BuildOffers()
    {
        var offers = new List<TextKeyValue>();
        foreach (TextKeyDefinition definition in _registry.Definitions)
        {
            if (definition.IsObsolete || definition.Rule == NegotiationRule.AuthenticationExchange
                || !MaySend(definition.Senders, Role) || _sent.Contains(definition.Name)
                // A peer's offer settles a negotiated key; a peer's declaration does not stand for ours.
                || (_received.Contains(definition.Name) && definition.Rule != NegotiationRule.Declarative)
                || Relevance(definition) is not null)
            {
                continue;
            }
            string? value = OfferValue(definition);
            if (value is null)
            {
                continue;
            }
            _sent.Add(definition.Name);
            if (definition.Rule == NegotiationRule.Declarative)
            {
                RecordDeclaration(OwnDeclarations, definition, value);
            }
            else
            {
                _outstanding[definition.Name] = value;
            }
            offers.Add(new TextKeyValue(definition.Name, value));
        }
        return offers;
    }

    /// <summary>
    /// Processes the pairs of one logical text data segment from the peer: answers its offers, records its
    /// declarations and settles its answers to this side's offers.
    /// </summary>
    /// <returns>The answers to send back, in the order of the offers.</returns>
    /// <exception cref="Protocol.IscsiProtocolException">
    /// <see cref="Protocol.ProtocolErrorCode.NegotiationFailure"/>: a key repeated, an answer breaking its key's rule,
    /// or an answer to a key never offered.
    /// </exception>
    public IReadOnlyList<TextKeyValue> ProcessReceived(IReadOnlyList<TextKeyValue> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        LearnSessionType(pairs);
        _receivedInSegment.Clear();
        var answers = new List<TextKeyValue>();
        foreach (TextKeyValue pair in pairs)
        {
            string? answer = Process(pair);
            if (answer is not null)
            {
                answers.Add(new TextKeyValue(pair.Key, answer));
            }
        }
        return answers;
    }

    /// <summary>A snapshot of everything settled so far; keys not negotiated hold their RFC defaults.</summary>
    public NegotiatedParameters GetNegotiatedParameters()
    {
        NegotiatedParameters defaults = NegotiatedParameters.Defaults;
        var extensions = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (TextKeyDefinition definition in _registry.Definitions.Where(d => d.IsPrivate))
        {
            string? value = _results.GetValueOrDefault(definition.Name)
                ?? _initiatorDeclarations.GetValueOrDefault(definition.Name) ?? _targetDeclarations.GetValueOrDefault(definition.Name);
            if (value is not null)
            {
                extensions[definition.Name] = value;
            }
        }
        return new NegotiatedParameters
        {
            SessionType = SessionType,
            InitiatorName = _initiatorDeclarations.GetValueOrDefault(TextKeyNames.InitiatorName),
            InitiatorAlias = _initiatorDeclarations.GetValueOrDefault(TextKeyNames.InitiatorAlias),
            TargetName = _initiatorDeclarations.GetValueOrDefault(TextKeyNames.TargetName),
            TargetAlias = _targetDeclarations.GetValueOrDefault(TextKeyNames.TargetAlias),
            TargetAddress = _targetDeclarations.GetValueOrDefault(TextKeyNames.TargetAddress),
            TargetPortalGroupTag = _targetDeclarations.TryGetValue(TextKeyNames.TargetPortalGroupTag, out string? tag)
                ? ushort.Parse(tag, CultureInfo.InvariantCulture) : null,
            AuthMethod = _results.GetValueOrDefault(TextKeyNames.AuthMethod) ?? defaults.AuthMethod,
            HeaderDigest = Digest(TextKeyNames.HeaderDigest, defaults.HeaderDigest),
            DataDigest = Digest(TextKeyNames.DataDigest, defaults.DataDigest),
            MaxConnections = Number(TextKeyNames.MaxConnections, defaults.MaxConnections),
            InitialR2T = Boolean(TextKeyNames.InitialR2T, defaults.InitialR2T),
            ImmediateData = Boolean(TextKeyNames.ImmediateData, defaults.ImmediateData),
            InitiatorMaxRecvDataSegmentLength = Declared(_initiatorDeclarations, TextKeyNames.MaxRecvDataSegmentLength, defaults.InitiatorMaxRecvDataSegmentLength),
            TargetMaxRecvDataSegmentLength = Declared(_targetDeclarations, TextKeyNames.MaxRecvDataSegmentLength, defaults.TargetMaxRecvDataSegmentLength),
            MaxBurstLength = Number(TextKeyNames.MaxBurstLength, defaults.MaxBurstLength),
            FirstBurstLength = Number(TextKeyNames.FirstBurstLength, defaults.FirstBurstLength),
            DefaultTime2Wait = Number(TextKeyNames.DefaultTime2Wait, defaults.DefaultTime2Wait),
            DefaultTime2Retain = Number(TextKeyNames.DefaultTime2Retain, defaults.DefaultTime2Retain),
            MaxOutstandingR2T = Number(TextKeyNames.MaxOutstandingR2T, defaults.MaxOutstandingR2T),
            DataPDUInOrder = Boolean(TextKeyNames.DataPDUInOrder, defaults.DataPDUInOrder),
            DataSequenceInOrder = Boolean(TextKeyNames.DataSequenceInOrder, defaults.DataSequenceInOrder),
            ErrorRecoveryLevel = Number(TextKeyNames.ErrorRecoveryLevel, defaults.ErrorRecoveryLevel),
            TaskReporter = _results.GetValueOrDefault(TextKeyNames.TaskReporter) ?? defaults.TaskReporter,
            IscsiProtocolLevel = Number(TextKeyNames.IscsiProtocolLevel, defaults.IscsiProtocolLevel),
            ExtensionKeys = extensions.Count == 0 ? ExtensionKeyDictionary.Empty : new ExtensionKeyDictionary(extensions),
        };
    }

    private string? Process(TextKeyValue pair)
    {
        (string key, string value) = pair;
        bool known = _registry.TryGetDefinition(key, out TextKeyDefinition? definition);
        // RFC 7143 §6.2: a key is negotiated or declared at most once (TargetAddress may repeat in a redirection).
        bool firstInSegment = _receivedInSegment.Add(key);
        if (!_received.Add(key) && definition?.MayRepeat != true)
        {
            // Some initiators (libiscsi) declare InitiatorName, TargetName and SessionType again in each stage and
            // repeat every offer after a response with T=0. With ToleratesRepeatedKeys a repetition in a later PDU
            // of something already settled, with the same value, changes nothing and gets no answer.
            if (_settings.ToleratesRepeatedKeys && firstInSegment && IsSettledRepeat(definition, key, value))
            {
                return null;
            }

            throw TextErrors.Negotiation($"The key {key} was received twice in one negotiation.");
        }
        if (_outstanding.Remove(key, out string? offered))
        {
            Settle(definition!, offered, value);
            return null;
        }
        if (TextValues.IsReservedAnswer(value))
        {
            if (known && _sent.Contains(key))
            {
                // The peer refused one of our declarations: it is as if it had not been sent.
                OwnDeclarations.Remove(key);
                return null;
            }
            throw TextErrors.Negotiation($"The peer answered {key}={value} but this side never offered {key}.");
        }
        if (!known)
        {
            return TextKeyNames.NotUnderstood;
        }
        if (definition!.IsObsolete)
        {
            return TextKeyNames.Reject; // RFC 7143 §13.26: obsoleted keys are answered Reject, not NotUnderstood.
        }
        if (!MaySend(definition.Senders, PeerRole))
        {
            return TextKeyNames.Reject;
        }
        if (Relevance(definition) is { } irrelevant)
        {
            // Irrelevant here (e.g. an operational key in the security stage): the key may still be negotiated
            // in a later stage, where libiscsi offers it again.
            _received.Remove(key);
            return irrelevant;
        }
        return Answer(definition, value);
    }

    private bool IsSettledRepeat(TextKeyDefinition? definition, string key, string value) =>
        definition?.IsObsolete == true
        || _results.ContainsKey(key)
        || (definition?.Rule == NegotiationRule.Declarative && PeerDeclarations.TryGetValue(key, out string? previous)
            && string.Equals(previous, value, StringComparison.Ordinal));

    private string? Answer(TextKeyDefinition definition, string value)
    {
        string key = definition.Name;
        if (!TextValues.IsWellFormed(definition.ValueKind, value) || !InRange(definition, value))
        {
            return TextKeyNames.Reject;
        }
        switch (definition.Rule)
        {
            case NegotiationRule.AuthenticationExchange:
                _authenticationPairs.Add(new TextKeyValue(key, value));
                return null;
            case NegotiationRule.Declarative:
                if (definition.DefinedValues is { } defined && !defined.Contains(value))
                {
                    return TextKeyNames.Reject;
                }
                RecordDeclaration(PeerDeclarations, definition, value);
                return null;
            case NegotiationRule.ListOfValues:
            {
                // RFC 7143 §6.2.1: the first value of the offerer's list that this side supports.
                string[] supported = LocalList(definition);
                string? choice = TextValues.SplitList(value).FirstOrDefault(v => supported.Contains(v));
                if (choice is null)
                {
                    return TextKeyNames.Reject;
                }
                return _results[key] = choice;
            }
            case NegotiationRule.BooleanAnd:
            case NegotiationRule.BooleanOr:
            {
                bool theirs = TextValues.TryParseBoolean(value, out bool parsed) && parsed; // well-formed: checked above
                bool ours = TextValues.TryParseBoolean(LocalValue(definition) ?? definition.DefaultValue ?? TextKeyNames.No, out bool local) && local;
                bool result = definition.Rule == NegotiationRule.BooleanAnd ? theirs && ours : theirs || ours;
                return _results[key] = TextValues.FormatBoolean(result);
            }
            default:
            {
                ulong theirs = TextValues.TryParseNumber(value, out ulong parsed) ? parsed : 0; // well-formed: checked above
                if (!TextValues.TryParseNumber(LocalValue(definition) ?? definition.DefaultValue ?? value, out ulong ours))
                {
                    ours = theirs;
                }
                ulong result = definition.Rule == NegotiationRule.NumericMinimum ? Math.Min(theirs, ours) : Math.Max(theirs, ours);
                return _results[key] = TextValues.FormatNumber(result);
            }
        }
    }

    /// <summary>Checks the peer's answer to our offer against the key's rule (RFC 7143 §6.2).</summary>
    private void Settle(TextKeyDefinition definition, string offered, string answer)
    {
        string key = definition.Name;
        if (TextValues.IsReservedAnswer(answer))
        {
            return; // Reject, Irrelevant, NotUnderstood: the key keeps its default.
        }
        bool valid;
        switch (definition.Rule)
        {
            case NegotiationRule.ListOfValues:
                valid = TextValues.SplitList(offered).Contains(answer);
                break;
            case NegotiationRule.BooleanAnd:
            case NegotiationRule.BooleanOr:
            {
                bool ours = TextValues.TryParseBoolean(offered, out bool parsed) && parsed;
                // AND: a No offer can only give No; OR: a Yes offer can only give Yes.
                valid = TextValues.TryParseBoolean(answer, out bool theirs)
                    && (definition.Rule == NegotiationRule.BooleanAnd ? ours || !theirs : !ours || theirs);
                break;
            }
            default:
            {
                ulong ours = TextValues.TryParseNumber(offered, out ulong parsed) ? parsed : 0;
                valid = TextValues.TryParseNumber(answer, out ulong theirs) && InRange(definition, answer)
                    && (definition.Rule == NegotiationRule.NumericMinimum ? theirs <= ours : theirs >= ours);
                break;
            }
        }
        if (!valid)
        {
            throw TextErrors.Negotiation(
                $"The answer {key}={answer} breaks the {definition.Rule} rule for the offer {key}={offered}.");
        }
        _results[key] = answer;
    }

    /// <summary>The answer that makes a key irrelevant here, or null when the key may be negotiated.</summary>
    private string? Relevance(TextKeyDefinition definition)
    {
        NegotiationStages stage = Stage switch
        {
            LoginStage.SecurityNegotiation => NegotiationStages.SecurityNegotiation,
            LoginStage.LoginOperationalNegotiation => NegotiationStages.OperationalNegotiation,
            _ => NegotiationStages.FullFeaturePhase,
        };
        bool irrelevant = (definition.Stages & stage) == 0
            || (definition.Use == KeyUse.LeadingOnly && !IsLeadingConnection)
            || (SessionType == SessionType.Discovery && !definition.RelevantInDiscovery)
            || (definition.Name == TextKeyNames.FirstBurstLength && FirstBurstLengthIrrelevant());
        return irrelevant ? TextKeyNames.Irrelevant : null;
    }

    // RFC 7143 §13.14: FirstBurstLength is irrelevant when InitialR2T=Yes and ImmediateData=No. Outcomes not
    // settled yet are predicted from this side's settings (OR with Yes gives Yes, AND with No gives No).
    private bool FirstBurstLengthIrrelevant()
    {
        bool initialR2T = _results.TryGetValue(TextKeyNames.InitialR2T, out string? r2t) ? r2t == TextKeyNames.Yes : _settings.InitialR2T;
        bool immediateData = _results.TryGetValue(TextKeyNames.ImmediateData, out string? immediate)
            ? immediate == TextKeyNames.Yes : _settings.ImmediateData;
        return initialR2T && !immediateData;
    }

    private string? OfferValue(TextKeyDefinition definition)
    {
        bool initiator = Role == NegotiationRole.Initiator;
        switch (definition.Name)
        {
            case TextKeyNames.SessionType:
                return initiator ? (SessionType == SessionType.Discovery ? "Discovery" : "Normal") : null;
            case TextKeyNames.TargetName:
                return initiator && SessionType == SessionType.Normal && Stage != LoginStage.FullFeaturePhase ? _settings.TargetName : null;
            case TextKeyNames.AuthMethod:
                return initiator ? string.Join(',', _settings.AuthMethods) : null;
            case TextKeyNames.MaxRecvDataSegmentLength:
                return TextValues.FormatNumber((ulong)_settings.MaxRecvDataSegmentLength);
            case TextKeyNames.IscsiProtocolLevel when !initiator:
                // RFC 7144 §2.1: a target can always serve level 0, so it only answers the initiator's offer
                // (an unsolicited offer stalls initiators that do not know the key, such as libiscsi).
                return null;
        }
        string? value = LocalValue(definition);
        if (value is null || definition.Rule == NegotiationRule.Declarative || definition.IsPrivate || initiator)
        {
            return value;
        }
        // A target offers a negotiable key on its own only when it cannot live with the default.
        return value == definition.DefaultValue ? null : value;
    }

    private string? LocalValue(TextKeyDefinition definition) => definition.Name switch
    {
        TextKeyNames.InitiatorName => _settings.InitiatorName,
        TextKeyNames.InitiatorAlias => _settings.InitiatorAlias,
        TextKeyNames.TargetAlias => _settings.TargetAlias,
        TextKeyNames.TargetAddress => _settings.TargetAddress,
        TextKeyNames.TargetPortalGroupTag => _settings.TargetPortalGroupTag?.ToString(CultureInfo.InvariantCulture),
        TextKeyNames.SendTargets => _settings.SendTargets,
        TextKeyNames.HeaderDigest => string.Join(',', _settings.HeaderDigests.Select(FormatDigest)),
        TextKeyNames.DataDigest => string.Join(',', _settings.DataDigests.Select(FormatDigest)),
        TextKeyNames.AuthMethod => string.Join(',', _settings.AuthMethods),
        TextKeyNames.TaskReporter => string.Join(',', _settings.TaskReporters),
        TextKeyNames.MaxConnections => Format(_settings.MaxConnections),
        TextKeyNames.InitialR2T => TextValues.FormatBoolean(_settings.InitialR2T),
        TextKeyNames.ImmediateData => TextValues.FormatBoolean(_settings.ImmediateData),
        TextKeyNames.MaxRecvDataSegmentLength => Format(_settings.MaxRecvDataSegmentLength),
        TextKeyNames.MaxBurstLength => Format(_settings.MaxBurstLength),
        TextKeyNames.FirstBurstLength => Format(_settings.FirstBurstLength),
        TextKeyNames.DefaultTime2Wait => Format(_settings.DefaultTime2Wait),
        TextKeyNames.DefaultTime2Retain => Format(_settings.DefaultTime2Retain),
        TextKeyNames.MaxOutstandingR2T => Format(_settings.MaxOutstandingR2T),
        TextKeyNames.DataPDUInOrder => TextValues.FormatBoolean(_settings.DataPDUInOrder),
        TextKeyNames.DataSequenceInOrder => TextValues.FormatBoolean(_settings.DataSequenceInOrder),
        TextKeyNames.ErrorRecoveryLevel => Format(_settings.ErrorRecoveryLevel),
        TextKeyNames.IscsiProtocolLevel => Format(_settings.IscsiProtocolLevel),
        _ => definition.IsPrivate ? _settings.ExtensionKeys.GetValueOrDefault(definition.Name) : null,
    };

    private string[] LocalList(TextKeyDefinition definition) =>
        TextValues.SplitList(LocalValue(definition) ?? definition.DefaultValue ?? string.Empty);

    private void LearnSessionType(IReadOnlyList<TextKeyValue> pairs)
    {
        // The target learns the session type from the initiator's first login PDU; it decides which keys are relevant.
        if (Role == NegotiationRole.Target)
        {
            foreach (TextKeyValue pair in pairs)
            {
                if (pair.Key == TextKeyNames.SessionType && pair.Value is "Discovery" or "Normal" && !_received.Contains(pair.Key))
                {
                    SessionType = pair.Value == "Discovery" ? SessionType.Discovery : SessionType.Normal;
                }
            }
        }
    }

    private void RecordDeclaration(Dictionary<string, string> declarations, TextKeyDefinition definition, string value)
    {
        declarations[definition.Name] = value;
        if (definition.IsPrivate)
        {
            _results[definition.Name] = value;
        }
    }

    private void ValidateSettings()
    {
        Check(TextKeyNames.MaxConnections, _settings.MaxConnections);
        Check(TextKeyNames.MaxRecvDataSegmentLength, _settings.MaxRecvDataSegmentLength);
        Check(TextKeyNames.MaxBurstLength, _settings.MaxBurstLength);
        Check(TextKeyNames.FirstBurstLength, _settings.FirstBurstLength);
        Check(TextKeyNames.DefaultTime2Wait, _settings.DefaultTime2Wait);
        Check(TextKeyNames.DefaultTime2Retain, _settings.DefaultTime2Retain);
        Check(TextKeyNames.MaxOutstandingR2T, _settings.MaxOutstandingR2T);
        Check(TextKeyNames.ErrorRecoveryLevel, _settings.ErrorRecoveryLevel);
        Check(TextKeyNames.IscsiProtocolLevel, _settings.IscsiProtocolLevel);
        foreach (string key in _settings.ExtensionKeys.Keys)
        {
            if (!_registry.TryGetDefinition(key, out _))
            {
                throw new ArgumentException($"The extension key {key} is not registered.", "settings");
            }
        }

        void Check(string key, int value)
        {
            _registry.TryGetDefinition(key, out TextKeyDefinition? definition);
            if (value < 0 || !InRange(definition!, Format(value)))
            {
                throw new ArgumentOutOfRangeException("settings", value,
                    $"{key} must lie in {definition!.Minimum}..{definition.Maximum} (RFC 7143 §13).");
            }
        }
    }

    private static bool InRange(TextKeyDefinition definition, string value)
    {
        if (definition.ValueKind != TextValueKind.NumericValue || !TextValues.TryParseNumber(value, out ulong number))
        {
            return true;
        }
        return number >= (definition.Minimum ?? 0) && number <= (definition.Maximum ?? ulong.MaxValue);
    }

    private static bool MaySend(KeySenders senders, NegotiationRole role) =>
        (senders & (role == NegotiationRole.Initiator ? KeySenders.Initiator : KeySenders.Target)) != 0;

    private static string Format(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string FormatDigest(DigestType digest) => digest == DigestType.Crc32C ? "CRC32C" : TextKeyNames.None;

    private DigestType Digest(string key, DigestType fallback) =>
        _results.TryGetValue(key, out string? value) ? (value == "CRC32C" ? DigestType.Crc32C : DigestType.None) : fallback;

    private int Number(string key, int fallback) =>
        _results.TryGetValue(key, out string? value) && TextValues.TryParseNumber(value, out ulong number) ? (int)number : fallback;

    private bool Boolean(string key, bool fallback) =>
        _results.TryGetValue(key, out string? value) ? value == TextKeyNames.Yes : fallback;

    private static int Declared(Dictionary<string, string> declarations, string key, int fallback) =>
        declarations.TryGetValue(key, out string? value) && TextValues.TryParseNumber(value, out ulong number) ? (int)number : fallback;
}
