namespace StateSave.Iscsi.Negotiation;

/// <summary>The definitions of every standard key: RFC 7143 §12 (security), §13 (operational) and RFC 7144.</summary>
public static class StandardTextKeys
{
    /// <summary>2^24 - 1, the upper bound of the data length keys (RFC 7143 §13.12–13.14).</summary>
    public const ulong MaxDataLength = (1UL << 24) - 1;

    private const NegotiationStages OperationalAndFullFeature = NegotiationStages.OperationalNegotiation | NegotiationStages.FullFeaturePhase;
    private const NegotiationStages LoginAndFullFeature = NegotiationStages.Login | NegotiationStages.FullFeaturePhase;

    public static IReadOnlyList<TextKeyDefinition> All { get; } = Create();

    private static TextKeyDefinition[] Create()
    {
        string[] digests = ["CRC32C", TextKeyNames.None];
        return
        [
            // §13.21, §13.5, §13.4, §13.7, §13.6, §13.9, §13.8: identification, declared in the first login PDUs.
            Declarative(TextKeyNames.SessionType, TextValueKind.StandardLabel, KeySenders.Initiator, KeyUse.LeadingOnly, NegotiationStages.Login)
                with { DefaultValue = "Normal", DefinedValues = ["Discovery", "Normal"] },
            Declarative(TextKeyNames.InitiatorName, TextValueKind.IscsiNameValue, KeySenders.Initiator, KeyUse.InitializeOnly, NegotiationStages.Login),
            Declarative(TextKeyNames.TargetName, TextValueKind.IscsiNameValue, KeySenders.Both, KeyUse.InitializeOnly, LoginAndFullFeature),
            Declarative(TextKeyNames.InitiatorAlias, TextValueKind.IscsiLocalNameValue, KeySenders.Initiator, KeyUse.Any, LoginAndFullFeature),
            Declarative(TextKeyNames.TargetAlias, TextValueKind.IscsiLocalNameValue, KeySenders.Target, KeyUse.Any, LoginAndFullFeature),
            Declarative(TextKeyNames.TargetPortalGroupTag, TextValueKind.NumericValue, KeySenders.Target, KeyUse.InitializeOnly, NegotiationStages.Login)
                with { Minimum = 0, Maximum = ushort.MaxValue },
            Declarative(TextKeyNames.TargetAddress, TextValueKind.TextValue, KeySenders.Target, KeyUse.Any, LoginAndFullFeature)
                with { MayRepeat = true },
            // §13.3: a Text request of the Full Feature Phase.
            Declarative(TextKeyNames.SendTargets, TextValueKind.TextValue, KeySenders.Initiator, KeyUse.FullFeatureOnly, NegotiationStages.FullFeaturePhase),

            // §12.1: security stage.
            new TextKeyDefinition
            {
                Name = TextKeyNames.AuthMethod, ValueKind = TextValueKind.ListOfValues, Rule = NegotiationRule.ListOfValues,
                Senders = KeySenders.Both, Use = KeyUse.InitializeOnly, Scope = KeyScope.ConnectionOnly,
                Stages = NegotiationStages.SecurityNegotiation, DefaultValue = TextKeyNames.None,
                DefinedValues = ["KRB5", "SRP", "CHAP", "SPKM1", "SPKM2", TextKeyNames.None],
            },
            // §12.1.3: CHAP exchange keys (the exchange itself is carried by the authentication layer).
            Chap(TextKeyNames.ChapA, TextValueKind.ListOfValues),
            Chap(TextKeyNames.ChapI, TextValueKind.NumericValue) with { Minimum = 0, Maximum = byte.MaxValue },
            Chap(TextKeyNames.ChapC, TextValueKind.BinaryValue) with { MaxValueLength = TextLimits.MaxChapBinaryValueLength },
            Chap(TextKeyNames.ChapN, TextValueKind.TextValue),
            Chap(TextKeyNames.ChapR, TextValueKind.BinaryValue) with { MaxValueLength = TextLimits.MaxChapBinaryValueLength },

            // §13.1
            List(TextKeyNames.HeaderDigest, KeyUse.InitializeOnly, KeyScope.ConnectionOnly, TextKeyNames.None, digests),
            List(TextKeyNames.DataDigest, KeyUse.InitializeOnly, KeyScope.ConnectionOnly, TextKeyNames.None, digests),
            // §13.2
            Numeric(TextKeyNames.MaxConnections, NegotiationRule.NumericMinimum, 1, ushort.MaxValue, 1) with { RelevantInDiscovery = false },
            // §13.10, §13.11
            Boolean(TextKeyNames.InitialR2T, NegotiationRule.BooleanOr, true) with { RelevantInDiscovery = false },
            Boolean(TextKeyNames.ImmediateData, NegotiationRule.BooleanAnd, true) with { RelevantInDiscovery = false },
            // §13.12: each side declares what it can receive; may change in the Full Feature Phase.
            Declarative(TextKeyNames.MaxRecvDataSegmentLength, TextValueKind.NumericValue, KeySenders.Both, KeyUse.Any, OperationalAndFullFeature)
                with { Scope = KeyScope.ConnectionOnly, Minimum = 512, Maximum = MaxDataLength, DefaultValue = "8192" },
            // §13.13, §13.14 (FirstBurstLength is also irrelevant when InitialR2T=Yes and ImmediateData=No)
            Numeric(TextKeyNames.MaxBurstLength, NegotiationRule.NumericMinimum, 512, MaxDataLength, 262144) with { RelevantInDiscovery = false },
            Numeric(TextKeyNames.FirstBurstLength, NegotiationRule.NumericMinimum, 512, MaxDataLength, 65536) with { RelevantInDiscovery = false },
            // §13.15, §13.16
            Numeric(TextKeyNames.DefaultTime2Wait, NegotiationRule.NumericMaximum, 0, 3600, 2),
            Numeric(TextKeyNames.DefaultTime2Retain, NegotiationRule.NumericMinimum, 0, 3600, 20),
            // §13.17
            Numeric(TextKeyNames.MaxOutstandingR2T, NegotiationRule.NumericMinimum, 1, ushort.MaxValue, 1) with { RelevantInDiscovery = false },
            // §13.18, §13.19
            Boolean(TextKeyNames.DataPDUInOrder, NegotiationRule.BooleanOr, true) with { RelevantInDiscovery = false },
            Boolean(TextKeyNames.DataSequenceInOrder, NegotiationRule.BooleanOr, true) with { RelevantInDiscovery = false },
            // §13.20
            Numeric(TextKeyNames.ErrorRecoveryLevel, NegotiationRule.NumericMinimum, 0, 2, 0),
            // §13.23
            List(TextKeyNames.TaskReporter, KeyUse.LeadingOnly, KeyScope.SessionWide, "RFC3720", ["RFC3720", "ResponseFence", "FastAbort"])
                with { RelevantInDiscovery = false },
            // RFC 7144 §2.1
            Numeric(TextKeyNames.IscsiProtocolLevel, NegotiationRule.NumericMinimum, 0, 31, 0) with { RelevantInDiscovery = false },

            // §13.26: obsoleted marker keys, answered Reject.
            Obsolete(TextKeyNames.IFMarker, TextValueKind.Boolean, NegotiationRule.BooleanAnd),
            Obsolete(TextKeyNames.OFMarker, TextValueKind.Boolean, NegotiationRule.BooleanAnd),
            Obsolete(TextKeyNames.IFMarkInt, TextValueKind.NumericRange, NegotiationRule.Declarative),
            Obsolete(TextKeyNames.OFMarkInt, TextValueKind.NumericRange, NegotiationRule.Declarative),
        ];
    }

