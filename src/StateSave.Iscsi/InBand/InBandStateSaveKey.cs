using StateSave.Iscsi.Negotiation;

namespace StateSave.Iscsi.InBand;

/// <summary>
/// The login key that enables in-band state save on a session (specs/in-band-state-save.md §1): a private extension
/// key (RFC 7143 §13.5.4), Boolean with the AND result function, Leading Only, LoginOperational, offered by the
/// initiator only. Vendor-specific PDUs of the protocol are sent only on sessions where both sides said <c>Yes</c>.
/// </summary>
public static class InBandStateSaveKey
{
    public const string Name = "X-io.statesave.InBandStateSave";

    /// <summary>The key's definition for a <see cref="TextKeyRegistry"/>.</summary>
    public static TextKeyDefinition Definition { get; } = new()
    {
        Name = Name,
        ValueKind = TextValueKind.Boolean,
        Rule = NegotiationRule.BooleanAnd,
        Senders = KeySenders.Initiator,
        Use = KeyUse.LeadingOnly,
        Stages = NegotiationStages.OperationalNegotiation,
        DefaultValue = TextKeyNames.No,
        RelevantInDiscovery = false,
    };

    private static readonly Dictionary<string, string> YesValue = new() { [Name] = TextKeyNames.Yes };
    private static readonly Dictionary<string, string> NoValue = new() { [Name] = TextKeyNames.No };

    /// <summary>The key's value as <see cref="NegotiationSettings.ExtensionKeys"/> carries it (proposed by an initiator, answered by a target).</summary>
    public static IReadOnlyDictionary<string, string> SettingsValue(bool enabled) => enabled ? YesValue : NoValue;

    /// <summary>A registry of the standard keys and this one.</summary>
    public static TextKeyRegistry CreateRegistry()
    {
        var registry = new TextKeyRegistry();
        registry.Register(Definition);
        return registry;
    }

    /// <summary>Whether negotiated <paramref name="parameters"/> enable in-band state save (both sides said Yes).</summary>
    public static bool IsEnabled(NegotiatedParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return parameters.ExtensionKeys.TryGetValue(Name, out string value) && value == TextKeyNames.Yes;
    }
}
