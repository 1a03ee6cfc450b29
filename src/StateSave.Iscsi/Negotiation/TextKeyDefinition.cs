namespace StateSave.Iscsi.Negotiation;

/// <summary>What RFC 7143 §12–13 (or the embedding application, for private keys) says about one key.</summary>
public sealed record TextKeyDefinition
{
    public required string Name { get; init; }
    public required TextValueKind ValueKind { get; init; }
    public required NegotiationRule Rule { get; init; }
    public required KeySenders Senders { get; init; }
    public required KeyUse Use { get; init; }
    public KeyScope Scope { get; init; } = KeyScope.SessionWide;

    /// <summary>The stages where the key may be sent.</summary>
    public required NegotiationStages Stages { get; init; }

    /// <summary>Smallest allowed value of a numeric key.</summary>
    public ulong? Minimum { get; init; }

    /// <summary>Largest allowed value of a numeric key.</summary>
    public ulong? Maximum { get; init; }

    /// <summary>The RFC default, as text; null when the key has none.</summary>
    public string? DefaultValue { get; init; }

    /// <summary>For list and label keys: the values defined for the key (others are not understood).</summary>
    public IReadOnlyList<string>? DefinedValues { get; init; }

    /// <summary>Whether the key has meaning in a Discovery session.</summary>
    public bool RelevantInDiscovery { get; init; } = true;

    /// <summary>Obsoleted by RFC 7143 §13.26: always answered Reject.</summary>
    public bool IsObsolete { get; init; }

    /// <summary>The largest value accepted on receipt, in bytes (RFC 7143 §6.1: 255 unless the key says otherwise).</summary>
    public int MaxValueLength { get; init; } = TextLimits.DefaultMaxValueLength;

    /// <summary>Whether the key may appear more than once in one negotiation (e.g. TargetAddress in a SendTargets answer).</summary>
    public bool MayRepeat { get; init; }

    public bool IsPrivate => IsPrivateName(Name);

    internal static bool IsPrivateName(string name) =>
        name.StartsWith(TextKeyNames.PrivatePrefix, StringComparison.Ordinal)
        || name.StartsWith(TextKeyNames.PublicExtensionPrefix, StringComparison.Ordinal);
}