    private static TextKeyDefinition Declarative(string name, TextValueKind kind, KeySenders senders, KeyUse use, NegotiationStages stages) => new()
    {
        Name = name, ValueKind = kind, Rule = NegotiationRule.Declarative, Senders = senders, Use = use, Stages = stages,
    };

    private static TextKeyDefinition Chap(string name, TextValueKind kind) => new()
    {
        Name = name, ValueKind = kind, Rule = NegotiationRule.AuthenticationExchange, Senders = KeySenders.Both,
        Use = KeyUse.InitializeOnly, Scope = KeyScope.ConnectionOnly, Stages = NegotiationStages.SecurityNegotiation,
    };

    private static TextKeyDefinition List(string name, KeyUse use, KeyScope scope, string defaultValue, string[] values) => new()
    {
        Name = name, ValueKind = TextValueKind.ListOfValues, Rule = NegotiationRule.ListOfValues, Senders = KeySenders.Both,
        Use = use, Scope = scope, Stages = NegotiationStages.OperationalNegotiation, DefaultValue = defaultValue, DefinedValues = values,
    };

    private static TextKeyDefinition Numeric(string name, NegotiationRule rule, ulong min, ulong max, ulong defaultValue) => new()
    {
        Name = name, ValueKind = TextValueKind.NumericValue, Rule = rule, Senders = KeySenders.Both, Use = KeyUse.LeadingOnly,
        Stages = NegotiationStages.OperationalNegotiation, Minimum = min, Maximum = max,
        DefaultValue = defaultValue.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private static TextKeyDefinition Boolean(string name, NegotiationRule rule, bool defaultValue) => new()
    {
        Name = name, ValueKind = TextValueKind.Boolean, Rule = rule, Senders = KeySenders.Both, Use = KeyUse.LeadingOnly,
        Stages = NegotiationStages.OperationalNegotiation, DefaultValue = defaultValue ? TextKeyNames.Yes : TextKeyNames.No,
    };

    private static TextKeyDefinition Obsolete(string name, TextValueKind kind, NegotiationRule rule) => new()
    {
        Name = name, ValueKind = kind, Rule = rule, Senders = KeySenders.Both, Use = KeyUse.InitializeOnly,
        Scope = KeyScope.ConnectionOnly, Stages = NegotiationStages.OperationalNegotiation, IsObsolete = true,
    };
}
